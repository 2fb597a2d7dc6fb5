/* CHUNK messages (protocol version 3): data larger than one message
 * carries arrives in pieces ahead of its CALL (and, version 5, the buffers
 * of receives larger than that come from the same pool). The agent assembles them in
 * one nonpaged buffer from its pool, bounded per buffer (WSKA_MAX_CHUNKED)
 * and in all (AGENT_CHUNKED_LIMIT), and the call that follows takes the
 * buffer over. PASSIVE_LEVEL, on the relay's request thread. */
#include "agent.h"

/* Remembers why chunks of RequestId were refused: the rest of its chunks
 * are dropped and its CALL answered with this reason, so the request still
 * gets exactly one answer. */
static VOID Refuse(ULONG RequestId, ULONG Code, const char *Text) {
  SIZE_T i = 0;
  Agent.ChunkFailedId = RequestId;
  Agent.ChunkFailedCode = Code;
  while (Text[i] != '\0' && i + 1 < sizeof(Agent.ChunkFailedText)) {
    Agent.ChunkFailedText[i] = Text[i];
    i++;
  }
  Agent.ChunkFailedText[i] = '\0';
}

static VOID FreeAssembly(VOID) {
  if (Agent.ChunkBuffer != NULL) AgentFreeChunked(Agent.ChunkBuffer,
                                                  Agent.ChunkSize);
  Agent.ChunkBuffer = NULL;
  Agent.ChunkSize = 0;
  RtlZeroMemory(&Agent.Chunks, sizeof(Agent.Chunks));
}

PUCHAR AgentAllocateChunked(SIZE_T Size) {
  KIRQL irql;
  PUCHAR buffer;
  BOOLEAN fits;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  fits = Agent.ChunkedBytes <= AGENT_CHUNKED_LIMIT - Size;
  if (fits) Agent.ChunkedBytes += Size;
  KeReleaseSpinLock(&Agent.Lock, irql);
  if (!fits) return NULL;
  buffer = ExAllocatePoolWithTag(NonPagedPool, Size, AGENT_TAG);
  if (buffer == NULL) AgentFreeChunked(NULL, Size);
  return buffer;
}

VOID AgentFreeChunked(PUCHAR Buffer, SIZE_T Size) {
  KIRQL irql;
  if (Buffer != NULL) ExFreePoolWithTag(Buffer, AGENT_TAG);
  KeAcquireSpinLock(&Agent.Lock, &irql);
  Agent.ChunkedBytes -= Size;
  KeReleaseSpinLock(&Agent.Lock, irql);
}

VOID AgentFreeChunkedLocked(PUCHAR Buffer, SIZE_T Size) {
  if (Buffer != NULL) ExFreePoolWithTag(Buffer, AGENT_TAG);
  Agent.ChunkedBytes -= Size;
}

NTSTATUS AgentOpSetReceiveChunked(PAGENT_OP Op, SIZE_T Length, ULONG Offset) {
  const SIZE_T size = (SIZE_T)Offset + Length;
  if (Offset > WSKA_MAX_DATA) return STATUS_INVALID_PARAMETER;
  Op->Buffer = AgentAllocateChunked(size);
  if (Op->Buffer == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  Op->BufferSize = size;
  Op->Chunked = TRUE;
  RtlZeroMemory(Op->Buffer, size);
  Op->Mdl = IoAllocateMdl(Op->Buffer, (ULONG)size, FALSE, FALSE, NULL);
  if (Op->Mdl == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  MmBuildMdlForNonPagedPool(Op->Mdl);
  Op->WskBuf.Mdl = Op->Mdl;
  Op->WskBuf.Offset = Offset;
  Op->WskBuf.Length = Length;
  return STATUS_SUCCESS;
}

VOID AgentHandleChunk(const WSKA_MESSAGE *Chunk) {
  WSKA_RESULT result;
  int opened = 0;
  ULONG code;
  if (Agent.ChunkFailedId == Chunk->request_id) return;
  code = WskaChunkAccept(&Agent.Chunks, Chunk, WSKA_MAX_CHUNKED, &opened,
                         &result);
  if (code != WSKA_E_OK) {
    Refuse(Chunk->request_id, code, result.text);
    return;
  }
  if (opened) {
    Agent.ChunkBuffer = AgentAllocateChunked((SIZE_T)Chunk->length);
    if (Agent.ChunkBuffer == NULL) {
      RtlZeroMemory(&Agent.Chunks, sizeof(Agent.Chunks));
      Refuse(Chunk->request_id, WSKA_E_NO_RESOURCES,
             "chunks: the buffer would take the agent's chunked pool over "
             "its limit of 128 MiB (AGENT_CHUNKED_LIMIT), or no pool");
      return;
    }
    Agent.ChunkSize = (SIZE_T)Chunk->length;
  }
  RtlCopyMemory(Agent.ChunkBuffer + Chunk->position, Chunk->data.data,
                Chunk->data.size);
}

ULONG AgentFinishChunks(const WSKA_MESSAGE *Call, char *Text, SIZE_T Size) {
  WSKA_RESULT result;
  const char *reason = result.text;
  ULONG code;
  SIZE_T i = 0;
  if (Agent.ChunkFailedId != 0 && Agent.ChunkFailedId == Call->request_id) {
    code = Agent.ChunkFailedCode;
    reason = Agent.ChunkFailedText;
    Agent.ChunkFailedId = 0;
  } else {
    code = WskaChunkFinish(&Agent.Chunks, Call, &result);
  }
  if (code != WSKA_E_OK) {
    FreeAssembly();
    while (reason[i] != '\0' && i + 1 < Size) {
      Text[i] = reason[i];
      i++;
    }
    Text[i] = '\0';
    return code;
  }
  Agent.ChunkReady = Agent.ChunkBuffer;
  Agent.ChunkReadySize = Agent.ChunkSize;
  Agent.ChunkBuffer = NULL;
  Agent.ChunkSize = 0;
  return WSKA_E_OK;
}

NTSTATUS AgentOpTakeChunked(PAGENT_OP Op, ULONG Offset) {
  if (Agent.ChunkReady == NULL || Offset != 0) {
    /* The adapter sends no OFFSET with chunks; keep the rule simple. */
    return STATUS_INVALID_PARAMETER;
  }
  Op->Buffer = Agent.ChunkReady;
  Op->BufferSize = Agent.ChunkReadySize;
  Op->Chunked = TRUE;
  Agent.ChunkReady = NULL;
  Agent.ChunkReadySize = 0;
  Op->Mdl = IoAllocateMdl(Op->Buffer, (ULONG)Op->BufferSize, FALSE, FALSE,
                          NULL);
  if (Op->Mdl == NULL) return STATUS_INSUFFICIENT_RESOURCES;
  MmBuildMdlForNonPagedPool(Op->Mdl);
  Op->WskBuf.Mdl = Op->Mdl;
  Op->WskBuf.Offset = 0;
  Op->WskBuf.Length = Op->BufferSize;
  return STATUS_SUCCESS;
}

VOID AgentDropChunks(VOID) {
  FreeAssembly();
  if (Agent.ChunkReady != NULL) {
    AgentFreeChunked(Agent.ChunkReady, Agent.ChunkReadySize);
  }
  Agent.ChunkReady = NULL;
  Agent.ChunkReadySize = 0;
  Agent.ChunkFailedId = 0;
}
