/* The agent's tables: sockets, registrations and other handles, each named
 * on the wire by an id the agent hands out (never a pointer), and the
 * callback answers the runner presets. Fixed-size arrays in the driver's
 * nonpaged data, so an accept callback at DISPATCH_LEVEL can take a slot
 * without allocating. Every lookup runs under Agent.Lock. */
#include "agent.h"

AGENT_STATE Agent;

VOID AgentInitializeObjects(VOID) {
  ULONG event;
  Agent.NextId = 1;
  Agent.SocketsTarget = 0;
  KeInitializeEvent(&Agent.SocketsAtTarget, NotificationEvent, TRUE);
  for (event = 0; event < WSKA_EV_LIMIT; ++event) {
    Agent.DefaultAnswers[event].Status = STATUS_SUCCESS;
  }
  Agent.DefaultAnswers[WSKA_EV_INSPECT].Status = WskInspectAccept;
}

/* Ids are never reused while the agent runs: a stale id finds nothing. */
static ULONG NewIdLocked(VOID) {
  ULONG id = Agent.NextId++;
  if (Agent.NextId == 0) Agent.NextId = 1;
  return id;
}

PAGENT_SOCKET AgentReserveSocket(ULONG Flags, ULONG DispatchMask) {
  return AgentReserveOwnedSocket(Flags, DispatchMask, Agent.CallOwner);
}

PAGENT_SOCKET AgentReserveOwnedSocket(ULONG Flags, ULONG DispatchMask,
                                      ULONG Owner) {
  KIRQL irql;
  PAGENT_SOCKET found = NULL;
  ULONG i;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_SOCKETS; ++i) {
    PAGENT_SOCKET s = &Agent.Sockets[i];
    if (s->State != AgentSlotFree) continue;
    RtlZeroMemory(s, sizeof(*s));
    s->Id = NewIdLocked();
    s->State = AgentSlotReserved;
    s->Flags = Flags;
    s->Owner = Owner;
    RtlCopyMemory(s->Answers, Agent.DefaultAnswers, sizeof(s->Answers));
    if (++Agent.SocketsInUse > Agent.SocketsTarget) {
      KeClearEvent(&Agent.SocketsAtTarget);
    }
    found = s;
    break;
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  if (found != NULL) AgentSetDispatch(found, DispatchMask);
  return found;
}

VOID AgentFreeSocket(PAGENT_SOCKET Socket) {
  KIRQL irql;
  if (Socket == NULL) return;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  if (Socket->State != AgentSlotFree &&
      --Agent.SocketsInUse <= Agent.SocketsTarget) {
    KeSetEvent(&Agent.SocketsAtTarget, IO_NO_INCREMENT, FALSE);
  }
  Socket->State = AgentSlotFree;
  Socket->Id = 0;
  Socket->Owner = 0;
  Socket->Socket = NULL;
  KeReleaseSpinLock(&Agent.Lock, irql);
}

VOID AgentTargetSocketsNotLive(VOID) {
  KIRQL irql;
  ULONG target = 0, i;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_SOCKETS; ++i) {
    AGENT_SLOT_STATE state = Agent.Sockets[i].State;
    if (state != AgentSlotFree && state != AgentSlotLive) target++;
  }
  Agent.SocketsTarget = target;
  if (Agent.SocketsInUse <= target) {
    KeSetEvent(&Agent.SocketsAtTarget, IO_NO_INCREMENT, FALSE);
  } else {
    KeClearEvent(&Agent.SocketsAtTarget);
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
}

ULONG AgentSocketOwner(ULONG Id) {
  KIRQL irql;
  ULONG owner = 0, i;
  if (Id == 0) return 0;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_SOCKETS; ++i) {
    if (Agent.Sockets[i].Id == Id &&
        Agent.Sockets[i].State != AgentSlotFree) {
      owner = Agent.Sockets[i].Owner;
    }
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  return owner;
}

BOOLEAN AgentMaySocketsRemain(ULONG Registration) {
  KIRQL irql;
  BOOLEAN remain = FALSE;
  ULONG i;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_SOCKETS && !remain; ++i) {
    const AGENT_SOCKET *s = &Agent.Sockets[i];
    remain = s->State != AgentSlotFree &&
             (s->Owner == Registration || s->Owner == 0);
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  return remain;
}

VOID AgentCountLeftovers(WSKA_LEFTOVERS *Out) {
  KIRQL irql;
  ULONG i;
  RtlZeroMemory(Out, sizeof(*Out));
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_REGISTRATIONS; ++i) {
    if (Agent.Registrations[i].Id != 0) Out->registrations++;
  }
  for (i = 0; i < AGENT_MAX_HANDLES; ++i) {
    if (Agent.Handles[i].Kind != AgentHandleFree) Out->handles++;
  }
  Out->sockets = Agent.SocketsInUse;
  Out->workers = Agent.WorkersRunning;
  KeReleaseSpinLock(&Agent.Lock, irql);
  Out->max_registrations = AGENT_MAX_REGISTRATIONS;
  Out->max_sockets = AGENT_MAX_SOCKETS;
  Out->max_handles = AGENT_MAX_HANDLES;
  Out->max_workers = AGENT_MAX_WORKERS;
}

