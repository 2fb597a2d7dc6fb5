/* The agent's outgoing messages: encoded into nonpaged blocks (completion
 * routines and callbacks run at DISPATCH_LEVEL), queued under Agent.Lock and
 * handed to the relay's pending IOCTL_WSKA_RECEIVE as whole messages. */
#include "agent.h"

PAGENT_BLOCK AgentEncode(const WSKA_MESSAGE *Message) {
  SIZE_T size = WskaEncodedSize(Message);
  SIZE_T written = 0;
  WSKA_RESULT result;
  WSKA_MESSAGE stamped = *Message;
  PAGENT_BLOCK block = ExAllocatePoolWithTag(
      NonPagedPool, FIELD_OFFSET(AGENT_BLOCK, Bytes) + size, AGENT_TAG);
  if (block == NULL) return NULL;
  /* Everything after HELLO in the version agreed there (HELLO_REPLY and
   * ERROR read the same in every version). */
  if (Agent.Version != 0 && stamped.type != WSKA_MSG_ERROR) {
    stamped.version = (uint16_t)Agent.Version;
  }
  if (WskaEncode(&stamped, block->Bytes, size, &written, &result) !=
      WSKA_E_OK) {
    /* An agent bug: say so instead of sending what the runner would refuse. */
    DbgPrint("wskconf_agent: cannot encode %s: %s\n",
             WskaTypeName(Message->type), result.text);
    ExFreePoolWithTag(block, AGENT_TAG);
    return NULL;
  }
  block->Size = written;
  return block;
}

VOID AgentEnqueueLocked(PAGENT_BLOCK Block) {
  if (Block == NULL || Agent.QueuedBytes + Block->Size > AGENT_QUEUE_LIMIT) {
    Agent.Lost++;
    if (Block != NULL) ExFreePoolWithTag(Block, AGENT_TAG);
    return;
  }
  Agent.QueuedBytes += Block->Size;
  InsertTailList(&Agent.Queue, &Block->Link);
}

VOID AgentPost(const WSKA_MESSAGE *Message) {
  PAGENT_BLOCK block = AgentEncode(Message);
  KIRQL irql;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  AgentEnqueueLocked(block);
  KeReleaseSpinLock(&Agent.Lock, irql);
  AgentDeliver();
}

VOID AgentPostError(ULONG RequestId, ULONG Code, const char *Text) {
  WSKA_MESSAGE m;
  SIZE_T length = 0;
  WskaInit(&m, WSKA_MSG_ERROR, RequestId);
  m.error_code = Code;
  WskaSet(&m, WSKA_TAG_ERROR_CODE);
  while (Text[length] != '\0' && length < WSKA_MAX_TEXT) length++;
  m.text.data = (const uint8_t *)Text;
  m.text.size = (uint32_t)length;
  WskaSet(&m, WSKA_TAG_TEXT);
  AgentPost(&m);
}

/* Writes an ERROR QUEUE_OVERFLOW (request id 0) at Out. */
static SIZE_T WriteLostNotice(PUCHAR Out, SIZE_T Capacity) {
  static const char kText[] = "messages were dropped: queue limit reached";
  WSKA_MESSAGE m;
  WSKA_RESULT result;
  SIZE_T written = 0;
  WskaInit(&m, WSKA_MSG_ERROR, 0);
  m.error_code = WSKA_E_QUEUE_OVERFLOW;
  WskaSet(&m, WSKA_TAG_ERROR_CODE);
  m.text.data = (const uint8_t *)kText;
  m.text.size = sizeof(kText) - 1;
  WskaSet(&m, WSKA_TAG_TEXT);
  if (WskaEncode(&m, Out, Capacity, &written, &result) != WSKA_E_OK) return 0;
  return written;
}

/* Takes the pending receive IRP off Agent, unless it is being cancelled.
 * Agent.Lock held. */
static PIRP TakeReceiveLocked(VOID) {
  PIRP irp = Agent.PendingReceive;
  if (irp == NULL) return NULL;
  if (IoSetCancelRoutine(irp, NULL) == NULL) return NULL; /* cancel runs */
  Agent.PendingReceive = NULL;
  return irp;
}

