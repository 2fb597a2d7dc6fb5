// The IRQL model: one current level per host thread, KeRaiseIrql and
// KeLowerIrql with the Irql.InvalidRaiseOrLower check, and the internal
// RequirePassive/RequireAtMost checks other routines use.
#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"

namespace wskconf::kernel::internal {
namespace {

thread_local KIRQL current_irql = PASSIVE_LEVEL;
thread_local int critical_region_depth = 0;

}  // namespace

bool RequireAtMost(KIRQL level, const char* routine) {
  if (current_irql <= level) return true;
  WskconfReportViolation(WskconfRuleIrqlPassiveOnlyCall, nullptr,
                         "%s called at IRQL %u (allowed: <= %u)", routine,
                         static_cast<unsigned>(current_irql),
                         static_cast<unsigned>(level));
  return false;
}

bool RequirePassive(const char* routine) {
  return RequireAtMost(PASSIVE_LEVEL, routine);
}

KIRQL SetCurrentIrql(KIRQL level) {
  KIRQL old = current_irql;
  current_irql = level;
  return old;
}

KIRQL RaiseToDispatch() {
  KIRQL old = current_irql;
  if (old < DISPATCH_LEVEL) current_irql = DISPATCH_LEVEL;
  return old;
}

void LowerIrqlTo(KIRQL level) { current_irql = level; }

}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

KIRQL KeGetCurrentIrql(VOID) { return ki::current_irql; }

KIRQL KfRaiseIrql(KIRQL NewIrql) {
  ki::CheckNoWaitAfterSet("KeRaiseIrql");
  KIRQL old = ki::current_irql;
  if (NewIrql < old || NewIrql > HIGH_LEVEL) {
    WskconfReportViolation(WskconfRuleIrqlInvalidLower, nullptr,
                           "KeRaiseIrql to %u from IRQL %u",
                           static_cast<unsigned>(NewIrql),
                           static_cast<unsigned>(old));
    return old;
  }
  ki::current_irql = NewIrql;
  return old;
}

VOID KeLowerIrql(KIRQL NewIrql) {
  ki::CheckNoWaitAfterSet("KeLowerIrql");
  KIRQL current = ki::current_irql;
  if (NewIrql > current) {
    WskconfReportViolation(WskconfRuleIrqlInvalidLower, nullptr,
                           "KeLowerIrql to %u from IRQL %u",
                           static_cast<unsigned>(NewIrql),
                           static_cast<unsigned>(current));
    return;
  }
  ki::current_irql = NewIrql;
}

KIRQL KeRaiseIrqlToDpcLevel(VOID) { return KfRaiseIrql(DISPATCH_LEVEL); }

VOID KeEnterCriticalRegion(VOID) { ++ki::critical_region_depth; }

VOID KeLeaveCriticalRegion(VOID) {
  if (ki::critical_region_depth > 0) --ki::critical_region_depth;
}

BOOLEAN KeAreApcsDisabled(VOID) {
  return (ki::critical_region_depth > 0 || ki::current_irql >= APC_LEVEL)
             ? TRUE
             : FALSE;
}

VOID WskconfCheckPagedCode(const char* Routine) {
  ki::RequireAtMost(APC_LEVEL, Routine != nullptr ? Routine : "PAGED_CODE");
}

}  // extern "C"
