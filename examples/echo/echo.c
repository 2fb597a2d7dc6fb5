/* echo.c: a WSK echo server written as a Windows driver writes one.
 *
 * DriverEntry registers as a WSK client, captures the provider NPI and opens
 * a listening socket with WskAcceptEvent enabled. Each accepted connection
 * owns one IRP, one buffer and its MDL; the IRP goes round receive -> send
 * the same bytes back -> receive, each step started from the previous
 * step's completion routine. When the peer ends its side the server ends
 * its own gracefully (WskDisconnect) before closing: a close alone would
 * be abortive. A failed call closes at once. Unload stops accepting, cancels the IRP of
 * every open connection, waits until all are closed and deregisters. */
#include "echo.h"

#define ECHO_POOL_TAG 'ohcE'
#define ECHO_BUFFER_SIZE 4096

typedef enum _ECHO_PHASE {
  EchoStarting,
  EchoReceiving,
  EchoSending,
  EchoDisconnecting,
  EchoClosing
} ECHO_PHASE;

typedef struct _ECHO_CONNECTION {
  LIST_ENTRY Link;          /* in EchoConnections, under EchoLock */
  PWSK_SOCKET Socket;
  PIRP Irp;                 /* the one IRP this connection ever uses */
  PMDL Mdl;
  PVOID Buffer;
  SIZE_T Length;            /* bytes the last call was given */
  ECHO_PHASE Phase;         /* which call Irp was last sent with */
  LONG Steps;               /* completions not yet handled (see EchoAdvance) */
  LONG References;          /* the connection's own, plus Unload's while it cancels */
  BOOLEAN CancelRequested;  /* under EchoLock: Unload has taken this one */
} ECHO_CONNECTION, *PECHO_CONNECTION;

static WSK_CLIENT_DISPATCH EchoClientDispatch = {MAKE_WSK_VERSION(1, 0), 0, NULL};
static WSK_REGISTRATION EchoRegistration;
static WSK_PROVIDER_NPI EchoProvider;
static PWSK_SOCKET EchoListenSocket;
static SOCKADDR_STORAGE EchoListenAddress;
static KSPIN_LOCK EchoLock;
static LIST_ENTRY EchoConnections;
static LONG EchoConnectionCount; /* under EchoLock */
static KEVENT EchoAllClosed;     /* set when unloading and the count is 0 */
static volatile LONG EchoUnloading;

static NTSTATUS WSKAPI EchoAccept(PVOID SocketContext, ULONG Flags, PSOCKADDR LocalAddress,
                                  PSOCKADDR RemoteAddress, PWSK_SOCKET AcceptSocket,
                                  PVOID *AcceptSocketContext,
                                  const WSK_CLIENT_CONNECTION_DISPATCH **AcceptSocketDispatch);

static const WSK_CLIENT_LISTEN_DISPATCH EchoListenDispatch = {EchoAccept, NULL, NULL};

static BOOLEAN EchoIsUnloading(VOID) {
  return InterlockedCompareExchange((LONG *)&EchoUnloading, 0, 0) != 0;
}

/* ---- Synchronous calls (DriverEntry and Unload, PASSIVE_LEVEL) ---- */

