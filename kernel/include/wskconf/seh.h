/* Structured exception handling as drivers write it: __try / __except(filter)
 * / __finally / __leave, GetExceptionCode(), AbnormalTermination(),
 * ExRaiseStatus. wdm.h includes it; <excpt.h> too.
 *
 * What is emulated, and how:
 *  - Exceptions are raised by ExRaiseStatus and its relatives, by
 *    ProbeForRead/ProbeForWrite, and by MmProbeAndLockPages on a range that
 *    is not mapped (STATUS_ACCESS_VIOLATION): the documented
 *    probe-inside-__try pattern works. Outside any __try, MmProbeAndLockPages
 *    keeps reporting Mdl.ProbeInvalidAddress and returns, and ExRaiseStatus
 *    bug-checks with KMODE_EXCEPTION_NOT_HANDLED (0x1E: the process aborts).
 *  - In C, __try is a setjmp frame on a per-thread list; a raise jumps to
 *    the innermost frame. In C++, __try is a C++ try block plus a
 *    registration, and a raise throws a C++ exception (so destructors run).
 *  - Filters: EXCEPTION_EXECUTE_HANDLER runs the __except block;
 *    EXCEPTION_CONTINUE_SEARCH passes the exception to the next outer
 *    __try; EXCEPTION_CONTINUE_EXECUTION cannot resume a raised status (as on
 *    Windows, where these are non-continuable): the outer handlers then see
 *    STATUS_NONCONTINUABLE_EXCEPTION.
 *  - __finally blocks run on normal exit, on __leave and while an exception
 *    passes (AbnormalTermination() is then TRUE).
 *
 * Limits (documented departures):
 *  - Windows evaluates every filter before any __finally block runs; here a
 *    __finally block runs before the filters of outer frames are evaluated.
 *  - C: locals changed inside the __try block and read in the __except
 *    block must be volatile (setjmp rules). __leave is `continue`: inside a
 *    loop nested in the __try block it continues that loop instead. return,
 *    goto or break out of a __try block pop its frame but skip its __finally
 *    block (use __leave).
 *  - C++: __leave is a C++ exception, which a catch (...) of the driver's
 *    own inside the __try block would swallow. C++ code needs exceptions
 *    enabled (the default).
 *  - A C++ __try nested inside a C __try on the same thread is passed over
 *    when the C frame is the one the raise finds first (C frames are only
 *    seen when they are the innermost registration).
 *  - Hardware faults: inside a C __try (innermost registration), SIGSEGV and
 *    SIGBUS become STATUS_ACCESS_VIOLATION, SIGFPE
 *    STATUS_INTEGER_DIVIDE_BY_ZERO and SIGILL STATUS_ILLEGAL_INSTRUCTION,
 *    delivered by siglongjmp from the signal handler. That is safe when the
 *    fault is in the driver's own code touching a bad buffer; it is not when
 *    the fault hits inside the C library or the runtime while they hold a
 *    lock or are mid-update (malloc, a runtime spin lock): that state is not
 *    repaired. Outside a C __try, and in C++ __try blocks, a fault is not
 *    caught: the previous handler (ASan's, or the default crash) gets it. */
#ifndef WSKCONF_SEH_H_
#define WSKCONF_SEH_H_

#include <setjmp.h>

#include <ntdef.h>

#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)
#define EXCEPTION_NONCONTINUABLE 0x1
#define EXCEPTION_MAXIMUM_PARAMETERS 15
#define KMODE_EXCEPTION_NOT_HANDLED 0x0000001E

typedef struct _EXCEPTION_RECORD {
  NTSTATUS ExceptionCode;
  ULONG ExceptionFlags;
  struct _EXCEPTION_RECORD *ExceptionRecord;
  PVOID ExceptionAddress;
  ULONG NumberParameters;
  ULONG_PTR ExceptionInformation[EXCEPTION_MAXIMUM_PARAMETERS];
} EXCEPTION_RECORD, *PEXCEPTION_RECORD;

typedef struct _CONTEXT CONTEXT, *PCONTEXT; /* never filled in here */

typedef struct _EXCEPTION_POINTERS {
  PEXCEPTION_RECORD ExceptionRecord;
  PCONTEXT ContextRecord;
} EXCEPTION_POINTERS, *PEXCEPTION_POINTERS;

/* One registration per active __try on the thread, innermost first. */
typedef struct _WSKCONF_SEH_REGISTRATION {
  struct _WSKCONF_SEH_REGISTRATION *Previous;
  ULONG Kind; /* WSKCONF_SEH_KIND_* */
} WSKCONF_SEH_REGISTRATION;
#define WSKCONF_SEH_KIND_C 1
#define WSKCONF_SEH_KIND_CXX 2

