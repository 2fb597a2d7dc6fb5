/* IPv6 and TCP definitions of ws2ipdef.h: SOCKADDR_IN6 with its scope-id
 * union, IPV6_V6ONLY and TCP_FASTOPEN, with Windows values (VALUES.md §2a,
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

#ifndef WSKCONF_WS_PREFIX
#define IPV6_V6ONLY WS_IPV6_V6ONLY
#define TCP_FASTOPEN WS_TCP_FASTOPEN
#endif

#endif /* WSKCONF_WS2IPDEF_H_ */
