/* The kernel verifier's rules: one X-macro row each, WSKCONF_RULE(Enum, "id",
 * "summary"). The id is also the id of a client-side clause in spec/ (checked
 * by `wskconf spec lint`), so it is stable and never reused. */
#ifndef WSKCONF_VERIFIER_RULES_H_
#define WSKCONF_VERIFIER_RULES_H_

#define WSKCONF_VERIFIER_RULES(WSKCONF_RULE)                                   \
  WSKCONF_RULE(IrpCompletedTwice, "Irp.CompletedTwice",                        \
               "an IRP was completed again before being reused")              \
  WSKCONF_RULE(IrpCompletedAfterFree, "Irp.CompletedAfterFree",                \
               "an IRP was completed after IoFreeIrp")                         \
  WSKCONF_RULE(IrpSentAfterFree, "Irp.SentAfterFree",                          \
               "an IRP was passed to a driver or provider after IoFreeIrp")    \
  WSKCONF_RULE(IrpFreedTwice, "Irp.FreedTwice",                                \
               "IoFreeIrp was called on an IRP already freed")                 \
  WSKCONF_RULE(IrpFreedWhilePending, "Irp.FreedWhilePending",                  \
               "IoFreeIrp was called on an IRP sent and not yet completed")    \
  WSKCONF_RULE(IrpNoStackLocation, "Irp.NoStackLocation",                      \
               "an IRP was sent, or a completion routine set, with no I/O "    \
               "stack location left")                                          \
  WSKCONF_RULE(IrpCompletionMustReturnMoreProcessing,                          \
               "Irp.CallerAllocatedCompletionReturnsMoreProcessing",           \
               "the completion routine of a caller-allocated IRP returned "    \
               "something other than STATUS_MORE_PROCESSING_REQUIRED")         \
  WSKCONF_RULE(IrqlWaitAtDispatch, "Irql.WaitAtDispatch",                      \
               "a wait with a non-zero timeout was made at DISPATCH_LEVEL")    \
  WSKCONF_RULE(IrqlPassiveOnlyCall, "Irql.PassiveOnlyCallAtRaisedIrql",        \
               "a routine callable only at PASSIVE_LEVEL was called at a "     \
               "raised IRQL")                                                  \
  WSKCONF_RULE(IrqlInvalidLower, "Irql.InvalidRaiseOrLower",                   \
               "KeLowerIrql to a higher IRQL, or KeRaiseIrql to a lower one")  \
  WSKCONF_RULE(PoolFreedTwice, "Pool.FreedTwice",                              \
               "pool memory was freed twice")                                  \
  WSKCONF_RULE(PoolWrongTag, "Pool.FreedWithWrongTag",                         \
               "pool memory was freed with a tag other than its own")          \
  WSKCONF_RULE(PoolFreeUnknown, "Pool.FreedUnknownPointer",                    \
               "a pointer that is not a pool allocation was freed")            \
  WSKCONF_RULE(LeakPool, "Leak.Pool",                                          \
               "pool memory was still allocated when the test ended")          \
  WSKCONF_RULE(LeakIrp, "Leak.Irp", "an IRP was still allocated when the "     \
               "test ended")                                                   \
  WSKCONF_RULE(LeakMdl, "Leak.Mdl", "an MDL was still allocated when the "     \
               "test ended")                                                   \
  WSKCONF_RULE(MdlLockImbalance, "Mdl.LockImbalance",                          \
               "MmUnlockPages without MmProbeAndLockPages, a second lock, or " \
               "IoFreeMdl of locked pages")                                    \
  WSKCONF_RULE(NullArgument, "Kernel.NullArgument",                            \
               "a kernel routine that requires a pointer was passed NULL")    \
  WSKCONF_RULE(IrpCancelLockNotReleased, "Irp.CancelLockNotReleased",          \
               "a cancel routine returned without releasing the cancel spin "  \
               "lock")                                                         \
  WSKCONF_RULE(MdlUsedAfterFree, "Mdl.UsedAfterFree",                          \
               "an MDL was used or freed again after IoFreeMdl")              \
  WSKCONF_RULE(MdlProbeInvalidAddress, "Mdl.ProbeInvalidAddress",              \
               "MmProbeAndLockPages was given an address range that is not "   \
               "mapped (Windows raises STATUS_ACCESS_VIOLATION)")              \
  WSKCONF_RULE(SpinLockReleasedNotHeld, "SpinLock.ReleasedNotHeld",            \
               "a spin lock was released that the calling thread does not "    \
               "hold")                                                         \
  WSKCONF_RULE(SpinLockAcquiredRecursively, "SpinLock.AcquiredRecursively",    \
               "a thread acquired a spin lock it already holds (it deadlocks, " \
               "as on Windows)")                                               \
  WSKCONF_RULE(WorkItemQueuedTwice, "WorkItem.QueuedTwice",                    \
               "a work item was queued again before its routine started")      \
  WSKCONF_RULE(WorkItemFreedWhileQueued, "WorkItem.FreedWhileQueued",          \
               "IoFreeWorkItem was called on a work item still queued")        \
  WSKCONF_RULE(WorkItemNotAllocated, "WorkItem.NotAllocated",                  \
               "a work item routine was given a pointer that is not a live "   \
               "work item from IoAllocateWorkItem")                            \
  WSKCONF_RULE(ObjectDereferencedTooOften, "Object.DereferencedTooOften",      \
               "an object was dereferenced (or referenced) after its last "    \
               "reference was released")                                       \
  WSKCONF_RULE(EventSetWaitNotFollowedByWait,                                  \
               "Event.SetWithWaitNotFollowedByWait",                           \
               "KeSetEvent with Wait TRUE was not followed at once by a "      \
               "KeWaitXxx call on the same thread")                            \
  WSKCONF_RULE(MutexReleasedNotOwned, "Mutex.ReleasedNotOwned",                \
               "a mutex or fast mutex was released by a thread that does not " \
               "own it")                                                       \
  WSKCONF_RULE(MutexAcquiredRecursively, "Mutex.FastMutexAcquiredRecursively", \
               "a thread acquired a fast mutex it already owns (it deadlocks, " \
               "as on Windows)")                                               \
  WSKCONF_RULE(SemaphoreLimitExceeded, "Semaphore.LimitExceeded",              \
               "KeReleaseSemaphore would raise the count past the limit, or "  \
               "was given an adjustment that is not positive")                 \
  WSKCONF_RULE(RundownReleasedTooOften, "Rundown.ReleasedMoreThanAcquired",    \
               "run-down protection was released more often than acquired")    \
  WSKCONF_RULE(PoolInvalidType, "Pool.InvalidTypeOrFlags",                     \
               "a pool allocation named a POOL_TYPE or POOL_FLAGS value that " \
               "is reserved, unknown or contradictory")                        \
  WSKCONF_RULE(MdlPartialInvalid, "Mdl.PartialBuildInvalid",                   \
               "IoBuildPartialMdl was given a range outside the source MDL, "  \
               "a target MDL too small for it, or a source whose pages are "   \
               "not locked down")                                              \
  WSKCONF_RULE(KernelInvalidParameter, "Kernel.InvalidParameter",              \
               "a kernel routine was given parameter values its documentation " \
               "rules out")                                                    \
  WSKCONF_RULE(IrpPendingReturnedWithoutMark,                                  \
               "Irp.PendingReturnedWithoutMark",                               \
               "a dispatch routine returned STATUS_PENDING without calling "   \
               "IoMarkIrpPending")                                             \
  WSKCONF_RULE(IrpMarkedPendingButNotReturned,                                 \
               "Irp.MarkedPendingButNotReturned",                              \
               "a dispatch routine called IoMarkIrpPending and returned "      \
               "something other than STATUS_PENDING")                          \
  WSKCONF_RULE(IrpCompletedWithStatusPending, "Irp.CompletedWithStatusPending", \
               "IoCompleteRequest was called with IoStatus.Status "            \
               "STATUS_PENDING")                                               \
  WSKCONF_RULE(IrpCompletedWithCancelRoutine, "Irp.CompletedWithCancelRoutine", \
               "IoCompleteRequest was called on an IRP whose cancel routine "  \
               "is still set")                                                 \
  WSKCONF_RULE(IrpSentAgainWithoutReuse, "Irp.SentAgainWithoutReuse",          \
               "a completed IRP was sent again without IoReuseIrp")            \
  WSKCONF_RULE(IrpTouchedAfterHandOff, "Irp.TouchedAfterHandOff",              \
               "a dispatch routine used an IRP after passing it on with "      \
               "IoCallDriver or completing it")                                \
  WSKCONF_RULE(IrpPendingNotPropagated, "Irp.PendingReturnedNotPropagated",    \
               "a completion routine of a driver with a stack location saw "   \
               "PendingReturned and returned without IoMarkIrpPending")        \
  WSKCONF_RULE(DispatcherObjectNotInitialized,                                 \
               "Dispatcher.ObjectNotInitialized",                              \
               "an event, timer, mutex or semaphore was used that was never "  \
               "initialised")                                                  \
  WSKCONF_RULE(DispatcherObjectFreed, "Dispatcher.ObjectFreed",                \
               "an event, timer, mutex or semaphore was used (or its memory "  \
               "freed while waited on or set) after its memory was freed")     \
  WSKCONF_RULE(PoolWrittenAfterFree, "Pool.WrittenAfterFree",                  \
               "pool memory was written after it was freed")                   \
  WSKCONF_RULE(IrpWrittenAfterFree, "Irp.WrittenAfterFree",                    \
               "an IRP's memory was written after IoFreeIrp")                  \
  WSKCONF_RULE(WorkItemNotInitialized, "WorkItem.NotInitialized",              \
               "ExQueueWorkItem was given a WORK_QUEUE_ITEM that "             \
               "ExInitializeWorkItem did not prepare (NULL, or no routine)")   \
  WSKCONF_RULE(RemoveLockReleasedTooOften,                                     \
               "RemoveLock.ReleasedMoreThanAcquired",                          \
               "IoReleaseRemoveLock was called more often than "               \
               "IoAcquireRemoveLock succeeded")                                \
  WSKCONF_RULE(ClientCallIrpMissing, "ClientCall.IrpMissing",                  \
               "a WSK function, option, IOCTL or control code that requires "  \
               "an IRP was called with Irp NULL")                              \
  WSKCONF_RULE(ClientCallIrpNotAllowed, "ClientCall.IrpNotAllowed",            \
               "an option, IOCTL or control code that takes no IRP was "       \
               "called with one")                                              \
  WSKCONF_RULE(ClientCallReservedFlagsNotZero,                                 \
               "ClientCall.ReservedFlagsNotZero",                              \
               "a WSK function whose Flags argument is reserved was given "    \
               "non-zero Flags")                                               \
  WSKCONF_RULE(ClientCallAddressFamilyMismatch,                                \
               "ClientCall.AddressFamilyMismatch",                             \
               "a transport address passed to a WSK function has a family "    \
               "other than the socket's (or the other address's)")             \
  WSKCONF_RULE(ClientCallWrongSocketState, "ClientCall.WrongSocketState",      \
               "a WSK function, option or IOCTL was used on a socket of a "    \
               "category, or in a state, it is not for")                       \
  WSKCONF_RULE(ClientCallCallbackReturnInvalid,                                \
               "ClientCall.CallbackReturnInvalid",                             \
               "an event callback returned a status its page does not allow")  \
  WSKCONF_RULE(IrpSentWhilePending, "Irp.SentWhilePending",                    \
               "an IRP was passed to a driver or provider again while an "     \
               "earlier request with it had not completed")                    \
  WSKCONF_RULE(IrpBufferReleasedBeforeCompletion,                              \
               "Irp.BufferReleasedBeforeCompletion",                           \
               "an MDL or pool buffer a pending WSK request uses was freed "   \
               "or unlocked before its IRP completed")                         \
  WSKCONF_RULE(ClientCallWskBufInvalid, "ClientCall.WskBufInvalid",            \
               "a WSK_BUF has Mdl NULL with a non-zero Length, an Offset "     \
               "outside its first MDL, a Length beyond its MDL chain, or an "  \
               "MDL neither locked nor built for nonpaged pool")               \
  WSKCONF_RULE(ClientCallRegistrationUnbalanced,                               \
               "ClientCall.RegistrationUnbalanced",                            \
               "WskRegister on a block already registered, WskDeregister on "  \
               "a block not registered or deregistered twice, or "             \
               "WskReleaseProviderNPI without a capture held")                 \
  WSKCONF_RULE(ClientCallRetainedIndicationAtClose,                            \
               "ClientCall.RetainedIndicationAtClose",                         \
               "WskCloseSocket was called while indications the client "       \
               "retained (STATUS_PENDING from a receive event) were not "      \
               "released with WskRelease")                                     \
  WSKCONF_RULE(ClientCallReleaseNotRetained, "ClientCall.ReleaseNotRetained",  \
               "WskRelease was given an indication list the client did not "   \
               "retain on that socket, or one already released")            \
  WSKCONF_RULE(ClientCallInvalidRequest, "ClientCall.InvalidRequest",          \
               "a WSK function, option, IOCTL or control code was given "      \
               "argument values, or called at a time, its page rules out")    \
  WSKCONF_RULE(ClientCallAddressInfoNotReturned,                               \
               "ClientCall.AddressInfoNotReturned",                            \
               "WskFreeAddressInfo was given a list no WskGetAddressInfo "     \
               "returned, one already freed, or an entry other than a "        \
               "list's head")

#endif /* WSKCONF_VERIFIER_RULES_H_ */
