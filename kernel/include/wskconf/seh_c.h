/* The C form of __try/__except/__finally (see <wskconf/seh.h> for what is
 * emulated and its limits): a setjmp frame per __try, registered on the
 * thread's list while its block runs.
 *
 *   __try {B} __except(F) {H}  expands to
 *   for (frame; WskconfSehStep(&frame);)
 *     if (WskconfSehInBody(&frame) && __sigsetjmp(frame.Jump, 1) == 0) {B}
 *     else if (WskconfSehExceptDue(&frame) && WskconfSehFilter(&frame, F)) {H}
 * and __finally {F} ends in `else if (WskconfSehFinallyDue(&frame)) {F}`. */
#ifndef WSKCONF_SEH_C_H_
#define WSKCONF_SEH_C_H_

#include <wskconf/seh.h>

FORCEINLINE BOOLEAN WskconfSehInBody(WSKCONF_SEH_FRAME *Frame) {
  return Frame->Phase == WSKCONF_SEH_PHASE_BODY;
}
FORCEINLINE BOOLEAN WskconfSehExceptDue(WSKCONF_SEH_FRAME *Frame) {
  return Frame->Phase == WSKCONF_SEH_PHASE_RAISED;
}
FORCEINLINE BOOLEAN WskconfSehFinallyDue(WSKCONF_SEH_FRAME *Frame) {
  if (Frame->Phase == WSKCONF_SEH_PHASE_RAISED) {
    Frame->Phase = WSKCONF_SEH_PHASE_UNWINDING;
  }
  return Frame->Phase == WSKCONF_SEH_PHASE_ENDED ||
         Frame->Phase == WSKCONF_SEH_PHASE_UNWINDING;
}
FORCEINLINE NTSTATUS WskconfSehCode(WSKCONF_SEH_FRAME *Frame) {
  return Frame->Record.ExceptionCode;
}
FORCEINLINE PEXCEPTION_POINTERS WskconfSehPointers(WSKCONF_SEH_FRAME *Frame) {
  return &Frame->Pointers;
}
FORCEINLINE BOOLEAN WskconfSehAbnormal(WSKCONF_SEH_FRAME *Frame) {
  return Frame->Phase == WSKCONF_SEH_PHASE_UNWINDING;
}

/* GCC's -Wclobbered flags every local an __except block writes (a false
 * alarm: the handler runs after the jump). It is silenced from the first
 * __try on; the rule it stands for (volatile for locals written in the
 * __try block and read after an exception) still holds. */
#if defined(__GNUC__) && !defined(__clang__)
#define WSKCONF_SEH_QUIET_CLOBBERED_ \
  _Pragma("GCC diagnostic ignored \"-Wclobbered\"")
#else
#define WSKCONF_SEH_QUIET_CLOBBERED_
#endif

#define __try                                                            \
  WSKCONF_SEH_QUIET_CLOBBERED_                                           \
  for (WSKCONF_SEH_FRAME wskconf_seh_ctx_                                \
           __attribute__((cleanup(WskconfSehFrameCleanup))) = {0};       \
       WskconfSehStep(&wskconf_seh_ctx_);)                                \
    if (WskconfSehInBody(&wskconf_seh_ctx_) &&                           \
        __sigsetjmp(wskconf_seh_ctx_.Jump, 1) == 0)
/* Variadic: a filter may be a comma expression, as with MSVC's keyword. */
#define __except(...)                                     \
  else if (WskconfSehExceptDue(&wskconf_seh_ctx_) &&      \
           WskconfSehFilter(&wskconf_seh_ctx_, (LONG)(__VA_ARGS__)))
#define __finally else if (WskconfSehFinallyDue(&wskconf_seh_ctx_))
#define __leave continue

#endif /* WSKCONF_SEH_C_H_ */
