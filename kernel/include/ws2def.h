/* Winsock definitions shared by user and kernel mode (ws2def.h): address
 * families, socket types, protocols, SOL_SOCKET options, socket address
 * structures, control-message headers, the ADDRINFO family with the AI_ and
 * NS_ values, and the IOCTL codes, all
 * with Windows values and x64 layouts (../shared/wsk-docs/VALUES.md §2, §5a).
 *
 * Host coexistence: these names (AF_INET6 = 23, SOL_SOCKET = 0xFFFF, struct
 * sockaddr_in, ...) collide with the host's <sys/socket.h>/<netinet/in.h>.
 * A translation unit that needs both (the reference provider's edge) defines
 * WSKCONF_WS_PREFIX before including any of these headers: every constant is
 * then available only as WS_<name> (WS_AF_INET6, WS_SOL_SOCKET ...), struct
 * tags become WS_<tag> (struct WS_sockaddr_in), the lowercase accessor macros
 * (s_addr, s6_addr) and CMSG_* aliases are omitted, and the upper-case
 * typedefs (SOCKADDR_IN, SOCKADDR_IN6, IN_ADDR ...) keep their names. The
 * WS_<name> spellings exist in both modes. */
#ifndef WSKCONF_WS2DEF_H_
#define WSKCONF_WS2DEF_H_

#include <ntdef.h>

#if !defined(WSKCONF_WS_PREFIX) && \
    (defined(_SYS_SOCKET_H) || defined(_NETINET_IN_H) || defined(_NETDB_H))
#error "the host's socket headers came first: define WSKCONF_WS_PREFIX before \
including <ws2def.h>/<wsk.h> to use both (see ws2def.h)"
#endif

#include "inaddr.h"

typedef USHORT ADDRESS_FAMILY;

/* Address families (note AF_INET6 is 23 on Windows, not Linux's 10). */
#define WS_AF_UNSPEC 0
#define WS_AF_INET 2
#define WS_AF_INET6 23

/* Socket types. */
#define WS_SOCK_STREAM 1
#define WS_SOCK_DGRAM 2
#define WS_SOCK_RAW 3
#define WS_SOCK_RDM 4
#define WS_SOCK_SEQPACKET 5

/* Level for socket-level options in WskControlSocket. */
#define WS_SOL_SOCKET 0xffff

/* SOL_SOCKET option names. SO_EXCLUSIVEADDRUSE is the bitwise NOT of
 * SO_REUSEADDR as an int (-5, 0xFFFFFFFB as a ULONG control code). */
#define WS_SO_REUSEADDR 0x0004
#define WS_SO_KEEPALIVE 0x0008
#define WS_SO_BROADCAST 0x0020
#define WS_SO_LINGER 0x0080
#define WS_SO_EXCLUSIVEADDRUSE ((int)(~WS_SO_REUSEADDR))
#define WS_SO_SNDBUF 0x1001
#define WS_SO_RCVBUF 0x1002
#define WS_SO_SNDTIMEO 0x1005
#define WS_SO_RCVTIMEO 0x1006
#define WS_SO_ERROR 0x1007
#define WS_SO_TYPE 0x1008
#define WS_SO_CONDITIONAL_ACCEPT 0x3002

/* Base of the WSK-specific socket options (SO_WSK_* in wsk.h). */
#define WSK_SO_BASE 0x4000

/* IPPROTO_TCP-level option. */
#define WS_TCP_NODELAY 0x0001

/* Protocols: IPPROTO_IP is a plain macro, the rest enumerators of IPPROTO,
 * as in the Windows header. */
#define WS_IPPROTO_IP 0
typedef enum {
  WSKCONF_WS(IPPROTO_ICMP) = 1,
  WSKCONF_WS(IPPROTO_TCP) = 6,
  WSKCONF_WS(IPPROTO_UDP) = 17,
  WSKCONF_WS(IPPROTO_IPV6) = 41,
  WSKCONF_WS(IPPROTO_ICMPV6) = 58,
  WSKCONF_WS(IPPROTO_RAW) = 255,
  WSKCONF_WS(IPPROTO_MAX) = 256
} IPPROTO, *PIPPROTO;

/* IPv4 addresses in host byte order (convert with a byte swap). */
#define WS_INADDR_ANY ((ULONG)0x00000000)
#define WS_INADDR_LOOPBACK 0x7f000001
#define WS_INADDR_BROADCAST ((ULONG)0xffffffff)
#define WS_INADDR_NONE 0xffffffff

