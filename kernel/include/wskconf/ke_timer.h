/* Deferred procedure calls and kernel timers. DPCs run one at a time, in
 * queue order, at DISPATCH_LEVEL on the runtime's DPC thread; timers are
 * dispatcher objects (waitable) that can also queue a DPC when they expire.
 * Included by <wskconf/ke.h>. */
#ifndef WSKCONF_KE_TIMER_H_
#define WSKCONF_KE_TIMER_H_

#include <ntdef.h>
#include <wskconf/ke.h> /* the whole surface, whichever header comes first */

EXTERN_C_START

struct _KDPC;
typedef VOID KDEFERRED_ROUTINE(struct _KDPC *Dpc, PVOID DeferredContext,
                               PVOID SystemArgument1, PVOID SystemArgument2);
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;

/* x64 layout (64 bytes). DpcData is non-NULL while the DPC is queued. */
typedef struct _KDPC {
  UCHAR Type;
  UCHAR Importance;
  volatile USHORT Number;
  SINGLE_LIST_ENTRY DpcListEntry;
  KAFFINITY ProcessorHistory;
  PKDEFERRED_ROUTINE DeferredRoutine;
  PVOID DeferredContext;
  PVOID SystemArgument1;
  PVOID SystemArgument2;
  PVOID volatile DpcData;
} KDPC, *PKDPC, *PRKDPC;

typedef enum _KDPC_IMPORTANCE {
  LowImportance,
  MediumImportance,
  HighImportance,
  MediumHighImportance
} KDPC_IMPORTANCE;

/* Sets up Dpc to call DeferredRoutine(Dpc, DeferredContext, arg1, arg2).
 * Any IRQL. */
NTKERNELAPI VOID KeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine,
                                 PVOID DeferredContext);

/* Queues Dpc with the two arguments; FALSE (and nothing changes) when it is
 * already queued. Any IRQL. */
NTKERNELAPI BOOLEAN KeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1,
                                     PVOID SystemArgument2);

/* Takes Dpc off the queue; TRUE when it was queued (it will not run).
 * Any IRQL. */
NTKERNELAPI BOOLEAN KeRemoveQueueDpc(PRKDPC Dpc);

/* Returns once every DPC queued before the call has run. PASSIVE_LEVEL. */
NTKERNELAPI VOID KeFlushQueuedDpcs(VOID);

/* Accepted and ignored: there is one DPC queue. */
NTKERNELAPI VOID KeSetImportanceDpc(PRKDPC Dpc, KDPC_IMPORTANCE Importance);
NTKERNELAPI VOID KeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number);

typedef enum _TIMER_TYPE { NotificationTimer, SynchronizationTimer } TIMER_TYPE;

/* x64 layout (64 bytes). */
typedef struct _KTIMER {
  DISPATCHER_HEADER Header; /* Type 8 (notification) or 9 (synchronization) */
  ULARGE_INTEGER DueTime;
  LIST_ENTRY TimerListEntry;
  struct _KDPC *Dpc;
  ULONG Processor;
  ULONG Period;
} KTIMER, *PKTIMER, *PRKTIMER;

/* A notification timer / a timer of Type, not set and not signalled.
 * Any IRQL. */
NTKERNELAPI VOID KeInitializeTimer(PKTIMER Timer);
NTKERNELAPI VOID KeInitializeTimerEx(PKTIMER Timer, TIMER_TYPE Type);

/* Sets Timer to expire at DueTime (negative: relative, 100 ns units;
 * positive: absolute system time) and then every Period milliseconds
 * (0: once). Setting resets the timer to not signalled. On expiry the timer
 * is signalled (a synchronization timer releases one waiter) and Dpc, if
 * not NULL, is queued with the low and high halves of the expiry system
 * time as arguments. Returns TRUE when the timer was already set (that
 * setting is replaced). IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI BOOLEAN KeSetTimer(PKTIMER Timer, LARGE_INTEGER DueTime,
                               PKDPC Dpc);
NTKERNELAPI BOOLEAN KeSetTimerEx(PKTIMER Timer, LARGE_INTEGER DueTime,
                                 LONG Period, PKDPC Dpc);

/* Cancels a set timer; TRUE when it was set. After it returns the timer
 * neither fires nor queues its DPC (a DPC queued before may still run:
 * KeRemoveQueueDpc or KeFlushQueuedDpcs). IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI BOOLEAN KeCancelTimer(PKTIMER Timer);

/* TRUE when the timer is signalled. */
NTKERNELAPI BOOLEAN KeReadStateTimer(PKTIMER Timer);

EXTERN_C_END

#endif /* WSKCONF_KE_TIMER_H_ */
