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
               "mapped (Windows raises STATUS_ACCESS_VIOLATION)")

#endif /* WSKCONF_VERIFIER_RULES_H_ */