/* Control flags returned by WskReceiveFrom / passed to WskReceiveFromEvent. */
#define WS_MSG_TRUNC 0x0100
#define WS_MSG_CTRUNC 0x0200
#define WS_MSG_BCAST 0x0400
#define WS_MSG_MCAST 0x0800

/* WskGetNameInfo flags and buffer sizes; WskGetAddressInfo name space. */
#define WS_NI_NOFQDN 0x01
#define WS_NI_NUMERICHOST 0x02
#define WS_NI_NAMEREQD 0x04
#define WS_NI_NUMERICSERV 0x08
#define WS_NI_DGRAM 0x10
#define WS_NI_MAXHOST 1025
#define WS_NI_MAXSERV 32
#define WS_NS_ALL 0

/* Socket IOCTL codes: direction bits, vendor/family field, ordinal. */
#define WS_IOC_UNIX 0x00000000
#define WS_IOC_WS2 0x08000000
#define WS_IOC_PROTOCOL 0x10000000
#define WS_IOC_VENDOR 0x18000000
#define WS_IOC_WSK (WS_IOC_WS2 | 0x07000000)
#define WS_IOC_VOID 0x20000000
#define WS_IOC_OUT 0x40000000
#define WS_IOC_IN 0x80000000
#define WS_IOC_INOUT (WS_IOC_IN | WS_IOC_OUT)
#define _WSAIO(x, y) (WS_IOC_VOID | (x) | (y))
#define _WSAIOR(x, y) (WS_IOC_OUT | (x) | (y))
#define _WSAIOW(x, y) (WS_IOC_IN | (x) | (y))
#define _WSAIORW(x, y) (WS_IOC_INOUT | (x) | (y))

/* Local address list IOCTLs (WskControlSocket, RequestType WskIoctl). */
#define WS_SIO_ADDRESS_LIST_QUERY _WSAIOR(WS_IOC_WS2, 22)
#define WS_SIO_ADDRESS_LIST_CHANGE _WSAIO(WS_IOC_WS2, 23)
#define WS_SIO_ADDRESS_LIST_SORT _WSAIORW(WS_IOC_WS2, 25)

/* Generic socket address: 16 bytes, family first. */
typedef struct WSKCONF_WS(sockaddr) {
  ADDRESS_FAMILY sa_family;
  CHAR sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;
typedef const SOCKADDR *PCSOCKADDR;

/* IPv4 socket address; port and address in network byte order. */
typedef struct WSKCONF_WS(sockaddr_in) {
  ADDRESS_FAMILY sin_family;
  USHORT sin_port;
  IN_ADDR sin_addr;
  CHAR sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

/* Storage large and aligned enough for any socket address (128 bytes). */
typedef struct WSKCONF_WS(sockaddr_storage) {
  ADDRESS_FAMILY ss_family;
  CHAR __ss_pad1[6];
  LONGLONG __ss_align;
  CHAR __ss_pad2[112];
} SOCKADDR_STORAGE, SOCKADDR_STORAGE_LH, *PSOCKADDR_STORAGE,
    *PSOCKADDR_STORAGE_LH, *LPSOCKADDR_STORAGE;

/* IPv6 scope identifier: a 28-bit zone and a 4-bit level, or one ULONG. */
typedef struct {
  union {
    struct {
      ULONG Zone : 28;
      ULONG Level : 4;
    };
    ULONG Value;
  };
} SCOPE_ID, *PSCOPE_ID;

/* A socket address with its length, and a counted list of them (the output
 * of SIO_ADDRESS_LIST_QUERY). */
typedef struct _SOCKET_ADDRESS {
  LPSOCKADDR lpSockaddr;
  INT iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;

typedef struct _SOCKET_ADDRESS_LIST {
  INT iAddressCount;
  SOCKET_ADDRESS Address[1];
} SOCKET_ADDRESS_LIST, *PSOCKET_ADDRESS_LIST, *LPSOCKET_ADDRESS_LIST;

#define SIZEOF_SOCKET_ADDRESS_LIST(AddressCount)           \
  ((SIZE_T)FIELD_OFFSET(SOCKET_ADDRESS_LIST, Address) + \
   (SIZE_T)(AddressCount) * sizeof(SOCKET_ADDRESS))

/* Control-message header heading each object in a ControlInfo buffer
 * (WskSendTo, WskReceiveFrom, WSK_DATAGRAM_INDICATION). */
typedef struct _WSACMSGHDR {
  SIZE_T cmsg_len;
  INT cmsg_level;
  INT cmsg_type;
} WSACMSGHDR, *PWSACMSGHDR, *LPWSACMSGHDR, CMSGHDR, *PCMSGHDR;

/* Walking a control buffer: headers and data are 8-byte aligned on x64. */
#define WSA_CMSGHDR_ALIGN(length) \
  (((length) + __alignof__(WSACMSGHDR) - 1) & ~(__alignof__(WSACMSGHDR) - 1))
#define WSA_CMSGDATA_ALIGN(length) \
  (((length) + sizeof(ULONGLONG) - 1) & ~(sizeof(ULONGLONG) - 1))
#define WSA_CMSG_DATA(cmsg) \
  ((PUCHAR)(cmsg) + WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)))
#define WSA_CMSG_SPACE(length) \
  (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR) + WSA_CMSGHDR_ALIGN(length)))
