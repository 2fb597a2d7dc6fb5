/* The agent's outgoing messages: encoded into nonpaged blocks (completion
 * routines and callbacks run at DISPATCH_LEVEL), queued under Agent.Lock and
 * handed to the relay's pending IOCTL_WSKA_RECEIVE as whole messages. The
 * bytes of a receive larger than one message (version 5) wait in the queue
 * as a chunk stream that is encoded one CHUNK at a time as the relay asks,
 * so they are never copied twice nor held beyond the chunked pool. */
#include "agent.h"

PAGENT_BLOCK AgentEncode(const WSKA_MESSAGE *Message) {
  SIZE_T size = WskaEncodedSize(Message);
  SIZE_T written = 0;
  WSKA_RESULT result;
  WSKA_MESSAGE stamped = *Message;
  PAGENT_BLOCK block = ExAllocatePoolWithTag(
      NonPagedPool, FIELD_OFFSET(AGENT_BLOCK, Bytes) + size, AGENT_TAG);
  if (block == NULL) return NULL;
  block->Pool = NULL; /* a message, not a chunk stream */
  block->PoolSize = block->DataOffset = block->Length = block->Sent = 0;
  block->Then = NULL;
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

/* Frees a block that is in no list; a stream's pool and its COMPLETION
 * with it. Agent.Lock held. */
static VOID FreeBlockLocked(PAGENT_BLOCK Block) {
  if (Block->Then != NULL) FreeBlockLocked(Block->Then);
  if (Block->Pool != NULL) AgentFreeChunkedLocked(Block->Pool, Block->PoolSize);
  ExFreePoolWithTag(Block, AGENT_TAG);
}

PAGENT_BLOCK AgentChunkStream(PAGENT_OP Op, SIZE_T Length,
                              PAGENT_BLOCK Completion) {
  PAGENT_BLOCK stream;
  if (Completion == NULL) return NULL;
  stream = ExAllocatePoolWithTag(NonPagedPool, sizeof(*stream), AGENT_TAG);
  if (stream == NULL || !Op->Chunked) {
    /* No pool for the stream (or, an agent bug, a buffer not from the
     * chunked pool): the COMPLETION is lost and counted. */
    if (stream != NULL) ExFreePoolWithTag(stream, AGENT_TAG);
    ExFreePoolWithTag(Completion, AGENT_TAG);
    return NULL;
  }
  RtlZeroMemory(stream, sizeof(*stream));
  stream->Pool = Op->Buffer;
  stream->PoolSize = Op->BufferSize;
  stream->DataOffset = Op->WskBuf.Offset;
  stream->Length = Length;
  stream->RequestId = Op->RequestId;
  stream->Then = Completion;
  Op->Buffer = NULL; /* the stream frees it */
  Op->BufferSize = 0;
  Op->Chunked = FALSE;
  return stream;
}

/* Encodes the next CHUNK of Stream at Out: its size, or 0 when it does
 * not fit in Capacity bytes. A chunk the codec refuses (an agent bug) ends
 * the stream early, so the runner's check of CHUNKED names the shortfall. */
static SIZE_T WriteChunk(PAGENT_BLOCK Stream, PUCHAR Out, SIZE_T Capacity) {
  WSKA_MESSAGE m;
  WSKA_RESULT result;
  SIZE_T written = 0, left = Stream->Length - Stream->Sent;
  WskaInit(&m, WSKA_MSG_CHUNK, Stream->RequestId);
  m.version = (uint16_t)Agent.Version;
  m.position = Stream->Sent;
  m.length = Stream->Length;
  m.data.data = Stream->Pool + Stream->DataOffset + Stream->Sent;
  m.data.size = (uint32_t)(left < WSKA_MAX_DATA ? left : WSKA_MAX_DATA);
  WskaSet(&m, WSKA_TAG_POSITION);
  WskaSet(&m, WSKA_TAG_LENGTH);
  WskaSet(&m, WSKA_TAG_DATA);
  if (WskaEncodedSize(&m) > Capacity) return 0;
  if (WskaEncode(&m, Out, Capacity, &written, &result) != WSKA_E_OK) {
    DbgPrint("wskconf_agent: cannot encode a CHUNK: %s\n", result.text);
    Stream->Sent = Stream->Length;
    return 0;
  }
  Stream->Sent += m.data.size;
  return written;
}

/* Writes what fits of the chunk stream at the queue's head; when all its
 * chunks are out, its COMPLETION takes its place at the head. Returns the
 * bytes written; 0 when the next chunk does not fit. Agent.Lock held. */
static SIZE_T DeliverStreamLocked(PAGENT_BLOCK Stream, PUCHAR Out,
                                  SIZE_T Capacity) {
  SIZE_T written = Stream->Sent < Stream->Length
                       ? WriteChunk(Stream, Out, Capacity)
                       : 0;
  if (Stream->Sent < Stream->Length) return written;
  RemoveEntryList(&Stream->Link);
  if (Stream->Then != NULL) {
    Agent.QueuedBytes += Stream->Then->Size;
    InsertHeadList(&Agent.Queue, &Stream->Then->Link);
    Stream->Then = NULL;
  }
  FreeBlockLocked(Stream);
  return written;
}

VOID AgentEnqueueLocked(PAGENT_BLOCK Block) {
  if (Block == NULL || Agent.QueuedBytes + Block->Size > AGENT_QUEUE_LIMIT) {
    Agent.Lost++;
    if (Block != NULL) FreeBlockLocked(Block);
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
    if (block->Pool != NULL) {
      SIZE_T written = DeliverStreamLocked(block, out + used, capacity - used);
      if (written == 0 && block == CONTAINING_RECORD(Agent.Queue.Flink,
                                                     AGENT_BLOCK, Link)) {
        break; /* the next chunk goes with the next request */
      }
      used += written;
      continue;
    }
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
    FreeBlockLocked(block);
  }
  Agent.QueuedBytes = 0;
  Agent.Lost = 0;
  KeReleaseSpinLock(&Agent.Lock, irql);
}
