/* One message from the relay: decode and check it (a refused message is
 * answered with ERROR and its reason, never acted on), do the handshake,
 * run the call, and queue its RETURN. Also the shutdown that leaves the
 * provider as the agent found it. PASSIVE_LEVEL. */
#include "agent.h"

/* How long a shutdown waits for the provider to complete the closes it
 * sent before it gives up deregistering (WskDeregister would wait forever
 * for a socket whose close never completes). */
#define AGENT_SHUTDOWN_CLOSE_TIMEOUT_MS 2000

static const char *Describe(ULONG Code) {
  switch (Code) {
    case WSKA_E_BAD_HANDLE:
      return "no live socket, registration or handle has that id";
    case WSKA_E_BAD_STATE:
      return "not possible now: no HELLO yet, no captured provider NPI, or "
             "the socket's category or the provider's table lacks the "
             "function";
    case WSKA_E_NO_RESOURCES:
      return "agent out of memory or table slots, or a buffer would take "
             "its chunked pool over the limit of 128 MiB "
             "(AGENT_CHUNKED_LIMIT)";
    case WSKA_E_BAD_VALUE: return "an argument is out of the agent's bounds";
    default: return WskaErrorName(Code);
  }
}

/* "<function>: <description>" into Out. */
static VOID Explain(char *Out, SIZE_T Size, ULONG Function, ULONG Code) {
  const char *parts[3] = {WskaFunctionName(Function), ": ", Describe(Code)};
  SIZE_T used = 0, p;
  for (p = 0; p < 3; ++p) {
    const char *s = parts[p];
    while (*s != '\0' && used + 1 < Size) Out[used++] = *s++;
  }
  Out[used] = '\0';
}

/* Agrees on the highest version both sides speak. */
static VOID Hello(const WSKA_MESSAGE *Call) {
  static const char kAgent[] =
      "wskconf agent, protocol versions 1 to 5, mingw-w64 build";
  WSKA_MESSAGE reply;
  ULONG version = Call->version_max < WSKA_PROTOCOL_VERSION
                      ? Call->version_max
                      : WSKA_PROTOCOL_VERSION;
  if (version < Call->version_min || version < WSKA_PROTOCOL_VERSION_MIN) {
    AgentPostError(Call->request_id, WSKA_E_BAD_VERSION,
                   "the agent speaks protocol versions 1 to 5 only");
    return;
  }
  Agent.Greeted = TRUE;
  Agent.Version = version;
  WskaInit(&reply, WSKA_MSG_HELLO_REPLY, Call->request_id);
  reply.protocol_version = version;
  reply.max_payload = WSKA_MAX_PAYLOAD;
  reply.text.data = (const uint8_t *)kAgent;
  reply.text.size = sizeof(kAgent) - 1;
  WskaSet(&reply, WSKA_TAG_VERSION);
  WskaSet(&reply, WSKA_TAG_MAX_PAYLOAD);
  WskaSet(&reply, WSKA_TAG_TEXT);
  AgentPost(&reply);
}

static ULONG RunCall(const WSKA_MESSAGE *Call, WSKA_MESSAGE *Return,
                     PAGENT_OP *Op) {
  *Op = NULL;
  switch (Call->function) {
    case WSKA_FN_SET_ANSWER:
      Return->status = AgentSetAnswer(Call);
      return Return->status == STATUS_INVALID_HANDLE ? WSKA_E_BAD_HANDLE
                                                     : WSKA_E_OK;
    case WSKA_FN_CANCEL:
      AgentCancelOp(Call->target, Return);
      return WSKA_E_OK;
    case WSKA_FN_SHUTDOWN:
      AgentShutdown(Return);
      return WSKA_E_OK;
  }
  if (Call->function <= WSKA_FN_GET_NAME_INFO) {
    return AgentClientCall(Call, Return, Op);
  }
  return AgentSocketCall(Call, Return, Op);
}

