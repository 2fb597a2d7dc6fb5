/* Hand-written C harness of the documentation examples: a fake WSK provider
 * (a datagram and a listening socket) whose functions record their arguments
 * and complete the client's IRP the way a provider does, and the hook the
 * snippets' elided code calls. */
#include "doc_examples_test.h"

#include <string.h>

WSKCONF_DOCS_FAKE WskconfDocsFake;

static ULONG_PTR g_pending_information;

/* Takes the IRP as a provider does, then completes it now or later. */
static NTSTATUS FinishRequest(PIRP Irp, ULONG_PTR Information) {
  WskconfDocsFake.LastIrp = Irp;
  IoSetNextIrpStackLocation(Irp);
  if (WskconfDocsFake.Completion == WskconfDocsCompleteLater) {
    IoMarkIrpPending(Irp);
    WskconfDocsFake.PendingIrp = Irp;
    g_pending_information = Information;
    return STATUS_PENDING;
  }
  NTSTATUS status = WskconfDocsFake.CompleteWith;
  Irp->IoStatus.Status = status;
  Irp->IoStatus.Information = NT_SUCCESS(status) ? Information : 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return status;
}

static NTSTATUS WSKAPI FakeControlSocket(PWSK_SOCKET Socket,
                                         WSK_CONTROL_SOCKET_TYPE RequestType,
                                         ULONG ControlCode, ULONG Level,
                                         SIZE_T InputSize, PVOID InputBuffer,
                                         SIZE_T OutputSize, PVOID OutputBuffer,
                                         SIZE_T *OutputSizeReturned, PIRP Irp) {
  WskconfDocsFake.ControlCalls++;
  WskconfDocsFake.ControlSocket = Socket;
  WskconfDocsFake.RequestType = RequestType;
  WskconfDocsFake.ControlCode = ControlCode;
  WskconfDocsFake.Level = Level;
  WskconfDocsFake.InputSize = InputSize;
  if (InputBuffer != NULL && InputSize >= sizeof(ULONG)) {
    memcpy(&WskconfDocsFake.InputValue, InputBuffer, sizeof(ULONG));
  }
  WskconfDocsFake.OutputSize = OutputSize;
  WskconfDocsFake.OutputBuffer = OutputBuffer;
  WskconfDocsFake.OutputSizeReturned = OutputSizeReturned;
  if (Irp == NULL) return STATUS_INVALID_PARAMETER;
  return FinishRequest(Irp, 0);
}

static NTSTATUS WSKAPI FakeCloseSocket(PWSK_SOCKET Socket, PIRP Irp) {
  UNREFERENCED_PARAMETER(Socket);
  return FinishRequest(Irp, 0);
}

static NTSTATUS WSKAPI
FakeAccept(PWSK_SOCKET ListenSocket, ULONG Flags, PVOID AcceptSocketContext,
           const WSK_CLIENT_CONNECTION_DISPATCH *AcceptSocketDispatch,
           PSOCKADDR LocalAddress, PSOCKADDR RemoteAddress, PIRP Irp) {
  WskconfDocsFake.AcceptCalls++;
  WskconfDocsFake.ListenSocket = ListenSocket;
  WskconfDocsFake.AcceptFlags = Flags;
  WskconfDocsFake.AcceptSocketContext = AcceptSocketContext;
  WskconfDocsFake.AcceptSocketDispatch = AcceptSocketDispatch;
  WskconfDocsFake.LocalAddress = LocalAddress;
  WskconfDocsFake.RemoteAddress = RemoteAddress;
  return FinishRequest(Irp, (ULONG_PTR)&WskconfDocsAcceptedSocket);
}

static const WSK_PROVIDER_DATAGRAM_DISPATCH kDatagramDispatch = {
    .Basic = {.WskControlSocket = FakeControlSocket,
              .WskCloseSocket = FakeCloseSocket},
};
static const WSK_PROVIDER_LISTEN_DISPATCH kListenDispatch = {
    .Basic = {.WskControlSocket = FakeControlSocket,
              .WskCloseSocket = FakeCloseSocket},
    .WskAccept = FakeAccept,
};
static const WSK_PROVIDER_CONNECTION_DISPATCH kConnectionDispatch = {
    .WskControlSocket = FakeControlSocket,
    .WskCloseSocket = FakeCloseSocket,
};

WSK_SOCKET WskconfDocsDatagramSocket = {&kDatagramDispatch};
WSK_SOCKET WskconfDocsListenSocket = {&kListenDispatch};
WSK_SOCKET WskconfDocsAcceptedSocket = {&kConnectionDispatch};

void WskconfDocsReset(WSKCONF_DOCS_COMPLETION Completion,
                      NTSTATUS CompleteWith) {
  memset(&WskconfDocsFake, 0, sizeof(WskconfDocsFake));
  WskconfDocsFake.Completion = Completion;
  WskconfDocsFake.CompleteWith = CompleteWith;
  g_pending_information = 0;
}

void WskconfDocsCompletePending(void) {
  PIRP irp = WskconfDocsFake.PendingIrp;
  if (irp == NULL) return;
  WskconfDocsFake.PendingIrp = NULL;
  irp->IoStatus.Status = WskconfDocsFake.CompleteWith;
  irp->IoStatus.Information =
      NT_SUCCESS(WskconfDocsFake.CompleteWith) ? g_pending_information : 0;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
}

void WskconfDocsElided(const char *Function, PIRP Irp, PVOID Context) {
  WskconfDocsFake.ElidedCalls++;
  strncpy(WskconfDocsFake.ElidedFunction, Function,
          sizeof(WskconfDocsFake.ElidedFunction) - 1);
  WskconfDocsFake.ElidedStatus = Irp->IoStatus.Status;
  WskconfDocsFake.ElidedInformation = Irp->IoStatus.Information;
  WskconfDocsFake.ElidedContext = Context;
}
