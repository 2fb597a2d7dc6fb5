/* wskconf_agent.sys: a WSK client driver that runs WSK calls on the wskconf
 * runner's behalf. One exclusive device; the relay submits protocol
 * messages with IOCTL_WSKA_SUBMIT and collects the agent's messages with a
 * pending IOCTL_WSKA_RECEIVE. Closing the handle undoes everything the
 * runner left open. */
#include "agent.h"

C_ASSERT(WSKA_RECEIVE_BUFFER_SIZE == WSKA_HEADER_SIZE + WSKA_MAX_PAYLOAD);
/* wsk.h over mingw-w64's ddk headers must lay out the WSK types as Windows
 * does (VALUES.md x64 sizes), or the provider reads garbage. */
C_ASSERT(sizeof(WSK_REGISTRATION) == 24);
C_ASSERT(sizeof(WSK_BUF) == 24);
C_ASSERT(sizeof(WSK_PROVIDER_DISPATCH) == 56);
C_ASSERT(sizeof(WSK_PROVIDER_LISTEN_DISPATCH) == 48);
C_ASSERT(sizeof(WSK_PROVIDER_DATAGRAM_DISPATCH) == 64);
C_ASSERT(sizeof(WSK_PROVIDER_CONNECTION_DISPATCH) == 104);
C_ASSERT(sizeof(WSK_PROVIDER_STREAM_DISPATCH) == 120);
C_ASSERT(sizeof(SOCKADDR_IN6) == 28);
C_ASSERT(sizeof(SOCKADDR_STORAGE) == 128);

static UNICODE_STRING DosName;

typedef VOID(NTAPI *QUERY_SYSTEM_TIME)(PLARGE_INTEGER);
typedef ULONGLONG(NTAPI *QUERY_TIME)(VOID);
static QUERY_SYSTEM_TIME QuerySystemTime;
static QUERY_TIME QueryTime;

static PVOID Routine(PCWSTR Name) {
  UNICODE_STRING name;
  RtlInitUnicodeString(&name, Name);
  return MmGetSystemRoutineAddress(&name);
}

/* mingw-w64's wdm.h turns the clock routines into reads of
 * KUSER_SHARED_DATA at its kernel address, which Wine (drivers run in user
 * mode) only emulates and updates rarely. Both Windows and Wine export a
 * system-time routine that reads the real clock; use the first that exists
 * (the precise one on Windows 8 and later, the plain one on Wine). */
static VOID ResolveClock(VOID) {
  QuerySystemTime = (QUERY_SYSTEM_TIME)Routine(L"KeQuerySystemTimePrecise");
  if (QuerySystemTime == NULL) {
    QuerySystemTime = (QUERY_SYSTEM_TIME)Routine(L"KeQuerySystemTime");
  }
  QueryTime = (QUERY_TIME)Routine(L"KeQueryInterruptTime");
}

ULONGLONG AgentNow(VOID) {
  LARGE_INTEGER now;
  if (QuerySystemTime != NULL) {
    QuerySystemTime(&now);
    return (ULONGLONG)now.QuadPart;
  }
  return QueryTime != NULL ? QueryTime() : KeQueryInterruptTime();
}

static NTSTATUS Finish(PIRP Irp, NTSTATUS Status) {
  Irp->IoStatus.Status = Status;
  Irp->IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return Status;
}

/* Undoes what the runner left behind: pending calls, sockets,
 * registrations, the pending receive and undelivered messages. */
static VOID ResetSession(VOID) {
  WSKA_MESSAGE ignored;
  /* First: a worker that returns from here on answers nobody. */
  InterlockedIncrement(&Agent.Generation);
  WskaInit(&ignored, WSKA_MSG_RETURN, 0);
  AgentShutdown(&ignored);
  AgentCancelReceive();
  AgentDropQueue();
  AgentDropChunks();
  Agent.Greeted = FALSE;
  Agent.Version = 0;
}

/* Whether a handle was opened since the last reset. Under Wine 8.0 a reset
 * run from IRP_MJ_CLEANUP alone left every connection's registration
 * behind (relay_server_test's ResetAtCloseLeavesNoRegistrationBehind), so
 * it runs at whichever of cleanup, close and the next create comes first.
 * The device is exclusive: one handle, its dispatch calls one at a time. */
static BOOLEAN Opened;

static VOID ResetOnce(VOID) {
  if (!Opened) return;
  Opened = FALSE;
  ResetSession();
}