PAGENT_SOCKET AgentFindSocket(ULONG Id) {
  KIRQL irql;
  PAGENT_SOCKET found = NULL;
  ULONG i;
  if (Id == 0) return NULL;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_SOCKETS; ++i) {
    if (Agent.Sockets[i].Id == Id &&
        Agent.Sockets[i].State == AgentSlotLive) {
      found = &Agent.Sockets[i];
      break;
    }
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  return found;
}

PAGENT_REGISTRATION AgentNewRegistration(VOID) {
  KIRQL irql;
  PAGENT_REGISTRATION found = NULL;
  ULONG i;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_REGISTRATIONS; ++i) {
    PAGENT_REGISTRATION r = &Agent.Registrations[i];
    if (r->Id != 0) continue;
    RtlZeroMemory(r, sizeof(*r));
    r->Id = NewIdLocked();
    found = r;
    break;
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  return found;
}

PAGENT_REGISTRATION AgentFindRegistration(ULONG Id) {
  KIRQL irql;
  PAGENT_REGISTRATION found = NULL;
  ULONG i;
  if (Id == 0) return NULL;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_REGISTRATIONS; ++i) {
    if (Agent.Registrations[i].Id == Id) found = &Agent.Registrations[i];
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  return found;
}

ULONG AgentNewHandle(AGENT_HANDLE_KIND Kind, PVOID Object, ULONG Owner) {
  KIRQL irql;
  ULONG id = 0, i;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_HANDLES; ++i) {
    AGENT_HANDLE *h = &Agent.Handles[i];
    if (h->Kind != AgentHandleFree) continue;
    h->Id = id = NewIdLocked();
    h->Kind = Kind;
    h->Object = Object;
    h->Owner = Owner;
    break;
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  return id;
}

/* Removes handle Id of Kind belonging to Owner and returns its object. */
PVOID AgentTakeHandle(ULONG Id, AGENT_HANDLE_KIND Kind, ULONG Owner) {
  KIRQL irql;
  PVOID object = NULL;
  ULONG i;
  if (Id == 0) return NULL;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  for (i = 0; i < AGENT_MAX_HANDLES; ++i) {
    AGENT_HANDLE *h = &Agent.Handles[i];
    if (h->Id != Id || h->Kind != Kind || h->Owner != Owner) continue;
    object = h->Object;
    RtlZeroMemory(h, sizeof(*h));
    break;
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  return object;
}

AGENT_ANSWER AgentAnswerOf(PAGENT_SOCKET Socket, ULONG Event) {
  KIRQL irql;
  AGENT_ANSWER answer;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  answer = Socket != NULL ? Socket->Answers[Event] : Agent.DefaultAnswers[Event];
  KeReleaseSpinLock(&Agent.Lock, irql);
  return answer;
}

VOID AgentApplyAnswers(AGENT_ANSWER *Answers, const WSKA_BLOB *Records) {
  WSKA_ANSWER a;
  uint32_t i;
  for (i = 0; WskaAnswerAt(Records, i, &a); ++i) {
    Answers[a.event].Status = a.answer;
    Answers[a.event].Length = a.length;
    Answers[a.event].DispatchMask = a.dispatch_mask;
  }
}

VOID AgentPresetAnswers(PAGENT_SOCKET Socket, const WSKA_MESSAGE *Call) {
  KIRQL irql;
  if (Socket == NULL || !WskaHas(Call, WSKA_TAG_ANSWERS)) return;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  AgentApplyAnswers(Socket->Answers, &Call->answers);
  KeReleaseSpinLock(&Agent.Lock, irql);
}

/* WSKA_FN_SET_ANSWER: SOCKET 0 sets the default for sockets made later.
 * With ANSWERS (accept event only), also what the sockets that listening
 * socket's accept callback takes start with. */
NTSTATUS AgentSetAnswer(const WSKA_MESSAGE *Call) {
  KIRQL irql;
  PAGENT_SOCKET socket = NULL;
  AGENT_ANSWER answer;
  if (Call->socket != 0) {
    socket = AgentFindSocket(Call->socket);
    if (socket == NULL) return STATUS_INVALID_HANDLE;
  }
  if (socket == NULL && WskaHas(Call, WSKA_TAG_ANSWERS)) {
    return STATUS_INVALID_PARAMETER; /* no listening socket named */
  }
  answer.Status = Call->answer;
  answer.Length = WskaHas(Call, WSKA_TAG_LENGTH) ? Call->length : 0;
  answer.DispatchMask =
      WskaHas(Call, WSKA_TAG_DISPATCH_MASK) ? Call->dispatch_mask : 0;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  if (socket != NULL) {
    socket->Answers[Call->event] = answer;
    if (WskaHas(Call, WSKA_TAG_ANSWERS)) {
      RtlCopyMemory(socket->AcceptedAnswers, Agent.DefaultAnswers,
                    sizeof(socket->AcceptedAnswers));
      AgentApplyAnswers(socket->AcceptedAnswers, &Call->answers);
      socket->HasAcceptedAnswers = TRUE;
    }
  } else {
    Agent.DefaultAnswers[Call->event] = answer;
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  return STATUS_SUCCESS;
}