static NTSTATUS NTAPI EchoSignal(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context) {
  UNREFERENCED_PARAMETER(DeviceObject);
  UNREFERENCED_PARAMETER(Irp);
  KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
  return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Prepares Irp for one synchronous call whose completion sets Event. */
static PIRP EchoPrepare(PIRP Irp, PKEVENT Event) {
  IoReuseIrp(Irp, STATUS_UNSUCCESSFUL);
  KeClearEvent(Event);
  IoSetCompletionRoutine(Irp, EchoSignal, Event, TRUE, TRUE, TRUE);
  return Irp;
}

/* The final status of a call that took Irp and returned Returned. */
static NTSTATUS EchoWait(PIRP Irp, PKEVENT Event, NTSTATUS Returned) {
  if (Returned == STATUS_PENDING) {
    KeWaitForSingleObject(Event, Executive, KernelMode, FALSE, NULL);
  }
  return Irp->IoStatus.Status;
}

static NTSTATUS EchoEnableAccept(PWSK_SOCKET Socket) {
  const WSK_PROVIDER_LISTEN_DISPATCH *listen = Socket->Dispatch;
  WSK_EVENT_CALLBACK_CONTROL control;
  control.NpiId = (PNPIID)&NPI_WSK_INTERFACE_ID;
  control.EventMask = WSK_EVENT_ACCEPT;
  /* SO_WSK_EVENT_CALLBACK takes no IRP: the status is final. */
  return listen->WskControlSocket(Socket, WskSetOption, SO_WSK_EVENT_CALLBACK, SOL_SOCKET,
                                  sizeof(control), &control, 0, NULL, NULL, NULL);
}

/* Binds Socket to 127.0.0.1 (port chosen by the system), enables the accept
 * event and records the bound address. */
static NTSTATUS EchoSetUpListener(PWSK_SOCKET Socket, PIRP Irp, PKEVENT Event) {
  const WSK_PROVIDER_LISTEN_DISPATCH *listen = Socket->Dispatch;
  SOCKADDR_IN address;
  NTSTATUS status;
  RtlZeroMemory(&address, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = RtlUlongByteSwap(INADDR_LOOPBACK);
  status = EchoWait(Irp, Event,
                    listen->WskBind(Socket, (PSOCKADDR)&address, 0, EchoPrepare(Irp, Event)));
  if (!NT_SUCCESS(status)) return status;
  /* A listening socket's callbacks are enabled only once it is bound
   * (SO_WSK_EVENT_CALLBACK.ListenDatagramAfterBind). */
  status = EchoEnableAccept(Socket);
  if (!NT_SUCCESS(status)) return status;
  return EchoWait(Irp, Event,
                  listen->WskGetLocalAddress(Socket, (PSOCKADDR)&EchoListenAddress,
                                             EchoPrepare(Irp, Event)));
}

static NTSTATUS EchoOpenListener(VOID) {
  KEVENT event;
  PIRP irp = IoAllocateIrp(1, FALSE);
  NTSTATUS status;
  PWSK_SOCKET socket;
  if (irp == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  status = EchoWait(irp, &event,
                    EchoProvider.Dispatch->WskSocket(
                        EchoProvider.Client, AF_INET, SOCK_STREAM, IPPROTO_TCP,
                        WSK_FLAG_LISTEN_SOCKET, NULL, &EchoListenDispatch, NULL, NULL, NULL,
                        EchoPrepare(irp, &event)));
  if (NT_SUCCESS(status)) {
    socket = (PWSK_SOCKET)irp->IoStatus.Information;
    status = EchoSetUpListener(socket, irp, &event);
    if (NT_SUCCESS(status)) {
      EchoListenSocket = socket;
    } else {
      const WSK_PROVIDER_BASIC_DISPATCH *basic = socket->Dispatch;
      (VOID) EchoWait(irp, &event, basic->WskCloseSocket(socket, EchoPrepare(irp, &event)));
    }
  }
  IoFreeIrp(irp);
  return status;
}

static NTSTATUS EchoCloseListener(VOID) {
  const WSK_PROVIDER_BASIC_DISPATCH *basic = EchoListenSocket->Dispatch;
  KEVENT event;
  PIRP irp = IoAllocateIrp(1, FALSE);
  NTSTATUS status;
  if (irp == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  KeInitializeEvent(&event, NotificationEvent, FALSE);
  status = EchoWait(irp, &event,
                    basic->WskCloseSocket(EchoListenSocket, EchoPrepare(irp, &event)));
  IoFreeIrp(irp);
  EchoListenSocket = NULL;
  return status;
}

/* ---- Connections ---- */

static VOID EchoFreeConnection(PECHO_CONNECTION Connection) {
  if (Connection->Irp != NULL) IoFreeIrp(Connection->Irp);
  if (Connection->Mdl != NULL) IoFreeMdl(Connection->Mdl);
  if (Connection->Buffer != NULL) ExFreePoolWithTag(Connection->Buffer, ECHO_POOL_TAG);
  ExFreePoolWithTag(Connection, ECHO_POOL_TAG);
}

static VOID EchoDereference(PECHO_CONNECTION Connection) {
  KIRQL irql;
  if (InterlockedDecrement(&Connection->References) != 0) return;
  KeAcquireSpinLock(&EchoLock, &irql);
  RemoveEntryList(&Connection->Link);
  if (--EchoConnectionCount == 0 && EchoIsUnloading()) {
    KeSetEvent(&EchoAllClosed, IO_NO_INCREMENT, FALSE);
  }
  KeReleaseSpinLock(&EchoLock, irql);
  EchoFreeConnection(Connection);
}

static IO_COMPLETION_ROUTINE EchoIoDone;

/* Sends Connection->Irp to the next call. The WSK call's return value is
 * not needed: the IRP is always completed, and its completion routine
 * (EchoIoDone) sees the final status whether it pended or not. */
static VOID EchoIssue(PECHO_CONNECTION Connection, ECHO_PHASE Phase, SIZE_T Length) {
  const WSK_PROVIDER_CONNECTION_DISPATCH *dispatch = Connection->Socket->Dispatch;
  PIRP irp = Connection->Irp;
  WSK_BUF buffer;
  buffer.Mdl = Connection->Mdl;
  buffer.Offset = 0;
  buffer.Length = Length;
  Connection->Length = Length;
  IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
  IoSetCompletionRoutine(irp, EchoIoDone, Connection, TRUE, TRUE, TRUE);
  Connection->Phase = Phase;
  switch (Phase) {
    case EchoReceiving:
      (VOID) dispatch->WskReceive(Connection->Socket, &buffer, 0, irp);
      break;
    case EchoSending:
      (VOID) dispatch->WskSend(Connection->Socket, &buffer, 0, irp);
      break;
    case EchoDisconnecting:
      (VOID) dispatch->WskDisconnect(Connection->Socket, NULL, 0, irp);
      break;
    default:
      (VOID) dispatch->WskCloseSocket(Connection->Socket, irp);
      return;
  }
  /* Unload may have cancelled the IRP between IoReuseIrp (which clears
   * Irp->Cancel) and the call: cancel again. Harmless on a completed IRP. */
  if (EchoIsUnloading()) IoCancelIrp(irp);
}

/* Handles the completion of Connection->Irp and starts the next call.
 * Returns TRUE when the completion was that of WskCloseSocket. */
static BOOLEAN EchoStep(PECHO_CONNECTION Connection) {
  NTSTATUS status = Connection->Irp->IoStatus.Status;
  ULONG_PTR bytes = Connection->Irp->IoStatus.Information;
  BOOLEAN proceed = NT_SUCCESS(status) && !EchoIsUnloading();
  switch (Connection->Phase) {
    case EchoStarting:
      EchoIssue(Connection, EchoReceiving, ECHO_BUFFER_SIZE);
      return FALSE;
    case EchoReceiving:
      if (proceed && bytes > 0) {
        EchoIssue(Connection, EchoSending, bytes);
        return FALSE;
      }
      /* Zero bytes: the peer ended its side gracefully; end ours too. */
      if (proceed) {
        EchoIssue(Connection, EchoDisconnecting, 0);
        return FALSE;
      }
      break;
    case EchoSending:
      /* A stream send completes once every byte is taken; less is a failure. */
      if (proceed && bytes == Connection->Length) {
        EchoIssue(Connection, EchoReceiving, ECHO_BUFFER_SIZE);
        return FALSE;
      }
      break;
    case EchoDisconnecting:
      break; /* done or failed: close either way */
    case EchoClosing:
      return TRUE;
  }
  EchoIssue(Connection, EchoClosing, 0);
  return FALSE;
}

/* Runs EchoStep once per completion, never nested: a completion that
 * arrives while a step runs on this or another thread (a call completing
 * inline, within the step) is left to the running loop. Stack depth thus
 * stays flat however many calls complete inline. */
static VOID EchoAdvance(PECHO_CONNECTION Connection) {
  BOOLEAN closed = FALSE;
  if (InterlockedIncrement(&Connection->Steps) != 1) return;
  do {
    closed = EchoStep(Connection);
  } while (InterlockedDecrement(&Connection->Steps) != 0);
  if (closed) EchoDereference(Connection);
}

static NTSTATUS NTAPI EchoIoDone(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context) {
  UNREFERENCED_PARAMETER(DeviceObject);
  UNREFERENCED_PARAMETER(Irp);
  EchoAdvance((PECHO_CONNECTION)Context);
  return STATUS_MORE_PROCESSING_REQUIRED; /* the IRP stays ours */
}

static PECHO_CONNECTION EchoAllocateConnection(PWSK_SOCKET Socket) {
  PECHO_CONNECTION connection =
      ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(ECHO_CONNECTION), ECHO_POOL_TAG);
  if (connection == NULL) return NULL;
  connection->Socket = Socket;
  connection->Phase = EchoStarting;
  connection->References = 1;
  connection->Buffer = ExAllocatePool2(POOL_FLAG_NON_PAGED, ECHO_BUFFER_SIZE, ECHO_POOL_TAG);
  connection->Irp = IoAllocateIrp(1, FALSE);
  if (connection->Buffer != NULL) {
    connection->Mdl = IoAllocateMdl(connection->Buffer, ECHO_BUFFER_SIZE, FALSE, FALSE, NULL);
  }
  if (connection->Irp == NULL || connection->Mdl == NULL) {
    EchoFreeConnection(connection);
    return NULL;
  }
  MmBuildMdlForNonPagedPool(connection->Mdl);
  return connection;
}

/* WskAcceptEvent, at DISPATCH_LEVEL: takes the connection and starts its
 * first receive, or refuses it (out of memory, unloading). */
static NTSTATUS WSKAPI EchoAccept(PVOID SocketContext, ULONG Flags, PSOCKADDR LocalAddress,
                                  PSOCKADDR RemoteAddress, PWSK_SOCKET AcceptSocket,
                                  PVOID *AcceptSocketContext,
                                  const WSK_CLIENT_CONNECTION_DISPATCH **AcceptSocketDispatch) {
  PECHO_CONNECTION connection;
  KIRQL irql;
  BOOLEAN taken = FALSE;
  UNREFERENCED_PARAMETER(SocketContext);
  UNREFERENCED_PARAMETER(Flags);
  UNREFERENCED_PARAMETER(LocalAddress);
  UNREFERENCED_PARAMETER(RemoteAddress);
  /* A NULL AcceptSocket means the listening socket is going away. */
  if (AcceptSocket == NULL) return STATUS_REQUEST_NOT_ACCEPTED;
  connection = EchoAllocateConnection(AcceptSocket);
  if (connection == NULL) return STATUS_REQUEST_NOT_ACCEPTED;
  KeAcquireSpinLock(&EchoLock, &irql);
  if (!EchoIsUnloading()) {
    InsertTailList(&EchoConnections, &connection->Link);
    ++EchoConnectionCount;
    taken = TRUE;
  }
  KeReleaseSpinLock(&EchoLock, irql);
  if (!taken) {
    EchoFreeConnection(connection);
    return STATUS_REQUEST_NOT_ACCEPTED;
  }
  *AcceptSocketContext = connection;
  *AcceptSocketDispatch = NULL; /* no connection events: data comes by IRP */
  EchoAdvance(connection);
  return STATUS_SUCCESS;
}

/* Cancels the IRP of every open connection; each then closes itself. */
static VOID EchoCancelConnections(VOID) {
  for (;;) {
    PECHO_CONNECTION connection = NULL;
    PLIST_ENTRY entry;
    KIRQL irql;
    KeAcquireSpinLock(&EchoLock, &irql);
    for (entry = EchoConnections.Flink; entry != &EchoConnections; entry = entry->Flink) {
      PECHO_CONNECTION candidate = CONTAINING_RECORD(entry, ECHO_CONNECTION, Link);
      if (!candidate->CancelRequested) {
        candidate->CancelRequested = TRUE;
        InterlockedIncrement(&candidate->References);
        connection = candidate;
        break;
      }
    }
    KeReleaseSpinLock(&EchoLock, irql);
    if (connection == NULL) return;
    IoCancelIrp(connection->Irp);
    EchoDereference(connection);
  }
}

static VOID NTAPI EchoUnload(PDRIVER_OBJECT DriverObject) {
  KIRQL irql;
  LONG open;
  UNREFERENCED_PARAMETER(DriverObject);
  InterlockedExchange((LONG *)&EchoUnloading, 1);
  /* After WskCloseSocket completes no accept event comes any more. */
  (VOID) EchoCloseListener();
  EchoCancelConnections();
  KeAcquireSpinLock(&EchoLock, &irql);
  open = EchoConnectionCount;
  KeReleaseSpinLock(&EchoLock, irql);
  if (open != 0) {
    KeWaitForSingleObject(&EchoAllClosed, Executive, KernelMode, FALSE, NULL);
  }
  WskReleaseProviderNPI(&EchoRegistration);
  WskDeregister(&EchoRegistration);
}

NTSTATUS EchoDriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  WSK_CLIENT_NPI client;
  NTSTATUS status;
  UNREFERENCED_PARAMETER(RegistryPath);
  KeInitializeSpinLock(&EchoLock);
  InitializeListHead(&EchoConnections);
  KeInitializeEvent(&EchoAllClosed, NotificationEvent, FALSE);
  EchoConnectionCount = 0;
  InterlockedExchange((LONG *)&EchoUnloading, 0);
  client.ClientContext = NULL;
  client.Dispatch = &EchoClientDispatch;
  status = WskRegister(&client, &EchoRegistration);
  if (!NT_SUCCESS(status)) return status;
  status = WskCaptureProviderNPI(&EchoRegistration, WSK_INFINITE_WAIT, &EchoProvider);
  if (!NT_SUCCESS(status)) {
    WskDeregister(&EchoRegistration);
    return status;
  }
  status = EchoOpenListener();
  if (!NT_SUCCESS(status)) {
    WskReleaseProviderNPI(&EchoRegistration);
    WskDeregister(&EchoRegistration);
    return status;
  }
  DriverObject->DriverUnload = EchoUnload;
  return STATUS_SUCCESS;
}

NTSTATUS EchoQueryListenAddress(PSOCKADDR_STORAGE Address) {
  if (Address == NULL) return STATUS_INVALID_PARAMETER;
  if (EchoListenSocket == NULL) return STATUS_INVALID_DEVICE_STATE;
  *Address = EchoListenAddress;
  return STATUS_SUCCESS;
}

LONG EchoOpenConnections(VOID) {
  KIRQL irql;
  LONG open;
  KeAcquireSpinLock(&EchoLock, &irql);
  open = EchoConnectionCount;
  KeReleaseSpinLock(&EchoLock, irql);
  return open;
}
