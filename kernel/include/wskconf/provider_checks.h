/* Runtime extension for WSK providers (not in the WDK): checks a provider
 * makes at its entry points on what a client handed over, reported through
 * the verifier (<wskconf/verifier.h>) under client-side rules of spec/. */
#ifndef WSKCONF_PROVIDER_CHECKS_H_
#define WSKCONF_PROVIDER_CHECKS_H_

#include <wsk.h>

EXTERN_C_START

/* Checks a client's WSK_BUF before Routine uses it (WSK_BUF.* clauses of
 * spec/buffers.xml). A Length of 0 is always usable (Offset and Mdl are then
 * ignored). Returns STATUS_INVALID_PARAMETER, with ClientCall.WskBufInvalid
 * reported (Mdl.UsedAfterFree for a freed MDL of the chain), when Buffer is
 * NULL, Mdl is NULL, Offset is not inside the first MDL or the chain
 * describes fewer than Offset + Length bytes; a freed MDL is never
 * dereferenced. An MDL holding part of the data that is neither locked
 * (MmProbeAndLockPages), built for nonpaged pool nor partial is reported
 * under ClientCall.WskBufInvalid too, but STATUS_SUCCESS is returned: the
 * request may go on and fail where the memory cannot be mapped. Object is
 * recorded with the finding (the socket, say). Any IRQL. */
NTKERNELAPI NTSTATUS WskconfCheckWskBuf(const WSK_BUF *Buffer,
                                        const char *Routine,
                                        const void *Object);

/* Records that the pending request of Irp uses the MDLs of Buffer's chain
 * (those that hold Offset..Offset+Length) and the memory they describe, so
 * IoFreeMdl or MmUnlockPages of such an MDL, or ExFreePool of the pool block
 * holding its memory, before IoCompleteRequest(Irp) is reported under
 * Irp.BufferReleasedBeforeCompletion. Buffer NULL, Length 0, Irp NULL or a
 * freed MDL: nothing is recorded. Memory outside pool (stack, static,
 * malloc) is checked only through its MDL. Every hold of an IRP ends when
 * IoCompleteRequest starts for it (its completion routines may free the
 * buffers), at IoFreeIrp and at IoReuseIrp. Any IRQL. */
NTKERNELAPI VOID WskconfIrpHoldWskBuf(PIRP Irp, const WSK_BUF *Buffer);

/* The same for Length bytes at Buffer (an address structure, an IOCTL's
 * input or output, a control-information buffer): ExFreePool of the pool
 * block holding Buffer before the IRP completes is reported. NULL or 0:
 * nothing is recorded. Any IRQL. */
NTKERNELAPI VOID WskconfIrpHoldBuffer(PIRP Irp, const VOID *Buffer,
                                      SIZE_T Length);

EXTERN_C_END

#endif /* WSKCONF_PROVIDER_CHECKS_H_ */
