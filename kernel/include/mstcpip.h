/* Microsoft-specific socket IOCTLs of mstcpip.h that WSK sockets accept:
 * the loopback fast path and the WFP connection-redirect records (VALUES.md
 * §2e). WSKCONF_WS_PREFIX works as described in ws2def.h. */
#ifndef WSKCONF_MSTCPIP_H_
#define WSKCONF_MSTCPIP_H_

#include <ws2ipdef.h>

/* Deprecated: configures a TCP socket for the loopback fast path (input: a
 * Boolean, nonzero to enable). */
#define WS_SIO_LOOPBACK_FAST_PATH _WSAIOW(WS_IOC_VENDOR, 16)
/* WFP redirect records and context of a redirected connection. The two
 * queries return data yet are built with the IN macro, as on Windows. */
#define WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS _WSAIOW(WS_IOC_VENDOR, 220)
#define WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT _WSAIOW(WS_IOC_VENDOR, 221)
#define WS_SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS _WSAIOW(WS_IOC_VENDOR, 222)

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
