// Private IRQL helpers: the per-thread IRQL model and the checks other
// routines of the runtime make before doing work at the wrong level.
#ifndef WSKCONF_KERNEL_SRC_INTERNAL_IRQL_H_
#define WSKCONF_KERNEL_SRC_INTERNAL_IRQL_H_

#include <wskconf/ke.h>

namespace wskconf::kernel::internal {

// Reports Irql.PassiveOnlyCallAtRaisedIrql ("<routine> called at IRQL n")
// and returns false when the caller is above PASSIVE_LEVEL.
bool RequirePassive(const char* routine);

// Same rule for a routine callable up to `level`: reports and returns false
// when the current IRQL is above it.
bool RequireAtMost(KIRQL level, const char* routine);

// Sets the calling thread's IRQL without any check (worker threads start at
// PASSIVE_LEVEL; completion paths raise to DISPATCH_LEVEL). Returns the old
// level.
KIRQL SetCurrentIrql(KIRQL level);

// Raises to DISPATCH_LEVEL if below it; returns the previous level for
// LowerIrqlTo. Never reports.
KIRQL RaiseToDispatch();
void LowerIrqlTo(KIRQL level);

// RAII: runs a scope at DISPATCH_LEVEL (e.g. a completion routine call) and
// restores the previous level.
class ScopedDispatchLevel {
 public:
  ScopedDispatchLevel() : old_(RaiseToDispatch()) {}
  ~ScopedDispatchLevel() { LowerIrqlTo(old_); }
  ScopedDispatchLevel(const ScopedDispatchLevel&) = delete;
  ScopedDispatchLevel& operator=(const ScopedDispatchLevel&) = delete;

 private:
  KIRQL old_;
};

}  // namespace wskconf::kernel::internal

#endif  // WSKCONF_KERNEL_SRC_INTERNAL_IRQL_H_