#define WSA_CMSG_LEN(length) \
  (WSA_CMSGDATA_ALIGN(sizeof(WSACMSGHDR)) + (length))
/* First header of a ControlInfo buffer of `length` bytes, or NULL (Windows
 * takes a WSAMSG here, which kernel mode has no use for). */
#define WSKCONF_CMSG_FIRSTHDR(buffer, length)                  \
  ((SIZE_T)(length) >= sizeof(WSACMSGHDR) ? (PWSACMSGHDR)(buffer) \
                                          : (PWSACMSGHDR)NULL)
/* Header after `cmsg` within `length` bytes at `buffer`, or NULL. */
#define WSKCONF_CMSG_NXTHDR(buffer, length, cmsg)                          \
  (((PUCHAR)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len) +                 \
        sizeof(WSACMSGHDR) >                                               \
    (PUCHAR)(buffer) + (length))                                           \
       ? (PWSACMSGHDR)NULL                                                 \
       : (PWSACMSGHDR)((PUCHAR)(cmsg) + WSA_CMSGHDR_ALIGN((cmsg)->cmsg_len)))

/* Result of WskGetAddressInfo; freed with WskFreeAddressInfo. */
typedef struct WSKCONF_WS(addrinfoexW) {
  INT ai_flags;
  INT ai_family;
  INT ai_socktype;
  INT ai_protocol;
  SIZE_T ai_addrlen;
  PWSTR ai_canonname;
  struct WSKCONF_WS(sockaddr) *ai_addr;
  PVOID ai_blob;
  SIZE_T ai_bloblen;
  LPGUID ai_provider;
  struct WSKCONF_WS(addrinfoexW) *ai_next;
} ADDRINFOEXW, *PADDRINFOEXW, *LPADDRINFOEXW;

/* getaddrinfo flags (ADDRINFO*.ai_flags, WskGetAddressInfo hints). */
#define WS_AI_PASSIVE 0x00000001
#define WS_AI_CANONNAME 0x00000002
#define WS_AI_NUMERICHOST 0x00000004
#define WS_AI_NUMERICSERV 0x00000008
#define WS_AI_DNS_ONLY 0x00000010
#define WS_AI_FORCE_CLEAR_TEXT 0x00000020
#define WS_AI_BYPASS_DNS_CACHE 0x00000040
#define WS_AI_RETURN_TTL 0x00000080
#define WS_AI_ALL 0x00000100
#define WS_AI_ADDRCONFIG 0x00000400
#define WS_AI_V4MAPPED 0x00000800
#define WS_AI_NON_AUTHORITATIVE 0x00004000
#define WS_AI_SECURE 0x00008000
#define WS_AI_RETURN_PREFERRED_NAMES 0x00010000
#define WS_AI_FQDN 0x00020000
#define WS_AI_FILESERVER 0x00040000
#define WS_AI_DISABLE_IDN_ENCODING 0x00080000
#define WS_AI_SECURE_WITH_FALLBACK 0x00100000
#define WS_AI_EXCLUSIVE_CUSTOM_SERVERS 0x00200000
#define WS_AI_RETURN_RESPONSE_FLAGS 0x10000000
#define WS_AI_REQUIRE_SECURE 0x20000000
#define WS_AI_RESOLUTION_HANDLE 0x40000000
#define WS_AI_EXTENDED 0x80000000

