/* IPv6 and TCP definitions of ws2ipdef.h: SOCKADDR_IN6 with its scope-id
 * union, SOCKADDR_INET, the IN6ADDR_*_INIT initializers, IPV6_V6ONLY and TCP_FASTOPEN, with Windows values (VALUES.md §2a,
 * §5a). WSKCONF_WS_PREFIX works as described in ws2def.h. */
#ifndef WSKCONF_WS2IPDEF_H_
#define WSKCONF_WS2IPDEF_H_

#include "ws2def.h"
#include "in6addr.h"

/* IPPROTO_IPV6-level option: restrict an AF_INET6 socket to IPv6. */
#define WS_IPV6_V6ONLY 27
/* IPPROTO_TCP-level option (Windows value; Linux uses 23). */
#define WS_TCP_FASTOPEN 15

/* IPv6 socket address (28 bytes); port, flow info and address in network
 * byte order, the scope id as a ULONG or as a SCOPE_ID. */
typedef struct WSKCONF_WS(sockaddr_in6) {
  ADDRESS_FAMILY sin6_family;
  USHORT sin6_port;
  ULONG sin6_flowinfo;
  IN6_ADDR sin6_addr;
  union {
    ULONG sin6_scope_id;
    SCOPE_ID sin6_scope_struct;
  };
} SOCKADDR_IN6_LH, *PSOCKADDR_IN6_LH, *LPSOCKADDR_IN6_LH;
typedef SOCKADDR_IN6_LH SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;

/* An IPv4 or IPv6 socket address, told apart by si_family (28 bytes). */
typedef union _SOCKADDR_INET {
  SOCKADDR_IN Ipv4;
  SOCKADDR_IN6 Ipv6;
  ADDRESS_FAMILY si_family;
} SOCKADDR_INET, *PSOCKADDR_INET;

/* Initializers of well-known IN6_ADDRs: IN6_ADDR a = IN6ADDR_LOOPBACK_INIT. */
/* glibc's <netinet/in.h> defines these two as well, so with
 * WSKCONF_WS_PREFIX only the WS_ spellings exist. */
#define WS_IN6ADDR_ANY_INIT {{{0}}}
#define WS_IN6ADDR_LOOPBACK_INIT \
  {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}}
#define IN6ADDR_ALLNODESONNODE_INIT \
  {{{0xff, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}}}
#define IN6ADDR_ALLNODESONLINK_INIT \
  {{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}}}
#define IN6ADDR_ALLROUTERSONLINK_INIT \
  {{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02}}}
#define IN6ADDR_ALLMLDV2ROUTERSONLINK_INIT \
  {{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16}}}
#define IN6ADDR_TEREDOINITIALLINKLOCALADDRESS_INIT \
  {{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}}}
#define IN6ADDR_TEREDOOLDLINKLOCALADDRESSXP_INIT \
  {{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 'T', 'E', 'R', 'E', 'D', 'O'}}}
#define IN6ADDR_TEREDOOLDLINKLOCALADDRESSVISTA_INIT \
  {{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}}
#define IN6ADDR_LINKLOCALPREFIX_INIT {{{0xfe, 0x80}}}
#define IN6ADDR_MULTICASTPREFIX_INIT {{{0xff, 0x00}}}
#define IN6ADDR_SOLICITEDNODEMULTICASTPREFIX_INIT \
  {{{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff}}}
#define IN6ADDR_V4MAPPEDPREFIX_INIT \
  {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}}}
#define IN6ADDR_6TO4PREFIX_INIT {{{0x20, 0x02}}}
#define IN6ADDR_TEREDOPREFIX_INIT {{{0x20, 0x01, 0x00, 0x00}}}
#define IN6ADDR_TEREDOPREFIX_INIT_OLD {{{0x3f, 0xfe, 0x83, 0x1f}}}
#define IN6ADDR_LINKLOCALPREFIX_LENGTH 64
#define IN6ADDR_MULTICASTPREFIX_LENGTH 8
#define IN6ADDR_SOLICITEDNODEMULTICASTPREFIX_LENGTH 104
#define IN6ADDR_V4MAPPEDPREFIX_LENGTH 96
#define IN6ADDR_6TO4PREFIX_LENGTH 16
#define IN6ADDR_TEREDOPREFIX_LENGTH 32

#ifndef WSKCONF_WS_PREFIX
#define IN6ADDR_ANY_INIT WS_IN6ADDR_ANY_INIT
#define IN6ADDR_LOOPBACK_INIT WS_IN6ADDR_LOOPBACK_INIT
#define IPV6_V6ONLY WS_IPV6_V6ONLY
#define TCP_FASTOPEN WS_TCP_FASTOPEN
#endif

#endif /* WSKCONF_WS2IPDEF_H_ */
