/* Windows x64 facts for ws2def.h / ws2ipdef.h / mstcpip.h (VALUES.md §2 and
 * §5a) as X-macro lists, expanded by ws2def_layout_test.c (C11) and
 * ws2def_layout_test.cc (C++20). */
#ifndef WSKCONF_TESTS_KERNEL_WS2DEF_LAYOUT_TEST_H_
#define WSKCONF_TESTS_KERNEL_WS2DEF_LAYOUT_TEST_H_

#include <mstcpip.h>

#include "layout_rows.h"

#define WSKCONF_WS2DEF_LAYOUTS(SIZE, ALIGN, OFFSET)                          \
  SIZE(IN_ADDR, 4) ALIGN(IN_ADDR, 4) OFFSET(IN_ADDR, S_un, 0)                \
  OFFSET(IN_ADDR, S_un.S_addr, 0) OFFSET(IN_ADDR, S_un.S_un_b.s_b4, 3)       \
  OFFSET(IN_ADDR, S_un.S_un_w.s_w2, 2)                                       \
  SIZE(IN6_ADDR, 16) ALIGN(IN6_ADDR, 2) OFFSET(IN6_ADDR, u.Byte, 0)          \
  OFFSET(IN6_ADDR, u.Word, 0)                                                \
  SIZE(SOCKADDR, 16) ALIGN(SOCKADDR, 2) OFFSET(SOCKADDR, sa_family, 0)       \
  OFFSET(SOCKADDR, sa_data, 2)                                               \
  SIZE(SOCKADDR_IN, 16) ALIGN(SOCKADDR_IN, 4)                                \
  OFFSET(SOCKADDR_IN, sin_family, 0) OFFSET(SOCKADDR_IN, sin_port, 2)        \
  OFFSET(SOCKADDR_IN, sin_addr, 4) OFFSET(SOCKADDR_IN, sin_zero, 8)          \
  SIZE(SOCKADDR_IN6, 28) ALIGN(SOCKADDR_IN6, 4)                              \
  OFFSET(SOCKADDR_IN6, sin6_family, 0) OFFSET(SOCKADDR_IN6, sin6_port, 2)    \
  OFFSET(SOCKADDR_IN6, sin6_flowinfo, 4) OFFSET(SOCKADDR_IN6, sin6_addr, 8)  \
  OFFSET(SOCKADDR_IN6, sin6_scope_id, 24)                                    \
  OFFSET(SOCKADDR_IN6, sin6_scope_struct, 24)                                \
  SIZE(SOCKADDR_STORAGE, 128) ALIGN(SOCKADDR_STORAGE, 8)                     \
  OFFSET(SOCKADDR_STORAGE, ss_family, 0)                                     \
  OFFSET(SOCKADDR_STORAGE, __ss_pad1, 2)                                     \
  OFFSET(SOCKADDR_STORAGE, __ss_align, 8)                                    \
  OFFSET(SOCKADDR_STORAGE, __ss_pad2, 16)                                    \
  SIZE(SCOPE_ID, 4) ALIGN(SCOPE_ID, 4) OFFSET(SCOPE_ID, Value, 0)            \
  SIZE(CMSGHDR, 16) ALIGN(CMSGHDR, 8) OFFSET(CMSGHDR, cmsg_len, 0)           \
  OFFSET(CMSGHDR, cmsg_level, 8) OFFSET(CMSGHDR, cmsg_type, 12)              \
  SIZE(WSACMSGHDR, 16)                                                       \
  SIZE(SOCKET_ADDRESS, 16) ALIGN(SOCKET_ADDRESS, 8)                          \
  OFFSET(SOCKET_ADDRESS, lpSockaddr, 0)                                      \
  OFFSET(SOCKET_ADDRESS, iSockaddrLength, 8)                                 \
  SIZE(SOCKET_ADDRESS_LIST, 24) ALIGN(SOCKET_ADDRESS_LIST, 8)                \
  OFFSET(SOCKET_ADDRESS_LIST, iAddressCount, 0)                              \
  OFFSET(SOCKET_ADDRESS_LIST, Address, 8)                                    \
  SIZE(ADDRINFOEXW, 72) ALIGN(ADDRINFOEXW, 8)                                \
  OFFSET(ADDRINFOEXW, ai_flags, 0) OFFSET(ADDRINFOEXW, ai_family, 4)         \
  OFFSET(ADDRINFOEXW, ai_socktype, 8) OFFSET(ADDRINFOEXW, ai_protocol, 12)   \
  OFFSET(ADDRINFOEXW, ai_addrlen, 16) OFFSET(ADDRINFOEXW, ai_canonname, 24)  \
  OFFSET(ADDRINFOEXW, ai_addr, 32) OFFSET(ADDRINFOEXW, ai_blob, 40)          \
  OFFSET(ADDRINFOEXW, ai_bloblen, 48) OFFSET(ADDRINFOEXW, ai_provider, 56)   \
  OFFSET(ADDRINFOEXW, ai_next, 64)                                           \
  SIZE(ADDRESS_FAMILY, 2) SIZE(IPPROTO, 4)

