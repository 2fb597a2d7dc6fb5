// Private verifier helpers shared by the kernel runtime's sources: fault
// injection, the quarantine that keeps freed objects mapped, NULL checks.
#ifndef WSKCONF_KERNEL_SRC_INTERNAL_VERIFIER_H_
#define WSKCONF_KERNEL_SRC_INTERNAL_VERIFIER_H_

#include <wskconf/verifier.h>

#include <cstddef>
#include <string>
#include <vector>

namespace wskconf::kernel::internal {

// True when fault injection says this allocation of `kind` must fail; counts
// the allocation either way. Thread-safe.
bool ShouldFailAllocation(WSKCONF_ALLOCATION_KIND kind);

// Takes ownership of `block` (from std::malloc) instead of freeing it, so its
// address is not handed out again while a tracker may still remember it as
// freed. The oldest of kQuarantineCapacity blocks is evicted: `on_evict`
// (may be null) is called with it first, so the owner forgets the address,
// then the block goes back to malloc. Thread-safe; `on_evict` runs without
// the quarantine's lock held.
inline constexpr unsigned kQuarantineCapacity = 4096;
void QuarantineFree(void* block, void (*on_evict)(void* block));

// Releases every quarantined block (calling each on_evict). For tests that
// want a clean slate; never called by the runtime itself.
void DrainQuarantine();

// Reports Kernel.NullArgument when `pointer` is null: "<routine>: <argument>
// is NULL". Returns true when the pointer is non-null (the call may go on).
bool RequireNonNull(const void* pointer, const char* routine,
                    const char* argument);

// The findings a report at exit publishes: every violation reported since
// the process started, in order, except those a test consumed as expected
// (WskconfConsumeViolation). WskconfClearViolations does not forget them.
// At most kMaxFindings are kept; `dropped` counts the rest.
inline constexpr size_t kMaxFindings = 100000;
struct Finding {
  WSKCONF_RULE rule;
  std::string message;
};
struct FindingLog {
  std::vector<Finding> findings;
  size_t dropped = 0;
};
FindingLog CopyFindings();

// Leak reporters consulted by WskconfCheckLeaks; each reports one violation
// per live object it owns and adds the number to *count.
void ReportIrpLeaks(ULONG* count);
void ReportMdlLeaks(ULONG* count);

}  // namespace wskconf::kernel::internal

#endif  // WSKCONF_KERNEL_SRC_INTERNAL_VERIFIER_H_