static NTSTATUS NTAPI DispatchCreate(PDEVICE_OBJECT Device, PIRP Irp) {
  UNREFERENCED_PARAMETER(Device);
  ResetOnce(); /* neither cleanup nor close came for the last handle */
  Opened = TRUE;
  Agent.Greeted = FALSE; /* a new relay starts with HELLO */
  Agent.Version = 0;
  return Finish(Irp, STATUS_SUCCESS);
}

static NTSTATUS NTAPI DispatchClose(PDEVICE_OBJECT Device, PIRP Irp) {
  UNREFERENCED_PARAMETER(Device);
  ResetOnce();
  return Finish(Irp, STATUS_SUCCESS);
}

static NTSTATUS NTAPI DispatchCleanup(PDEVICE_OBJECT Device, PIRP Irp) {
  UNREFERENCED_PARAMETER(Device);
  ResetOnce();
  return Finish(Irp, STATUS_SUCCESS);
}

/* IOCTL_WSKA_LEFTOVERS: what the tables hold, for the relay to report. */
static NTSTATUS Leftovers(PIRP Irp, PIO_STACK_LOCATION Stack) {
  if (Stack->Parameters.DeviceIoControl.OutputBufferLength <
          sizeof(WSKA_LEFTOVERS) ||
      Irp->AssociatedIrp.SystemBuffer == NULL) {
    return Finish(Irp, STATUS_BUFFER_TOO_SMALL);
  }
  AgentCountLeftovers(Irp->AssociatedIrp.SystemBuffer);
  Irp->IoStatus.Status = STATUS_SUCCESS;
  Irp->IoStatus.Information = sizeof(WSKA_LEFTOVERS);
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
  return STATUS_SUCCESS;
}

static NTSTATUS NTAPI DispatchControl(PDEVICE_OBJECT Device, PIRP Irp) {
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
  ULONG length = stack->Parameters.DeviceIoControl.InputBufferLength;
  UNREFERENCED_PARAMETER(Device);
  switch (stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_WSKA_SUBMIT:
      if (length < WSKA_HEADER_SIZE ||
          length > WSKA_HEADER_SIZE + WSKA_MAX_PAYLOAD ||
          Irp->AssociatedIrp.SystemBuffer == NULL) {
        return Finish(Irp, STATUS_INVALID_PARAMETER);
      }
      /* Decoded and checked there; everything kept is copied out. */
      AgentHandleMessage(Irp->AssociatedIrp.SystemBuffer, length);
      return Finish(Irp, STATUS_SUCCESS);
    case IOCTL_WSKA_RECEIVE:
      return AgentQueueReceive(Irp);
    case IOCTL_WSKA_LEFTOVERS:
      return Leftovers(Irp, stack);
    default:
      return Finish(Irp, STATUS_INVALID_DEVICE_REQUEST);
  }
}

static VOID NTAPI Unload(PDRIVER_OBJECT Driver) {
  UNREFERENCED_PARAMETER(Driver);
  ResetSession();
  IoDeleteSymbolicLink(&DosName);
  IoDeleteDevice(Agent.Device);
  DbgPrint("wskconf_agent: unloaded\n");
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT Driver, PUNICODE_STRING Registry) {
  UNICODE_STRING name;
  NTSTATUS status;
  UNREFERENCED_PARAMETER(Registry);
  ResolveClock();
  KeInitializeSpinLock(&Agent.Lock);
  InitializeListHead(&Agent.Queue);
  InitializeListHead(&Agent.Ops);
  AgentInitializeObjects();
  AgentInitializeWorkers();
  RtlInitUnicodeString(&name, WSKA_DEVICE_NAME);
  RtlInitUnicodeString(&DosName, WSKA_DOS_DEVICE_NAME);
  status = IoCreateDevice(Driver, 0, &name, FILE_DEVICE_UNKNOWN, 0, TRUE,
                          &Agent.Device);
  if (!NT_SUCCESS(status)) return status;
  status = IoCreateSymbolicLink(&DosName, &name);
  if (!NT_SUCCESS(status)) {
    IoDeleteDevice(Agent.Device);
    return status;
  }
  Agent.Device->Flags |= DO_BUFFERED_IO;
  Driver->MajorFunction[IRP_MJ_CREATE] = DispatchCreate;
  Driver->MajorFunction[IRP_MJ_CLOSE] = DispatchClose;
  Driver->MajorFunction[IRP_MJ_CLEANUP] = DispatchCleanup;
  Driver->MajorFunction[IRP_MJ_DEVICE_CONTROL] = DispatchControl;
  Driver->DriverUnload = Unload;
  DbgPrint("wskconf_agent: loaded\n");
  return STATUS_SUCCESS;
}
