/* Calls in flight. Each call that takes an IRP gets an AGENT_OP: the IRP the
 * agent allocated, the buffers (MDL-described, nonpaged) the provider may
 * use until it completes the IRP, and two references — the dispatcher's and
 * the completion routine's. The COMPLETION message always follows the
 * call's RETURN, even when the provider completes the IRP before returning. */
#include "agent.h"

ULONG AgentAddressSize(const SOCKADDR_STORAGE *Address) {
  if (Address == NULL) return 0;
  switch (Address->ss_family) {
    case AF_INET: return sizeof(SOCKADDR_IN);
    case AF_INET6: return sizeof(SOCKADDR_IN6);
    case AF_UNSPEC: return 0;
    default: return sizeof(SOCKADDR); /* unknown family: the generic size */
  }
}

/* Copies an address blob (already bounded to 128 bytes by the decoder) into
 * zeroed storage; returns its size. */
ULONG AgentCopyAddress(const WSKA_BLOB *Blob, SOCKADDR_STORAGE *Address) {
  RtlZeroMemory(Address, sizeof(*Address));
  if (Blob->size > sizeof(*Address)) return 0;
  RtlCopyMemory(Address, Blob->data, Blob->size);
  return Blob->size;
}

SIZE_T AgentCopyFromWskBuf(const WSK_BUF *Buffer, PUCHAR Out, SIZE_T Limit) {
  SIZE_T copied = 0, skip = Buffer->Offset, left = Buffer->Length;
  PMDL mdl;
  for (mdl = Buffer->Mdl; mdl != NULL && left != 0 && copied < Limit;
       mdl = mdl->Next) {
    SIZE_T count = MmGetMdlByteCount(mdl), take;
    PUCHAR va;
    if (skip >= count) {
      skip -= count;
      continue;
    }
    va = MmGetSystemAddressForMdlSafe(mdl, NormalPagePriority);
    if (va == NULL) break;
    take = count - skip;
    if (take > left) take = left;
    if (take > Limit - copied) take = Limit - copied;
    RtlCopyMemory(Out + copied, va + skip, take);
    copied += take;
    left -= take;
    skip = 0;
  }
  return copied;
}

static VOID FreeOp(PAGENT_OP Op) {
  if (Op->Irp != NULL) IoFreeIrp(Op->Irp);
  if (Op->BufList != NULL) {
    ULONG i;
    for (i = 0; i < Op->BufCount; ++i) {
      if (Op->BufList[i].Buffer.Mdl != NULL) {
        IoFreeMdl(Op->BufList[i].Buffer.Mdl);
      }
    }
    ExFreePoolWithTag(Op->BufList, AGENT_TAG);
  }
  if (Op->Mdl != NULL) IoFreeMdl(Op->Mdl);
  if (Op->Chunked) {
    AgentFreeChunked(Op->Buffer, Op->BufferSize);
  } else if (Op->Buffer != NULL) {
    ExFreePoolWithTag(Op->Buffer, AGENT_TAG);
  }
  if (Op->Input != NULL) ExFreePoolWithTag(Op->Input, AGENT_TAG);
  if (Op->Scratch != NULL) ExFreePoolWithTag(Op->Scratch, AGENT_TAG);
  if (Op->Output != NULL) ExFreePoolWithTag(Op->Output, AGENT_TAG);
  if (Op->NodeName.Buffer != NULL) {
    ExFreePoolWithTag(Op->NodeName.Buffer, AGENT_TAG);
  }
  if (Op->ServiceName.Buffer != NULL) {
    ExFreePoolWithTag(Op->ServiceName.Buffer, AGENT_TAG);
  }
  ExFreePoolWithTag(Op, AGENT_TAG);
}

VOID AgentOpRelease(PAGENT_OP Op) {
  KIRQL irql;
  if (InterlockedDecrement(&Op->References) != 0) return;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  RemoveEntryList(&Op->Link);
  KeReleaseSpinLock(&Agent.Lock, irql);
  FreeOp(Op);
}

VOID AgentOpDiscard(PAGENT_OP Op) {
  KIRQL irql;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  RemoveEntryList(&Op->Link);
  KeReleaseSpinLock(&Agent.Lock, irql);
  FreeOp(Op);
}

