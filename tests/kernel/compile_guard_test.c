/* Compiled with -DGUARD_SAL or -DGUARD_DECLSPEC by the *_guard_* tests,
 * which expect the compiler to stop with an error naming the unknown word:
 * an annotation or __declspec form the headers do not know must never be
 * silently dropped (here it would delete the member x). */
#include <ntdef.h>

#if defined(GUARD_SAL)
struct GuardedBySal {
  _Unknown_annot_ int x;
};
#elif defined(GUARD_DECLSPEC)
struct GuardedByDeclspec {
  __declspec(unknown_form) int x;
};
#else
#error "define GUARD_SAL or GUARD_DECLSPEC"
#endif