/* Name spaces (WskGetAddressInfo NameSpace, ADDRINFOEX). */
#define WS_NS_SAP 1
#define WS_NS_NDS 2
#define WS_NS_PEER_BROWSE 3
#define WS_NS_SLP 5
#define WS_NS_DHCP 6
#define WS_NS_TCPIP_LOCAL 10
#define WS_NS_TCPIP_HOSTS 11
#define WS_NS_DNS 12
#define WS_NS_NETBT 13
#define WS_NS_WINS 14
#define WS_NS_NLA 15
#define WS_NS_BTH 16
#define WS_NS_NBP 20
#define WS_NS_MS 30
#define WS_NS_STDA 31
#define WS_NS_NTDS 32
#define WS_NS_EMAIL 37
#define WS_NS_PNRPNAME 38
#define WS_NS_PNRPCLOUD 39
#define WS_NS_X500 40
#define WS_NS_NIS 41
#define WS_NS_NISPLUS 42
#define WS_NS_WRQ 50
#define WS_NS_NETDES 60

/* getaddrinfo results, ANSI and Unicode (48 bytes on x64). */
typedef struct WSKCONF_WS(addrinfo) {
  INT ai_flags;
  INT ai_family;
  INT ai_socktype;
  INT ai_protocol;
  SIZE_T ai_addrlen;
  PSTR ai_canonname;
  struct WSKCONF_WS(sockaddr) *ai_addr;
  struct WSKCONF_WS(addrinfo) *ai_next;
} ADDRINFOA, *PADDRINFOA;
typedef struct WSKCONF_WS(addrinfoW) {
  INT ai_flags;
  INT ai_family;
  INT ai_socktype;
  INT ai_protocol;
  SIZE_T ai_addrlen;
  PWSTR ai_canonname;
  struct WSKCONF_WS(sockaddr) *ai_addr;
  struct WSKCONF_WS(addrinfoW) *ai_next;
} ADDRINFOW, *PADDRINFOW;

