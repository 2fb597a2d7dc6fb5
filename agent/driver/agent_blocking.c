/* Calls the provider may block in run on a system thread each: the relay
 * submits one request at a time and waits for the agent to take it, so a
 * WskDeregister that waits for a capture to be released must not run on
 * the submitting thread, or the WskReleaseProviderNPI that would let it
 * return could never be submitted. The worker posts the call's RETURN
 * when the provider returns; until then its registration slot stays taken
 * (AGENT_REGISTRATION.Workers), so the block the provider works on is
 * never reused. PASSIVE_LEVEL. */
#include "agent.h"

typedef struct _AGENT_WORK {
  ULONG RequestId;
  ULONG Function;
  ULONG Timeout;
  LONG Generation; /* Agent.Generation when the call came */
  PAGENT_REGISTRATION Registration;
} AGENT_WORK;

VOID AgentInitializeWorkers(VOID) {
  KeInitializeEvent(&Agent.AllWorkersDone, NotificationEvent, TRUE);
}

BOOLEAN AgentMayBlock(const WSKA_MESSAGE *Call) {
  return Call->function == WSKA_FN_DEREGISTER ||
         (Call->function == WSKA_FN_CAPTURE_PROVIDER_NPI &&
          Call->timeout != WSK_NO_WAIT);
}

static VOID WorkerEnded(VOID) {
  KIRQL irql;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  if (--Agent.WorkersRunning == 0) {
    KeSetEvent(&Agent.AllWorkersDone, IO_NO_INCREMENT, FALSE);
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
}

/* Queues the RETURN unless the connection it answers has been reset. */
static VOID PostForGeneration(const WSKA_MESSAGE *Return, LONG Generation) {
  PAGENT_BLOCK block = AgentEncode(Return);
  KIRQL irql;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  if (Agent.Generation == Generation) {
    AgentEnqueueLocked(block);
    block = NULL;
  }
  KeReleaseSpinLock(&Agent.Lock, irql);
  if (block != NULL) ExFreePoolWithTag(block, AGENT_TAG);
  AgentDeliver();
}

static VOID NTAPI Worker(PVOID Context) {
  AGENT_WORK *work = Context;
  WSKA_MESSAGE ret;
  WskaInit(&ret, WSKA_MSG_RETURN, work->RequestId);
  ret.function = work->Function;
  WskaSet(&ret, WSKA_TAG_FUNCTION);
  AgentRegistrationCall(work->Registration, work->Function, work->Timeout,
                        &ret);
  ret.time = AgentNow();
  WskaSet(&ret, WSKA_TAG_TIME);
  WskaSet(&ret, WSKA_TAG_STATUS);
  PostForGeneration(&ret, work->Generation);
  InterlockedDecrement(&work->Registration->Workers);
  ExFreePoolWithTag(work, AGENT_TAG);
  WorkerEnded();
  PsTerminateSystemThread(STATUS_SUCCESS);
}

ULONG AgentStartBlocking(const WSKA_MESSAGE *Call, PAGENT_REGISTRATION R) {
  AGENT_WORK *work;
  HANDLE thread;
  KIRQL irql;
  NTSTATUS status;
  BOOLEAN room;
  KeAcquireSpinLock(&Agent.Lock, &irql);
  room = Agent.WorkersRunning < AGENT_MAX_WORKERS;
  if (room && Agent.WorkersRunning++ == 0) KeClearEvent(&Agent.AllWorkersDone);
  KeReleaseSpinLock(&Agent.Lock, irql);
  if (!room) return WSKA_E_NO_RESOURCES;
  work = ExAllocatePoolWithTag(NonPagedPool, sizeof(*work), AGENT_TAG);
  if (work == NULL) {
    WorkerEnded();
    return WSKA_E_NO_RESOURCES;
  }
  work->RequestId = Call->request_id;
  work->Function = Call->function;
  work->Timeout = WskaHas(Call, WSKA_TAG_TIMEOUT) ? Call->timeout : 0;
  work->Generation = Agent.Generation;
  work->Registration = R;
  InterlockedIncrement(&R->Workers);
  if (Call->function == WSKA_FN_DEREGISTER) {
    R->State = AgentRegistrationDeregistering;
  }
  status = PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, NULL, NULL, NULL,
                                Worker, work);
  if (!NT_SUCCESS(status)) {
    if (Call->function == WSKA_FN_DEREGISTER) {
      R->State = AgentRegistrationLive;
    }
    InterlockedDecrement(&R->Workers);
    ExFreePoolWithTag(work, AGENT_TAG);
    WorkerEnded();
    return WSKA_E_NO_RESOURCES;
  }
  ZwClose(thread); /* the thread ends by itself */
  return AGENT_RETURN_LATER;
}

NTSTATUS AgentWaitWorkers(ULONG Milliseconds) {
  LARGE_INTEGER timeout;
  timeout.QuadPart = -10000LL * Milliseconds;
  return KeWaitForSingleObject(&Agent.AllWorkersDone, Executive, KernelMode,
                               FALSE, &timeout);
}
