/* WPP software tracing for drivers built with wskconf_wpp() (see
 * cmake/WskconfWpp.cmake): the generated <name>.tmh files map
 * WPP_INIT_TRACING, WPP_CLEANUP, DoTraceMessage and the driver's own trace
 * functions (TraceEvents(LEVEL, FLAGS, MSG, ...) and the like) onto
 * WskconfWppTrace, which formats the message and prints it to stderr when
 * WSKCONF_WPP_PRINT=1 (otherwise a trace costs one formatting and is kept
 * only as the thread's last message). As on Windows, traces made while no
 * WPP_INIT_TRACING is in effect (before it, or after the matching
 * WPP_CLEANUP) are dropped.
 *
 * Messages use the Microsoft printf rules plus WPP's extensions %!FUNC!,
 * %!FILE!, %!LINE!, %!LEVEL!, %!FLAGS! (no argument), %!STATUS! (an NTSTATUS
 * printed by name), %!HRESULT! and %!WINERROR! (hex), %!bool! (an int),
 * %!GUID! (a GUID pointer), %!IPADDR! (a ULONG in network order), %!PORT! (a
 * USHORT in network order). Any other %!X! prints as <X> and takes no
 * argument. */
#ifndef WSKCONF_WPP_H_
#define WSKCONF_WPP_H_

#include <ntdef.h>

EXTERN_C_START

#define TRACE_LEVEL_NONE 0
#define TRACE_LEVEL_CRITICAL 1
#define TRACE_LEVEL_FATAL 1
#define TRACE_LEVEL_ERROR 2
#define TRACE_LEVEL_WARNING 3
#define TRACE_LEVEL_INFORMATION 4
#define TRACE_LEVEL_VERBOSE 5

/* What WPP_INIT_TRACING and WPP_CLEANUP call; their arguments (the driver
 * object and registry path, or an application name) are accepted and not
 * used. */
NTKERNELAPI VOID WskconfWppInitTracing(int Unused, ...);
NTKERNELAPI VOID WskconfWppCleanup(int Unused, ...);
/* Formats one trace. Flags is the flag name as written in the call. */
NTKERNELAPI VOID WskconfWppTrace(PCSTR File, ULONG Line, PCSTR Function,
                                 ULONG Level, PCSTR Flags, PCSTR Format, ...);
/* The calling thread's last formatted trace ("" before the first). */
NTKERNELAPI PCSTR WskconfWppLastMessage(VOID);
/* Traces formatted since the process started. */
NTKERNELAPI ULONG WskconfWppTraceCount(VOID);

EXTERN_C_END

#define WPP_INIT_TRACING(...) WskconfWppInitTracing(0, __VA_ARGS__)
#define WPP_CLEANUP(...) WskconfWppCleanup(0, __VA_ARGS__)
#define DoTraceMessage(FLAG, MSG, ...)                              \
  WskconfWppTrace(__FILE__, __LINE__, __func__, TRACE_LEVEL_NONE, \
                  #FLAG, MSG, ##__VA_ARGS__)

#endif /* WSKCONF_WPP_H_ */