VOID AgentHandleMessage(const UCHAR *Bytes, SIZE_T Size) {
  WSKA_MESSAGE call, ret;
  WSKA_RESULT result;
  PAGENT_OP op;
  ULONG code = WskaDecode(Bytes, Size, &call, &result);
  char text[160];
  if (code != WSKA_E_OK) {
    AgentPostError(call.request_id, code, result.text);
    return;
  }
  if (call.type == WSKA_MSG_HELLO) {
    Hello(&call);
    return;
  }
  if (call.type != WSKA_MSG_CALL && call.type != WSKA_MSG_CHUNK) {
    AgentPostError(call.request_id, WSKA_E_UNKNOWN_TYPE,
                   "the agent takes HELLO, CHUNK and CALL messages only");
    return;
  }
  if (!Agent.Greeted) {
    AgentPostError(call.request_id, WSKA_E_BAD_STATE,
                   "send HELLO before the first CALL");
    return;
  }
  if (call.version != Agent.Version) {
    AgentPostError(call.request_id, WSKA_E_BAD_VERSION,
                   "header: protocol version differs from the one agreed "
                   "in HELLO");
    return;
  }
  if (call.type == WSKA_MSG_CHUNK) {
    AgentHandleChunk(&call);
    return;
  }
  if (WskaHas(&call, WSKA_TAG_CHUNKED)) {
    code = AgentFinishChunks(&call, text, sizeof(text));
    if (code != WSKA_E_OK) {
      AgentPostError(call.request_id, code, text);
      return;
    }
  }
  WskaInit(&ret, WSKA_MSG_RETURN, call.request_id);
  ret.function = call.function;
  WskaSet(&ret, WSKA_TAG_FUNCTION);
  Agent.CallOwner = WskaHas(&call, WSKA_TAG_REGISTRATION)
                        ? call.registration
                        : AgentSocketOwner(call.socket);
  code = RunCall(&call, &ret, &op);
  Agent.CallOwner = 0;
  AgentDropChunks(); /* a ready buffer the call did not take */
  if (code == AGENT_RETURN_LATER) return; /* a worker answers */
  if (code != WSKA_E_OK) {
    Explain(text, sizeof(text), call.function, code);
    AgentPostError(call.request_id, code, text);
    return;
  }
  ret.time = AgentNow();
  WskaSet(&ret, WSKA_TAG_TIME);
  WskaSet(&ret, WSKA_TAG_STATUS);
  if (op != NULL) {
    AgentOpReturned(op, &ret);
  } else {
    AgentPost(&ret);
  }
}

/* ---- Shutdown. ---- */

static VOID CancelAllOps(VOID) {
  for (;;) { /* one at a time: IoCancelIrp may complete and free the op */
    KIRQL irql;
    PLIST_ENTRY entry;
    PAGENT_OP found = NULL;
    KeAcquireSpinLock(&Agent.Lock, &irql);
    for (entry = Agent.Ops.Flink; entry != &Agent.Ops; entry = entry->Flink) {
      PAGENT_OP op = CONTAINING_RECORD(entry, AGENT_OP, Link);
      if (op->Irp != NULL && op->References > 0 && !op->CancelSent) {
        op->CancelSent = TRUE;
        InterlockedIncrement(&op->References);
        found = op;
        break;
      }
    }
    KeReleaseSpinLock(&Agent.Lock, irql);
    if (found == NULL) return;
    IoCancelIrp(found->Irp);
    AgentOpRelease(found);
  }
}

/* Sends WskCloseSocket for every live socket; returns how many. */
static ULONG CloseAllSockets(VOID) {
  ULONG i, count = 0;
  for (i = 0; i < AGENT_MAX_SOCKETS; ++i) {
    PAGENT_SOCKET s = &Agent.Sockets[i];
    WSKA_MESSAGE call, ret;
    PAGENT_OP op;
    if (s->State != AgentSlotLive) continue;
    WskaInit(&call, WSKA_MSG_CALL, 0);
    call.function = WSKA_FN_CLOSE_SOCKET;
    call.socket = s->Id;
    WskaInit(&ret, WSKA_MSG_RETURN, 0);
    if (AgentSocketCall(&call, &ret, &op) == WSKA_E_OK && op != NULL) {
      AgentOpRelease(op); /* nobody asked: no RETURN */
      count++;
    }
  }
  return count;
}

