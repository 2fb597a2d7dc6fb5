/* A minimal WSK implementation packaged for the wskconf adapter ABI
 * (<wskconf/adapter_abi.h>, adapters/README.md): registration works, every
 * socket operation is refused with STATUS_NOT_SUPPORTED, completed through
 * the IRP as the WSK documentation requires of a failing call. Start a port
 * from here: fill in the dispatch table, keep the statement honest.
 *
 * Built as libwskconf_example_minimal.so; the test adapters_example runs
 * the registration cases against it (they pass) and a WskSocket case (it
 * fails, as its statement cannot declare a mandatory function away). */
#include <stdlib.h>
#include <wskconf/adapter_abi.h>

/* Per registration: the client's NPI and the number of open captures. */
typedef struct _MINIMAL_REGISTRATION {
  WSK_CLIENT_NPI ClientNpi;
  LONG Captures;
} MINIMAL_REGISTRATION;

static NTSTATUS Refuse(PIRP Irp) {
  if (Irp != NULL) {
    Irp->IoStatus.Status = STATUS_NOT_SUPPORTED;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
  }
  return STATUS_NOT_SUPPORTED;
}

static NTSTATUS WSKAPI MinimalSocket(PWSK_CLIENT Client, ADDRESS_FAMILY AddressFamily,
                                     USHORT SocketType, ULONG Protocol, ULONG Flags,
                                     PVOID SocketContext, const VOID *Dispatch,
                                     PEPROCESS OwningProcess, PETHREAD OwningThread,
                                     PSECURITY_DESCRIPTOR SecurityDescriptor,
                                     PIRP Irp) {
  (void)Client, (void)AddressFamily, (void)SocketType, (void)Protocol, (void)Flags;
  (void)SocketContext, (void)Dispatch, (void)OwningProcess, (void)OwningThread;
  (void)SecurityDescriptor;
  return Refuse(Irp);
}

static NTSTATUS WSKAPI MinimalSocketConnect(
    PWSK_CLIENT Client, USHORT SocketType, ULONG Protocol, PSOCKADDR LocalAddress,
    PSOCKADDR RemoteAddress, ULONG Flags, PVOID SocketContext,
    const WSK_CLIENT_CONNECTION_DISPATCH *Dispatch, PEPROCESS OwningProcess,
    PETHREAD OwningThread, PSECURITY_DESCRIPTOR SecurityDescriptor, PIRP Irp) {
  (void)Client, (void)SocketType, (void)Protocol, (void)LocalAddress;
  (void)RemoteAddress, (void)Flags, (void)SocketContext, (void)Dispatch;
  (void)OwningProcess, (void)OwningThread, (void)SecurityDescriptor;
  return Refuse(Irp);
}

static NTSTATUS WSKAPI MinimalControlClient(PWSK_CLIENT Client, ULONG ControlCode,
                                            SIZE_T InputSize, PVOID InputBuffer,
                                            SIZE_T OutputSize, PVOID OutputBuffer,
                                            SIZE_T *OutputSizeReturned, PIRP Irp) {
  (void)Client, (void)ControlCode, (void)InputSize, (void)InputBuffer;
  (void)OutputSize, (void)OutputBuffer;
  if (OutputSizeReturned != NULL) *OutputSizeReturned = 0;
  return Refuse(Irp);
}

static NTSTATUS WSKAPI MinimalGetAddressInfo(
    PWSK_CLIENT Client, PUNICODE_STRING NodeName, PUNICODE_STRING ServiceName,
    ULONG NameSpace, GUID *Provider, PADDRINFOEXW Hints, PADDRINFOEXW *Result,
    PEPROCESS OwningProcess, PETHREAD OwningThread, PIRP Irp) {
  (void)Client, (void)NodeName, (void)ServiceName, (void)NameSpace, (void)Provider;
  (void)Hints, (void)OwningProcess, (void)OwningThread;
  if (Result != NULL) *Result = NULL;
  return Refuse(Irp);
}

/* Nothing to free: MinimalGetAddressInfo never returns a list. */
static VOID WSKAPI MinimalFreeAddressInfo(PWSK_CLIENT Client, PADDRINFOEXW AddrInfo) {
  (void)Client, (void)AddrInfo;
}