static NTSTATUS NTAPI OpIrpDone(PDEVICE_OBJECT Device, PIRP Irp,
                                PVOID Context) {
  PAGENT_OP op = Context;
  WSKA_MESSAGE m;
  PAGENT_BLOCK block;
  KIRQL irql;
  UNREFERENCED_PARAMETER(Device);
  UNREFERENCED_PARAMETER(Irp);
  WskaInit(&m, WSKA_MSG_COMPLETION, op->RequestId);
  m.irp_status = op->Irp->IoStatus.Status;
  m.information = op->Irp->IoStatus.Information;
  m.elapsed = AgentNow() - op->Start;
  m.function = op->Function;
  WskaSet(&m, WSKA_TAG_IRP_STATUS);
  WskaSet(&m, WSKA_TAG_INFORMATION);
  WskaSet(&m, WSKA_TAG_ELAPSED);
  WskaSet(&m, WSKA_TAG_FUNCTION);
  AgentFillCompletion(op, &m);
  block = AgentEncode(&m);
  if (WskaHas(&m, WSKA_TAG_CHUNKED)) {
    block = AgentChunkStream(op, (SIZE_T)m.chunked, block);
  }
  KeAcquireSpinLock(&Agent.Lock, &irql);
  if (op->Returned) {
    AgentEnqueueLocked(block);
  } else {
    op->Deferred = block;
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  AgentDeliver();
  AgentOpRelease(op);
  return STATUS_MORE_PROCESSING_REQUIRED; /* the IRP is the agent's */
}

PAGENT_OP AgentNewOp(const WSKA_MESSAGE *Call, BOOLEAN WithIrp) {
  KIRQL irql;
  PAGENT_OP op = ExAllocatePoolWithTag(NonPagedPool, sizeof(*op), AGENT_TAG);
  if (op == NULL) return NULL;
  RtlZeroMemory(op, sizeof(*op));
  op->RequestId = Call->request_id;
  op->Function = Call->function;
  op->References = 1;
  if (WithIrp) {
    op->Irp = IoAllocateIrp(1, FALSE);
    if (op->Irp == NULL) {
      ExFreePoolWithTag(op, AGENT_TAG);
      return NULL;
    }
    op->References = 2;
    IoSetCompletionRoutine(op->Irp, OpIrpDone, op, TRUE, TRUE, TRUE);
  }
  KeAcquireSpinLock(&Agent.Lock, &irql);
  InsertTailList(&Agent.Ops, &op->Link);
  KeReleaseSpinLock(&Agent.Lock, irql);
  op->Start = AgentNow();
  return op;
}

/* Gives Op a nonpaged buffer of Offset + Length bytes (Data copied in at
 * Offset when given), an MDL over it and Op->WskBuf describing the bytes
 * at Offset. */
NTSTATUS AgentOpSetBuffer(PAGENT_OP Op, const WSKA_BLOB *Data, SIZE_T Length,
                          ULONG Offset) {
  SIZE_T size;
  if (Data != NULL) Length = Data->size;
  if (Length > WSKA_MAX_DATA || Offset > WSKA_MAX_DATA) {
    return STATUS_INVALID_PARAMETER;
  }
  size = Offset + Length;
  if (size == 0) size = 1; /* an MDL needs at least one byte */
  Op->Buffer = ExAllocatePoolWithTag(NonPagedPool, size, AGENT_TAG);
  if (Op->Buffer == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  RtlZeroMemory(Op->Buffer, size);
  if (Data != NULL && Data->size != 0) {
    RtlCopyMemory(Op->Buffer + Offset, Data->data, Data->size);
  }
  Op->BufferSize = size;
  Op->Mdl = IoAllocateMdl(Op->Buffer, (ULONG)size, FALSE, FALSE, NULL);
  if (Op->Mdl == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  MmBuildMdlForNonPagedPool(Op->Mdl);
  Op->WskBuf.Mdl = Op->Mdl;
  Op->WskBuf.Offset = Offset;
  Op->WskBuf.Length = Length;
  return STATUS_SUCCESS;
}

/* Queues Return, then the COMPLETION if it came first, and drops the
 * dispatcher's reference. */
VOID AgentOpReturned(PAGENT_OP Op, WSKA_MESSAGE *Return) {
  PAGENT_BLOCK block = AgentEncode(Return);
  KIRQL irql;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  AgentEnqueueLocked(block);
  Op->Returned = TRUE;
  if (Op->Deferred != NULL) {
    AgentEnqueueLocked(Op->Deferred);
    Op->Deferred = NULL;
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  AgentDeliver();
  AgentOpRelease(Op);
}

/* WSKA_FN_CANCEL: IoCancelIrp on the IRP of request Target, if pending. */
VOID AgentCancelOp(ULONG Target, WSKA_MESSAGE *Return) {
  KIRQL irql;
  PLIST_ENTRY entry;
  PAGENT_OP found = NULL;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (entry = Agent.Ops.Flink; entry != &Agent.Ops; entry = entry->Flink) {
    PAGENT_OP op = CONTAINING_RECORD(entry, AGENT_OP, Link);
    if (op->RequestId == Target && op->Irp != NULL && op->References > 0) {
      found = op;
      InterlockedIncrement(&op->References);
      break;
    }
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  Return->status = found != NULL ? STATUS_SUCCESS : STATUS_NOT_FOUND;
  if (found != NULL) {
    /* INFORMATION: 1 when a cancel routine ran, 0 when the IRP had none. */
    Return->information = IoCancelIrp(found->Irp) ? 1 : 0;
    WskaSet(Return, WSKA_TAG_INFORMATION);
    AgentOpRelease(found);
  }
}

/* NPI_WSK_INTERFACE_ID, for the pointer-free inputs of SO_WSK_EVENT_CALLBACK
 * and WSK_SET_STATIC_EVENT_CALLBACKS (the provider may not export one). */
const GUID AgentNpiWskInterfaceId = {
    0x2227E803, 0x8D8B, 0x11D4, {0xAB, 0xAD, 0x00, 0x90, 0x27, 0x71, 0x9E, 0x09}};

/* Copies Call's INPUT into Op. With EventMaskForm the 4-byte input is an
 * EventMask and becomes a WSK_EVENT_CALLBACK_CONTROL naming the WSK NPI. */
NTSTATUS AgentOpSetInput(PAGENT_OP Op, const WSKA_MESSAGE *Call,
                         BOOLEAN EventMaskForm, PVOID *Input, SIZE_T *Size) {
  *Input = NULL;
  *Size = 0;
  if (!WskaHas(Call, WSKA_TAG_INPUT)) return STATUS_SUCCESS;
  if (EventMaskForm) {
    PWSK_EVENT_CALLBACK_CONTROL control;
    if (Call->input.size != sizeof(ULONG)) return STATUS_INVALID_PARAMETER;
    control = ExAllocatePoolWithTag(NonPagedPool, sizeof(*control), AGENT_TAG);
    if (control == NULL) return STATUS_INSUFFICIENT_RESOURCES;
    control->NpiId = &AgentNpiWskInterfaceId;
    RtlCopyMemory(&control->EventMask, Call->input.data, sizeof(ULONG));
    Op->Input = (PUCHAR)control;
    *Size = sizeof(*control);
  } else if (Call->input.size != 0) {
    Op->Input = ExAllocatePoolWithTag(NonPagedPool, Call->input.size,
                                      AGENT_TAG);
    if (Op->Input == NULL) return STATUS_INSUFFICIENT_RESOURCES;
    RtlCopyMemory(Op->Input, Call->input.data, Call->input.size);
    *Size = Call->input.size;
  }
  *Input = Op->Input;
  return STATUS_SUCCESS;
}

/* A zeroed nonpaged output buffer of Size bytes (at most 64 KiB). */
NTSTATUS AgentOpSetOutput(PAGENT_OP Op, ULONGLONG Size) {
  if (Size > 65536) return STATUS_INVALID_PARAMETER;
  Op->OutputSize = (SIZE_T)Size;
  if (Size == 0) return STATUS_SUCCESS;
  Op->Output = ExAllocatePoolWithTag(NonPagedPool, (SIZE_T)Size, AGENT_TAG);
  if (Op->Output == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  RtlZeroMemory(Op->Output, (SIZE_T)Size);
  return STATUS_SUCCESS;
}