/* The Windows spellings, unless the TU shares its names with the host. */
#ifndef WSKCONF_WS_PREFIX
#define AF_UNSPEC WS_AF_UNSPEC
#define AF_INET WS_AF_INET
#define AF_INET6 WS_AF_INET6
#define SOCK_STREAM WS_SOCK_STREAM
#define SOCK_DGRAM WS_SOCK_DGRAM
#define SOCK_RAW WS_SOCK_RAW
#define SOCK_RDM WS_SOCK_RDM
#define SOCK_SEQPACKET WS_SOCK_SEQPACKET
#define SOL_SOCKET WS_SOL_SOCKET
#define SO_REUSEADDR WS_SO_REUSEADDR
#define SO_KEEPALIVE WS_SO_KEEPALIVE
#define SO_BROADCAST WS_SO_BROADCAST
#define SO_LINGER WS_SO_LINGER
#define SO_EXCLUSIVEADDRUSE WS_SO_EXCLUSIVEADDRUSE
#define SO_SNDBUF WS_SO_SNDBUF
#define SO_RCVBUF WS_SO_RCVBUF
#define SO_SNDTIMEO WS_SO_SNDTIMEO
#define SO_RCVTIMEO WS_SO_RCVTIMEO
#define SO_ERROR WS_SO_ERROR
#define SO_TYPE WS_SO_TYPE
#define SO_CONDITIONAL_ACCEPT WS_SO_CONDITIONAL_ACCEPT
#define TCP_NODELAY WS_TCP_NODELAY
#define IPPROTO_IP WS_IPPROTO_IP
#define INADDR_ANY WS_INADDR_ANY
#define INADDR_LOOPBACK WS_INADDR_LOOPBACK
#define INADDR_BROADCAST WS_INADDR_BROADCAST
#define INADDR_NONE WS_INADDR_NONE
#define MSG_TRUNC WS_MSG_TRUNC
#define MSG_CTRUNC WS_MSG_CTRUNC
#define MSG_BCAST WS_MSG_BCAST
#define MSG_MCAST WS_MSG_MCAST
#define NI_NOFQDN WS_NI_NOFQDN
#define NI_NUMERICHOST WS_NI_NUMERICHOST
#define NI_NAMEREQD WS_NI_NAMEREQD
#define NI_NUMERICSERV WS_NI_NUMERICSERV
#define NI_DGRAM WS_NI_DGRAM
#define NI_MAXHOST WS_NI_MAXHOST
#define NI_MAXSERV WS_NI_MAXSERV
#define NS_ALL WS_NS_ALL
#define AI_PASSIVE WS_AI_PASSIVE
#define AI_CANONNAME WS_AI_CANONNAME
#define AI_NUMERICHOST WS_AI_NUMERICHOST
#define AI_NUMERICSERV WS_AI_NUMERICSERV
#define AI_DNS_ONLY WS_AI_DNS_ONLY
#define AI_FORCE_CLEAR_TEXT WS_AI_FORCE_CLEAR_TEXT
#define AI_BYPASS_DNS_CACHE WS_AI_BYPASS_DNS_CACHE
#define AI_RETURN_TTL WS_AI_RETURN_TTL
#define AI_ALL WS_AI_ALL
#define AI_ADDRCONFIG WS_AI_ADDRCONFIG
#define AI_V4MAPPED WS_AI_V4MAPPED
#define AI_NON_AUTHORITATIVE WS_AI_NON_AUTHORITATIVE
#define AI_SECURE WS_AI_SECURE
#define AI_RETURN_PREFERRED_NAMES WS_AI_RETURN_PREFERRED_NAMES
#define AI_FQDN WS_AI_FQDN
#define AI_FILESERVER WS_AI_FILESERVER
#define AI_DISABLE_IDN_ENCODING WS_AI_DISABLE_IDN_ENCODING
#define AI_SECURE_WITH_FALLBACK WS_AI_SECURE_WITH_FALLBACK
#define AI_EXCLUSIVE_CUSTOM_SERVERS WS_AI_EXCLUSIVE_CUSTOM_SERVERS
#define AI_RETURN_RESPONSE_FLAGS WS_AI_RETURN_RESPONSE_FLAGS
#define AI_REQUIRE_SECURE WS_AI_REQUIRE_SECURE
#define AI_RESOLUTION_HANDLE WS_AI_RESOLUTION_HANDLE
#define AI_EXTENDED WS_AI_EXTENDED
#define NS_SAP WS_NS_SAP
#define NS_NDS WS_NS_NDS
#define NS_PEER_BROWSE WS_NS_PEER_BROWSE
#define NS_SLP WS_NS_SLP
#define NS_DHCP WS_NS_DHCP
#define NS_TCPIP_LOCAL WS_NS_TCPIP_LOCAL
#define NS_TCPIP_HOSTS WS_NS_TCPIP_HOSTS
#define NS_DNS WS_NS_DNS
#define NS_NETBT WS_NS_NETBT
#define NS_WINS WS_NS_WINS
#define NS_NLA WS_NS_NLA
#define NS_BTH WS_NS_BTH
#define NS_NBP WS_NS_NBP
#define NS_MS WS_NS_MS
#define NS_STDA WS_NS_STDA
#define NS_NTDS WS_NS_NTDS
#define NS_EMAIL WS_NS_EMAIL
#define NS_PNRPNAME WS_NS_PNRPNAME
#define NS_PNRPCLOUD WS_NS_PNRPCLOUD
#define NS_X500 WS_NS_X500
#define NS_NIS WS_NS_NIS
#define NS_NISPLUS WS_NS_NISPLUS
#define NS_WRQ WS_NS_WRQ
#define NS_NETDES WS_NS_NETDES
#define IOC_UNIX WS_IOC_UNIX
#define IOC_WS2 WS_IOC_WS2
#define IOC_PROTOCOL WS_IOC_PROTOCOL
#define IOC_VENDOR WS_IOC_VENDOR
#define IOC_WSK WS_IOC_WSK
#define IOC_VOID WS_IOC_VOID
#define IOC_OUT WS_IOC_OUT
#define IOC_IN WS_IOC_IN
#define IOC_INOUT WS_IOC_INOUT
#define SIO_ADDRESS_LIST_QUERY WS_SIO_ADDRESS_LIST_QUERY
#define SIO_ADDRESS_LIST_CHANGE WS_SIO_ADDRESS_LIST_CHANGE
#define SIO_ADDRESS_LIST_SORT WS_SIO_ADDRESS_LIST_SORT
#define CMSGHDR_ALIGN WSA_CMSGHDR_ALIGN
#define CMSGDATA_ALIGN WSA_CMSGDATA_ALIGN
#define CMSG_DATA WSA_CMSG_DATA
#define CMSG_SPACE WSA_CMSG_SPACE
#define CMSG_LEN WSA_CMSG_LEN
#endif

#endif /* WSKCONF_WS2DEF_H_ */
