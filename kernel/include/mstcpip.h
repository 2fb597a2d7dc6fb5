/* Microsoft-specific socket IOCTLs of mstcpip.h that WSK sockets accept:
 * the loopback fast path and the WFP connection-redirect records (VALUES.md
 * §2e), and the INETADDR_* address helpers. WSKCONF_WS_PREFIX works as
 * described in ws2def.h. */
#ifndef WSKCONF_MSTCPIP_H_
#define WSKCONF_MSTCPIP_H_

#include "ws2ipdef.h"
#ifndef __MINGW32__
/* The unsuffixed Rtl*String* names, reachable through mstcpip.h as the
 * documentation says. A mingw-w64 build (the agent) has its own. */
#include "ip2string.h"
#endif

/* Deprecated: configures a TCP socket for the loopback fast path (input: a
 * Boolean, nonzero to enable). */
#define WS_SIO_LOOPBACK_FAST_PATH _WSAIOW(WS_IOC_VENDOR, 16)
/* WFP redirect records and context of a redirected connection. The two
 * queries return data yet are built with the IN macro, as on Windows. */
#define WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS _WSAIOW(WS_IOC_VENDOR, 220)
#define WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT _WSAIOW(WS_IOC_VENDOR, 221)
#define WS_SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS _WSAIOW(WS_IOC_VENDOR, 222)

/* Family-independent address helpers, as the WFP redirection example of the
 * guide uses them on AF_INET and AF_INET6 socket addresses. Ports and
 * addresses are in network byte order; another family is left untouched
 * (INETADDR_ADDRESS returns NULL, INETADDR_ISANY FALSE). Any IRQL. */
FORCEINLINE SIZE_T WskconfInetAddrLength(const SOCKADDR *a) {
  return a->sa_family == WS_AF_INET    ? sizeof(IN_ADDR)
         : a->sa_family == WS_AF_INET6 ? sizeof(IN6_ADDR)
                                       : 0;
}

/* The address bytes inside a (4 for IPv4, 16 for IPv6). */
FORCEINLINE const UCHAR *INETADDR_ADDRESS(const SOCKADDR *a) {
  if (a->sa_family == WS_AF_INET) {
    return (const UCHAR *)&((const SOCKADDR_IN *)a)->sin_addr;
  }
  if (a->sa_family == WS_AF_INET6) {
    return ((const SOCKADDR_IN6 *)a)->sin6_addr.u.Byte;
  }
  return NULL;
}

/* TRUE for the unspecified address (0.0.0.0 or ::). */
FORCEINLINE BOOLEAN INETADDR_ISANY(const SOCKADDR *a) {
  const UCHAR *bytes = INETADDR_ADDRESS(a);
  SIZE_T length = WskconfInetAddrLength(a);
  if (bytes == NULL) return FALSE;
  for (SIZE_T i = 0; i < length; ++i) {
    if (bytes[i] != 0) return FALSE;
  }
  return TRUE;
}

/* Copies the family's address length from Address into a. */
FORCEINLINE VOID INETADDR_SET_ADDRESS(SOCKADDR *a, const UCHAR *Address) {
  UCHAR *bytes = (UCHAR *)INETADDR_ADDRESS(a);
  SIZE_T length = WskconfInetAddrLength(a);
  for (SIZE_T i = 0; bytes != NULL && i < length; ++i) bytes[i] = Address[i];
}

/* Sets the port (already in network byte order). */
FORCEINLINE VOID INETADDR_SET_PORT(SOCKADDR *a, USHORT Port) {
  if (a->sa_family == WS_AF_INET) ((SOCKADDR_IN *)a)->sin_port = Port;
  if (a->sa_family == WS_AF_INET6) ((SOCKADDR_IN6 *)a)->sin6_port = Port;
}

/* Makes a the loopback address of its family (127.0.0.1 or ::1) with port,
 * flow info and scope 0. */
FORCEINLINE VOID INETADDR_SETLOOPBACK(SOCKADDR *a) {
  if (a->sa_family == WS_AF_INET) {
    SOCKADDR_IN *in = (SOCKADDR_IN *)a;
    static const UCHAR kLoopback4[4] = {127, 0, 0, 1};
    INETADDR_SET_ADDRESS(a, kLoopback4);
    in->sin_port = 0;
    for (SIZE_T i = 0; i < sizeof(in->sin_zero); ++i) in->sin_zero[i] = 0;
  } else if (a->sa_family == WS_AF_INET6) {
    SOCKADDR_IN6 *in6 = (SOCKADDR_IN6 *)a;
    static const UCHAR kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                         0, 0, 0, 0, 0, 0, 0, 1};
    INETADDR_SET_ADDRESS(a, kLoopback6);
    in6->sin6_port = 0;
    in6->sin6_flowinfo = 0;
    in6->sin6_scope_id = 0;
  }
}

#ifndef WSKCONF_WS_PREFIX
#define SIO_LOOPBACK_FAST_PATH WS_SIO_LOOPBACK_FAST_PATH
#define SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS \
  WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS
#define SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT \
  WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT
#define SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS \
  WS_SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS
#endif

#endif /* WSKCONF_MSTCPIP_H_ */
