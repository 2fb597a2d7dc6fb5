/* Entry points of headers_c_test.c, the C11 client of the WDK headers. */
#ifndef WSKCONF_TESTS_KERNEL_HEADERS_C_TEST_H_
#define WSKCONF_TESTS_KERNEL_HEADERS_C_TEST_H_

#include <ntdef.h>

EXTERN_C_START

/* Bits of the fake functions reached through a stream socket's dispatch:
 * 1 WskControlSocket, 2 Basic.WskCloseSocket, 4 WskListen; 0 when a call
 * returned an unexpected status. */
ULONG WskconfHeadersCCallBothSpellings(void);
/* Nonzero if a positional initializer filled Basic, then WskBind. */
int WskconfHeadersCPositionalFillsBasic(void);
/* 127.0.0.1 written through s_addr and read back, or 0 on a mismatch. */
ULONG WskconfHeadersCLoopbackV4(void);
/* Nonzero if s6_addr and sin6_scope_struct alias the Windows members. */
int WskconfHeadersCV6ScopeAndBytes(void);
/* Nonzero if the guide-style NMR initializer built what it says. */
int WskconfHeadersCNmrCharacteristics(void);
/* WskconfNtStatusName called from C. */
const char *WskconfHeadersCStatusName(void);

EXTERN_C_END

#endif /* WSKCONF_TESTS_KERNEL_HEADERS_C_TEST_H_ */
