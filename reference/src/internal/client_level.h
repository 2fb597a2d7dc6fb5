// Client-level provider functions besides socket creation: WskControlClient
// and name resolution (client_control.cc).
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_LEVEL_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_LEVEL_H_

#include <wsk.h>

namespace wskconf::reference::internal {

NTSTATUS WSKAPI ControlClient(PWSK_CLIENT Client, ULONG ControlCode,
                              SIZE_T InputSize, PVOID InputBuffer,
                              SIZE_T OutputSize, PVOID OutputBuffer,
                              SIZE_T* OutputSizeReturned, PIRP Irp);
NTSTATUS WSKAPI GetAddressInfo(PWSK_CLIENT Client, PUNICODE_STRING NodeName,
                               PUNICODE_STRING ServiceName, ULONG NameSpace,
                               GUID* Provider, PADDRINFOEXW Hints,
                               PADDRINFOEXW* Result, PEPROCESS OwningProcess,
                               PETHREAD OwningThread, PIRP Irp);
VOID WSKAPI FreeAddressInfo(PWSK_CLIENT Client, PADDRINFOEXW AddrInfo);
NTSTATUS WSKAPI GetNameInfo(PWSK_CLIENT Client, PSOCKADDR SockAddr,
                            ULONG SockAddrLength, PUNICODE_STRING NodeName,
                            PUNICODE_STRING ServiceName, ULONG Flags,
                            PEPROCESS OwningProcess, PETHREAD OwningThread,
                            PIRP Irp);

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_CLIENT_LEVEL_H_