/* Group names are the VALUES.md tables. */
#define WSKCONF_WS2DEF_VALUES(VALUE)                                           \
  VALUE(V2a, AF_UNSPEC, 0) VALUE(V2a, AF_INET, 2) VALUE(V2a, AF_INET6, 23)     \
  VALUE(V2a, SOCK_STREAM, 1) VALUE(V2a, SOCK_DGRAM, 2) VALUE(V2a, SOCK_RAW, 3) \
  VALUE(V2a, SOCK_RDM, 4) VALUE(V2a, SOCK_SEQPACKET, 5)                        \
  VALUE(V2a, IPPROTO_IP, 0) VALUE(V2a, IPPROTO_ICMP, 1)                        \
  VALUE(V2a, IPPROTO_TCP, 6) VALUE(V2a, IPPROTO_UDP, 17)                       \
  VALUE(V2a, IPPROTO_IPV6, 41) VALUE(V2a, IPPROTO_ICMPV6, 58)                  \
  VALUE(V2a, IPPROTO_RAW, 255) VALUE(V2a, IPPROTO_MAX, 256)                    \
  VALUE(V2a, SOL_SOCKET, 0xFFFF) VALUE(V2a, TCP_NODELAY, 1)                    \
  VALUE(V2a, TCP_FASTOPEN, 15) VALUE(V2a, IPV6_V6ONLY, 27)                     \
  VALUE(V2a, INADDR_ANY, 0) VALUE(V2a, INADDR_LOOPBACK, 0x7F000001)            \
  VALUE(V2a, INADDR_BROADCAST, 0xFFFFFFFF) VALUE(V2a, INADDR_NONE, 0xFFFFFFFF) \
  VALUE(V2a, WSK_SO_BASE, 0x4000)                                              \
  VALUE(V2b, SO_REUSEADDR, 0x0004) VALUE(V2b, SO_KEEPALIVE, 0x0008)            \
  VALUE(V2b, SO_BROADCAST, 0x0020) VALUE(V2b, SO_LINGER, 0x0080)               \
  VALUE(V2b, SO_EXCLUSIVEADDRUSE, 0xFFFFFFFB) VALUE(V2b, SO_SNDBUF, 0x1001)    \
  VALUE(V2b, SO_RCVBUF, 0x1002) VALUE(V2b, SO_SNDTIMEO, 0x1005)                \
  VALUE(V2b, SO_RCVTIMEO, 0x1006) VALUE(V2b, SO_ERROR, 0x1007)                 \
  VALUE(V2b, SO_TYPE, 0x1008) VALUE(V2b, SO_CONDITIONAL_ACCEPT, 0x3002)        \
  VALUE(V2c, MSG_TRUNC, 0x0100) VALUE(V2c, MSG_CTRUNC, 0x0200)                 \
  VALUE(V2c, MSG_BCAST, 0x0400) VALUE(V2c, MSG_MCAST, 0x0800)                  \
  VALUE(V2c, NI_NOFQDN, 0x01) VALUE(V2c, NI_NUMERICHOST, 0x02)                 \
  VALUE(V2c, NI_NAMEREQD, 0x04) VALUE(V2c, NI_NUMERICSERV, 0x08)               \
  VALUE(V2c, NI_DGRAM, 0x10) VALUE(V2c, NI_MAXHOST, 1025)                      \
  VALUE(V2c, NI_MAXSERV, 32) VALUE(V2c, NS_ALL, 0)                             \
  VALUE(V2d, IOC_VOID, 0x20000000) VALUE(V2d, IOC_OUT, 0x40000000)             \
  VALUE(V2d, IOC_IN, 0x80000000) VALUE(V2d, IOC_INOUT, 0xC0000000)             \
  VALUE(V2d, IOC_UNIX, 0) VALUE(V2d, IOC_WS2, 0x08000000)                      \
  VALUE(V2d, IOC_PROTOCOL, 0x10000000) VALUE(V2d, IOC_VENDOR, 0x18000000)      \
  VALUE(V2d, IOC_WSK, 0x0F000000)                                              \
  VALUE(V2d, _WSAIO(IOC_WS2, 1), 0x28000001)                                   \
  VALUE(V2d, _WSAIOR(IOC_WS2, 1), 0x48000001)                                  \
  VALUE(V2d, _WSAIOW(IOC_WS2, 1), 0x88000001)                                  \
  VALUE(V2d, _WSAIORW(IOC_WS2, 1), 0xC8000001)                                 \
  VALUE(V2e, SIO_ADDRESS_LIST_QUERY, 0x48000016)                               \
  VALUE(V2e, SIO_ADDRESS_LIST_CHANGE, 0x28000017)                              \
  VALUE(V2e, SIO_ADDRESS_LIST_SORT, 0xC8000019)                                \
  VALUE(V2e, SIO_LOOPBACK_FAST_PATH, 0x98000010)                               \
  VALUE(V2e, SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS, 0x980000DC)            \
  VALUE(V2e, SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT, 0x980000DD)            \
  VALUE(V2e, SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS, 0x980000DE)

#endif /* WSKCONF_TESTS_KERNEL_WS2DEF_LAYOUT_TEST_H_ */
