/* C11 client of the WDK-shaped headers: everything a WSK driver includes,
 * written the way WDK code writes it (both spellings of the basic dispatch
 * functions, designated and positional initializers, Windows accessor macros,
 * NMR characteristics as the guide builds them). headers_c_test.cc runs it. */
#include "headers_c_test.h"

#include <ntddk.h>
#include <wsk.h>
#include <wskconf/ntstatus_names.h>

static ULONG g_calls;

static NTSTATUS WSKAPI FakeControl(PWSK_SOCKET Socket,
                                   WSK_CONTROL_SOCKET_TYPE RequestType,
                                   ULONG ControlCode, ULONG Level,
                                   SIZE_T InputSize, PVOID InputBuffer,
                                   SIZE_T OutputSize, PVOID OutputBuffer,
                                   SIZE_T *OutputSizeReturned, PIRP Irp) {
  UNREFERENCED_PARAMETER(Socket);
  UNREFERENCED_PARAMETER(InputBuffer);
  UNREFERENCED_PARAMETER(OutputSize);
  UNREFERENCED_PARAMETER(OutputBuffer);
  UNREFERENCED_PARAMETER(OutputSizeReturned);
  UNREFERENCED_PARAMETER(Irp);
  g_calls |= 1;
  return RequestType == WskSetOption &&
                 ControlCode == (ULONG)SO_EXCLUSIVEADDRUSE &&
                 Level == SOL_SOCKET && InputSize == sizeof(ULONG)
             ? STATUS_SUCCESS
             : STATUS_INVALID_PARAMETER;
}

static NTSTATUS WSKAPI FakeClose(PWSK_SOCKET Socket, PIRP Irp) {
  UNREFERENCED_PARAMETER(Socket);
  UNREFERENCED_PARAMETER(Irp);
  g_calls |= 2;
  return STATUS_SUCCESS;
}

static NTSTATUS WSKAPI FakeListen(PWSK_SOCKET Socket, PIRP Irp) {
  UNREFERENCED_PARAMETER(Socket);
  UNREFERENCED_PARAMETER(Irp);
  g_calls |= 4;
  return STATUS_PENDING;
}

/* Designated initializers naming the anonymous members directly. */
static const WSK_PROVIDER_STREAM_DISPATCH kStreamDispatch = {
    .WskControlSocket = FakeControl,
    .WskCloseSocket = FakeClose,
    .WskListen = FakeListen,
};

/* Positional, Basic first. C's -Wmissing-braces (in -Wall) wants the brace
 * of the union around Basic's, see WSKCONF_WSK_BASIC_DISPATCH_HEAD. */
static const WSK_PROVIDER_CONNECTION_DISPATCH kConnectionDispatch = {
    {{FakeControl, FakeClose}},
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL};

ULONG WskconfHeadersCCallBothSpellings(void) {
  WSK_SOCKET socket = {&kStreamDispatch};
  PWSK_PROVIDER_STREAM_DISPATCH dispatch =
      (PWSK_PROVIDER_STREAM_DISPATCH)socket.Dispatch;
  ULONG state = 1;
  NTSTATUS control = dispatch->WskControlSocket(
      &socket, WskSetOption, SO_EXCLUSIVEADDRUSE, SOL_SOCKET, sizeof(ULONG),
      &state, 0, NULL, NULL, NULL);
  NTSTATUS close = dispatch->Basic.WskCloseSocket(&socket, NULL);
  NTSTATUS listen = dispatch->WskListen(&socket, NULL);
  g_calls = NT_SUCCESS(control) && NT_SUCCESS(close) && listen == STATUS_PENDING
                ? g_calls
                : 0;
  return g_calls;
}

int WskconfHeadersCPositionalFillsBasic(void) {
  return kConnectionDispatch.WskControlSocket == FakeControl &&
         kConnectionDispatch.Basic.WskCloseSocket == FakeClose &&
         kConnectionDispatch.WskBind == NULL;
}

ULONG WskconfHeadersCLoopbackV4(void) {
  SOCKADDR_IN address = {0};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = 0x0100007F; /* 127.0.0.1 in network order */
  return address.sin_addr.S_un.S_un_b.s_b1 == 127 &&
                 address.sin_addr.s_impno == 1 && sizeof(address) == 16
             ? address.sin_addr.s_addr
             : 0;
}

int WskconfHeadersCV6ScopeAndBytes(void) {
  SOCKADDR_IN6 address = {0};
  address.sin6_family = AF_INET6;
  address.sin6_addr.s6_addr[15] = 1;
  address.sin6_scope_struct.Zone = 3;
  address.sin6_scope_struct.Level = 1;
  return address.sin6_addr.u.Byte[15] == 1 &&
         address.sin6_scope_id == 0x10000003u && address.sin6_family == 23;
}

/* The NMR structures as the guide initialises them (positional, const). */
static const NPI_MODULEID kModuleId = {
    sizeof(NPI_MODULEID),
    MIT_GUID,
    {{0x12345678, 1, 2, {1, 2, 3, 4, 5, 6, 7, 8}}}};

static NTSTATUS NTAPI Attach(HANDLE Binding, PVOID Context,
                             PNPI_REGISTRATION_INSTANCE Provider) {
  UNREFERENCED_PARAMETER(Binding);
  UNREFERENCED_PARAMETER(Context);
  UNREFERENCED_PARAMETER(Provider);
  return STATUS_NOINTERFACE;
}
static NTSTATUS NTAPI Detach(PVOID Context) {
  UNREFERENCED_PARAMETER(Context);
  return STATUS_SUCCESS;
}

static const NPI_CLIENT_CHARACTERISTICS kCharacteristics = {
    0,
    sizeof(NPI_CLIENT_CHARACTERISTICS),
    Attach,
    Detach,
    NULL,
    {0, sizeof(NPI_REGISTRATION_INSTANCE), &NPI_WSK_INTERFACE_ID, &kModuleId, 0,
     NULL}};

int WskconfHeadersCNmrCharacteristics(void) {
  return kCharacteristics.ClientRegistrationInstance.NpiId ==
             &NPI_WSK_INTERFACE_ID &&
         kCharacteristics.ClientRegistrationInstance.ModuleId->Type ==
             MIT_GUID &&
         kCharacteristics.ClientAttachProvider(NULL, NULL, NULL) ==
             STATUS_NOINTERFACE;
}

const char *WskconfHeadersCStatusName(void) {
  return WskconfNtStatusName(STATUS_REQUEST_NOT_ACCEPTED);
}
