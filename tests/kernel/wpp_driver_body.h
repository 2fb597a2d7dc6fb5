/* A WPP-traced driver routine, compiled as C11 (wpp_driver_c.c) and as
 * C++20 (wpp_driver_cpp.cc); each wrapper includes its own .tmh first, as
 * WPP requires. WSKCONF_WPP_ENTRY names the routine of each build. */
#include "wpp_driver.h"

EXTERN_C NTSTATUS WSKCONF_WPP_ENTRY(PDRIVER_OBJECT DriverObject,
                                    PUNICODE_STRING RegistryPath,
                                    int Step) {
  ULONG address = 0x0100007F; /* 127.0.0.1 in network order */
  USHORT port = 0x5000;       /* 80 in network order */
  WPP_INIT_TRACING(DriverObject, RegistryPath);
  switch (Step) {
    case 0:
      TraceEvents(TRACE_LEVEL_INFORMATION, TRACE_DRIVER,
                  "%!FUNC! entry: %!STATUS!, %u sockets", STATUS_PENDING, 3u);
      break;
    case 1:
      DoTraceMessage(TRACE_SOCKET, "connected to %!IPADDR!:%!PORT! (%s)",
                     address, port, "tcp");
      break;
    default:
      TraceSocketError("send failed: %!STATUS! 100%%", STATUS_CONNECTION_RESET);
      break;
  }
  WPP_CLEANUP(DriverObject);
  return STATUS_SUCCESS;
}