EXTERN_C_START

/* Raises Status as a non-continuable exception to the innermost __try of
 * the calling thread; bug-checks (KMODE_EXCEPTION_NOT_HANDLED) when there is
 * none. Any IRQL (Windows requires <= DISPATCH_LEVEL for handlers). */
NTKERNELAPI DECLSPEC_NORETURN VOID ExRaiseStatus(NTSTATUS Status);
NTKERNELAPI DECLSPEC_NORETURN VOID RtlRaiseStatus(NTSTATUS Status);
NTKERNELAPI DECLSPEC_NORETURN VOID ExRaiseAccessViolation(VOID);
NTKERNELAPI DECLSPEC_NORETURN VOID ExRaiseDatatypeMisalignment(VOID);
NTKERNELAPI DECLSPEC_NORETURN VOID RtlRaiseException(
    PEXCEPTION_RECORD ExceptionRecord);

/* Check that a caller's buffer of Length bytes at Address is aligned to
 * Alignment (else raise STATUS_DATATYPE_MISALIGNMENT) and lies in the
 * address space (else raise STATUS_ACCESS_VIOLATION: the range wraps or
 * starts in the first 64 KiB). As on Windows, a range that passes may still
 * fault when touched. Length 0 checks nothing. IRQL <= APC_LEVEL. */
NTKERNELAPI VOID ProbeForRead(const volatile VOID *Address, SIZE_T Length,
                              ULONG Alignment);
NTKERNELAPI VOID ProbeForWrite(volatile VOID *Address, SIZE_T Length,
                               ULONG Alignment);

/* TRUE when the calling thread is inside a __try (a raise would be
 * handled or passed along rather than bug-check). */
NTKERNELAPI BOOLEAN WskconfSehHandlerActive(VOID);

/* Internals the macros below call. */
NTKERNELAPI VOID WskconfSehRegister(WSKCONF_SEH_REGISTRATION *Registration);
NTKERNELAPI VOID WskconfSehUnregister(WSKCONF_SEH_REGISTRATION *Registration);

EXTERN_C_END

/* The frame of a C __try (<wskconf/seh_c.h>). */
typedef struct _WSKCONF_SEH_FRAME {
  WSKCONF_SEH_REGISTRATION Registration; /* first: the runtime casts */
  ULONG Phase;                           /* WSKCONF_SEH_PHASE_* */
  EXCEPTION_RECORD Record;
  EXCEPTION_POINTERS Pointers;
  jmp_buf Jump; /* glibc: jmp_buf doubles as sigjmp_buf */
} WSKCONF_SEH_FRAME;

#define WSKCONF_SEH_PHASE_START 0
#define WSKCONF_SEH_PHASE_BODY 1      /* the __try block runs */
#define WSKCONF_SEH_PHASE_ENDED 2     /* it ended normally or by __leave */
#define WSKCONF_SEH_PHASE_RAISED 3    /* an exception reached this frame */
#define WSKCONF_SEH_PHASE_HANDLING 4  /* the __except block runs */
#define WSKCONF_SEH_PHASE_UNWINDING 5 /* the __finally block runs for one */
#define WSKCONF_SEH_PHASE_DONE 6

EXTERN_C_START
/* Advances the frame's phase; FALSE when the construct is finished. From
 * UNWINDING it passes the exception on and does not return. */
NTKERNELAPI BOOLEAN WskconfSehStep(WSKCONF_SEH_FRAME *Frame);
/* Applies a filter's value: TRUE runs the handler; CONTINUE_SEARCH and
 * CONTINUE_EXECUTION pass the exception on (no return). */
NTKERNELAPI BOOLEAN WskconfSehFilter(WSKCONF_SEH_FRAME *Frame, LONG Value);
/* The cleanup of a frame left by return/goto/break: unregisters it. */
NTKERNELAPI VOID WskconfSehFrameCleanup(WSKCONF_SEH_FRAME *Frame);
EXTERN_C_END


#define GetExceptionCode() WskconfSehCode(&wskconf_seh_ctx_)
#define GetExceptionInformation() WskconfSehPointers(&wskconf_seh_ctx_)
#define AbnormalTermination() WskconfSehAbnormal(&wskconf_seh_ctx_)
#define _exception_code() GetExceptionCode()
#define _exception_info() GetExceptionInformation()
#define _abnormal_termination() AbnormalTermination()

#ifndef __cplusplus
#include <wskconf/seh_c.h>
#else
#include <wskconf/seh_cxx.h>
#endif

#endif /* WSKCONF_SEH_H_ */