static NTSTATUS WSKAPI MinimalGetNameInfo(PWSK_CLIENT Client, PSOCKADDR SockAddr,
                                          ULONG SockAddrLength, PUNICODE_STRING NodeName,
                                          PUNICODE_STRING ServiceName, ULONG Flags,
                                          PEPROCESS OwningProcess, PETHREAD OwningThread,
                                          PIRP Irp) {
  (void)Client, (void)SockAddr, (void)SockAddrLength, (void)NodeName;
  (void)ServiceName, (void)Flags, (void)OwningProcess, (void)OwningThread;
  return Refuse(Irp);
}

static const WSK_PROVIDER_DISPATCH kMinimalDispatch = {
    MAKE_WSK_VERSION(1, 0), 0,
    MinimalSocket, MinimalSocketConnect, MinimalControlClient,
    MinimalGetAddressInfo, MinimalFreeAddressInfo, MinimalGetNameInfo};

static MINIMAL_REGISTRATION *Of(PWSK_REGISTRATION Registration) {
  return Registration == NULL ? NULL
                              : (MINIMAL_REGISTRATION *)Registration->ReservedRegistrationContext;
}

WSKCONF_PROVIDER_API NTSTATUS WskRegister(PWSK_CLIENT_NPI WskClientNpi,
                                          PWSK_REGISTRATION WskRegistration) {
  if (WskClientNpi == NULL || WskClientNpi->Dispatch == NULL || WskRegistration == NULL) {
    return STATUS_INVALID_PARAMETER;
  }
  MINIMAL_REGISTRATION *r = (MINIMAL_REGISTRATION *)calloc(1, sizeof(*r));
  if (r == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  r->ClientNpi = *WskClientNpi;
  WskRegistration->ReservedRegistrationContext = r;
  return STATUS_SUCCESS;
}

WSKCONF_PROVIDER_API NTSTATUS WskCaptureProviderNPI(PWSK_REGISTRATION WskRegistration,
                                                    ULONG WaitTimeout,
                                                    PWSK_PROVIDER_NPI WskProviderNpi) {
  (void)WaitTimeout; /* always attached: never waits */
  MINIMAL_REGISTRATION *r = Of(WskRegistration);
  if (r == NULL || WskProviderNpi == NULL) return STATUS_INVALID_PARAMETER;
  /* Only WSK 1.x clients are served (WSK_MAJOR_VERSION). */
  if (WSK_MAJOR_VERSION(r->ClientNpi.Dispatch->Version) != 1) return STATUS_NOINTERFACE;
  WskProviderNpi->Client = (PWSK_CLIENT)r;
  WskProviderNpi->Dispatch = &kMinimalDispatch;
  InterlockedIncrement(&r->Captures);
  return STATUS_SUCCESS;
}

WSKCONF_PROVIDER_API VOID WskReleaseProviderNPI(PWSK_REGISTRATION WskRegistration) {
  MINIMAL_REGISTRATION *r = Of(WskRegistration);
  if (r != NULL) InterlockedDecrement(&r->Captures);
}

WSKCONF_PROVIDER_API NTSTATUS WskQueryProviderCharacteristics(
    PWSK_REGISTRATION WskRegistration,
    PWSK_PROVIDER_CHARACTERISTICS WskProviderCharacteristics) {
  if (Of(WskRegistration) == NULL || WskProviderCharacteristics == NULL) {
    return STATUS_INVALID_PARAMETER;
  }
  WskProviderCharacteristics->HighestVersion = MAKE_WSK_VERSION(1, 0);
  WskProviderCharacteristics->LowestVersion = MAKE_WSK_VERSION(1, 0);
  return STATUS_SUCCESS;
}

/* No socket is ever created, so there is nothing to wait for. */
WSKCONF_PROVIDER_API VOID WskDeregister(PWSK_REGISTRATION WskRegistration) {
  MINIMAL_REGISTRATION *r = Of(WskRegistration);
  if (r == NULL) return;
  WskRegistration->ReservedRegistrationContext = NULL;
  free(r);
}

WSKCONF_PROVIDER_API const WSKCONF_ADAPTER_INFO *WskconfAdapterInfo(void) {
  static const WSKCONF_ADAPTER_INFO kInfo = {
      WSKCONF_ADAPTER_ABI_VERSION, "minimal-example", "1.0",
      "# The minimal example provider: registration only.\n"
      "WskGetAddressInfo = unsupported: no name resolution in this example\n"
      "WskFreeAddressInfo = unsupported: no name resolution in this example\n"
      "WskGetNameInfo = unsupported: no name resolution in this example\n"
      "WSK_FLAG_STREAM_SOCKET = unsupported: no sockets in this example\n"};
  return &kInfo;
}