/* Frees address-info results and gives retained indications back. */
static VOID ReleaseHandles(VOID) {
  ULONG i;
  for (i = 0; i < AGENT_MAX_HANDLES; ++i) {
    AGENT_HANDLE h = Agent.Handles[i];
    if (h.Kind == AgentHandleFree) continue;
    if (h.Kind == AgentHandleAddressInfo) {
      PVOID info = AgentTakeHandle(h.Id, h.Kind, h.Owner);
      PAGENT_REGISTRATION r = AgentFindRegistration(h.Owner);
      if (r != NULL && r->State == AgentRegistrationLive && r->Captures > 0 &&
          info != NULL) {
        r->ProviderNpi.Dispatch->WskFreeAddressInfo(r->ProviderNpi.Client,
                                                    info);
      }
    } else {
      WSKA_MESSAGE call, ret;
      PAGENT_OP unused;
      WskaInit(&call, WSKA_MSG_CALL, 0);
      call.function = WSKA_FN_RELEASE;
      call.socket = h.Owner;
      call.indication = h.Id;
      if (AgentSocketCall(&call, &ret, &unused) != WSKA_E_OK) {
        AgentTakeHandle(h.Id, h.Kind, h.Owner); /* its socket is gone */
      }
    }
  }
}

/* Gives back every capture the provider granted on a taken slot, whatever
 * its state: a WskDeregister blocked on a worker returns once they are. */
static VOID ReleaseAllCaptures(VOID) {
  ULONG i;
  for (i = 0; i < AGENT_MAX_REGISTRATIONS; ++i) {
    PAGENT_REGISTRATION r = &Agent.Registrations[i];
    if (r->Id == 0 || r->State == AgentRegistrationFree) continue;
    while (r->Captures > 0) {
      WskReleaseProviderNPI(&r->Registration);
      InterlockedDecrement(&r->Captures);
    }
  }
}

/* Deregisters and frees every registration slot it can: not one a worker
 * is still inside the provider with, nor a live one that still has a socket
 * (its close or creation never completed), which WskDeregister would wait
 * for forever. Such slots are looked at again at the next shutdown: once
 * the provider completed what was missing, they are reclaimed then.
 * Returns how many it deregistered. */
static ULONG FreeRegistrations(VOID) {
  ULONG i, deregistered = 0;
  for (i = 0; i < AGENT_MAX_REGISTRATIONS; ++i) {
    PAGENT_REGISTRATION r = &Agent.Registrations[i];
    if (r->Id == 0 || r->Workers > 0) continue;
    if (r->State == AgentRegistrationLive) {
      if (AgentMaySocketsRemain(r->Id)) continue;
      WskDeregister(&r->Registration);
      deregistered++;
    }
    r->State = AgentRegistrationFree;
    r->Id = 0;
  }
  return deregistered;
}

VOID AgentShutdown(WSKA_MESSAGE *Return) {
  LARGE_INTEGER timeout;
  ULONG closes, deregistered;
  NTSTATUS waited;
  CancelAllOps();
  ReleaseHandles();
  /* Waits for the closes sent here only: sockets earlier shutdowns could
   * not close would cost every later one the whole timeout. */
  AgentTargetSocketsNotLive();
  closes = CloseAllSockets();
  timeout.QuadPart = -10000LL * AGENT_SHUTDOWN_CLOSE_TIMEOUT_MS;
  waited = KeWaitForSingleObject(&Agent.SocketsAtTarget, Executive,
                                 KernelMode, FALSE, &timeout);
  ReleaseAllCaptures();
  AgentWaitWorkers(AGENT_SHUTDOWN_CLOSE_TIMEOUT_MS);
  deregistered = FreeRegistrations();
  Return->status = waited == STATUS_SUCCESS ? STATUS_SUCCESS : STATUS_TIMEOUT;
  Return->information = ((ULONGLONG)closes << 32) | deregistered;
  WskaSet(Return, WSKA_TAG_INFORMATION);
}