VOID AgentDeliver(VOID) {
  KIRQL irql;
  PIRP irp;
  PUCHAR out;
  SIZE_T capacity, used = 0;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  if (Agent.PendingReceive == NULL ||
      (IsListEmpty(&Agent.Queue) && Agent.Lost == 0) ||
      (irp = TakeReceiveLocked()) == NULL) {
    KeReleaseSpinLock(&Agent.Lock, irql);
    return;
  }
  out = irp->AssociatedIrp.SystemBuffer;
  capacity = IoGetCurrentIrpStackLocation(irp)
                 ->Parameters.DeviceIoControl.OutputBufferLength;
  if (Agent.Lost != 0) {
    used = WriteLostNotice(out, capacity);
    Agent.Lost = 0;
  }
  while (!IsListEmpty(&Agent.Queue)) {
    PAGENT_BLOCK block =
        CONTAINING_RECORD(Agent.Queue.Flink, AGENT_BLOCK, Link);
    if (block->Size > capacity - used) break;
    RemoveEntryList(&block->Link);
    Agent.QueuedBytes -= block->Size;
    RtlCopyMemory(out + used, block->Bytes, block->Size);
    used += block->Size;
    ExFreePoolWithTag(block, AGENT_TAG);
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  irp->IoStatus.Status = STATUS_SUCCESS;
  irp->IoStatus.Information = used;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static VOID NTAPI CancelReceive(PDEVICE_OBJECT Device, PIRP Irp) {
  KIRQL irql;
  UNREFERENCED_PARAMETER(Device);
  IoReleaseCancelSpinLock(Irp->CancelIrql);
  KeAcquireSpinLock(&Agent.Lock, &irql);
  if (Agent.PendingReceive == Irp) Agent.PendingReceive = NULL;
  KeReleaseSpinLock(&Agent.Lock, irql);
  Irp->IoStatus.Status = STATUS_CANCELLED;
  Irp->IoStatus.Information = 0;
  IoCompleteRequest(Irp, IO_NO_INCREMENT);
}

NTSTATUS AgentQueueReceive(PIRP Irp) {
  KIRQL irql;
  PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
  NTSTATUS status = STATUS_PENDING;
  if (stack->Parameters.DeviceIoControl.OutputBufferLength <
      WSKA_RECEIVE_BUFFER_SIZE) {
    status = STATUS_BUFFER_TOO_SMALL;
  }
  KeAcquireSpinLock(&Agent.Lock, &irql);
  if (status == STATUS_PENDING && Agent.PendingReceive != NULL) {
    status = STATUS_DEVICE_BUSY;
  }
  if (status == STATUS_PENDING) {
    IoMarkIrpPending(Irp);
    IoSetCancelRoutine(Irp, CancelReceive);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
      status = STATUS_CANCELLED; /* cancelled before we could queue it */
    } else {
      Agent.PendingReceive = Irp;
    }
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  if (status != STATUS_PENDING) {
    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
  }
  AgentDeliver();
  return STATUS_PENDING;
}

VOID AgentCancelReceive(VOID) {
  KIRQL irql;
  PIRP irp;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  irp = TakeReceiveLocked();
  KeReleaseSpinLock(&Agent.Lock, irql);
  if (irp == NULL) return;
  irp->IoStatus.Status = STATUS_CANCELLED;
  irp->IoStatus.Information = 0;
  IoCompleteRequest(irp, IO_NO_INCREMENT);
}

VOID AgentDropQueue(VOID) {
  KIRQL irql;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  while (!IsListEmpty(&Agent.Queue)) {
    PAGENT_BLOCK block =
        CONTAINING_RECORD(RemoveHeadList(&Agent.Queue), AGENT_BLOCK, Link);
    ExFreePoolWithTag(block, AGENT_TAG);
  }
  Agent.QueuedBytes = 0;
  Agent.Lost = 0;
  KeReleaseSpinLock(&Agent.Lock, irql);
}
