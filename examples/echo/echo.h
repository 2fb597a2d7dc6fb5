/* echo.h: the WSK echo server sample (examples/echo). A driver built from
 * echo.c serves TCP echo on a loopback port through the Winsock Kernel
 * interface: whatever a client sends comes back to it unchanged. */
#ifndef WSKCONF_EXAMPLES_ECHO_ECHO_H_
#define WSKCONF_EXAMPLES_ECHO_ECHO_H_

#include <ntddk.h>
#include <wsk.h>

EXTERN_C_START

/* The driver's entry point: registers with WSK, captures the provider NPI
 * and opens the listening socket (IPv4 loopback, port chosen by the
 * system). Sets DriverObject->DriverUnload. Returns the first failing
 * status, having undone what it did. */
DRIVER_INITIALIZE EchoDriverEntry;

/* The address the listening socket is bound to (valid after a successful
 * EchoDriverEntry, until unload). A real driver would publish its port in
 * the registry or through an IOCTL; this sample has one call instead. */
NTSTATUS EchoQueryListenAddress(PSOCKADDR_STORAGE Address);

/* Connections currently open (accepted and not yet fully closed). */
LONG EchoOpenConnections(VOID);

EXTERN_C_END

#endif /* WSKCONF_EXAMPLES_ECHO_ECHO_H_ */
