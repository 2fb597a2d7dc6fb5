// The verifier's record of rule violations, its stderr echo and handler hook,
// fault injection counters, the free quarantine and WskconfCheckLeaks.
#include "internal/verifier.h"

#include <wskconf/verifier.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include "internal/dispatcher.h"

namespace wskconf::kernel::internal {

// Provided by the pool allocator (kernel/src/internal/pool.h). Weak so that
// the verifier links, and reports IRP/MDL leaks, in a build without pool.
void ReportPoolLeaks(ULONG* count) __attribute__((weak));
void ReportIrpLeaks(ULONG* count) __attribute__((weak));
void ReportMdlLeaks(ULONG* count) __attribute__((weak));
ULONG CheckFreedPool() __attribute__((weak));
ULONG CheckFreedIrps() __attribute__((weak));

namespace {

struct RuleInfo {
  const char* id;
  const char* summary;
};

constexpr RuleInfo kRules[] = {
#define WSKCONF_RULE_INFO_(name, id, summary) {id, summary},
    WSKCONF_VERIFIER_RULES(WSKCONF_RULE_INFO_)
#undef WSKCONF_RULE_INFO_
};
static_assert(sizeof(kRules) / sizeof(kRules[0]) == WskconfRuleCount);

bool EchoFromEnvironment() {
  const char* quiet = std::getenv("WSKCONF_VERIFIER_QUIET");
  return quiet == nullptr || std::strcmp(quiet, "1") != 0;
}

// All verifier state behind one mutex, as the kernel contract asks.
struct VerifierState {
  std::mutex mutex;
  std::vector<WSKCONF_VIOLATION> violations;
  ULONG count = 0;
  PWSKCONF_VIOLATION_HANDLER handler = nullptr;
  void* handler_context = nullptr;
  bool echo = EchoFromEnvironment();
  ULONG fail_countdown[WskconfAllocKindCount] = {};
  ULONG injected[WskconfAllocKindCount] = {};
  // The exit report's log: findings by sequence number; `sequences` runs
  // parallel to `violations`, so consuming one drops it from the log too.
  std::map<std::uint64_t, Finding> findings;
  std::vector<std::uint64_t> sequences;
  std::uint64_t next_sequence = 0;
  size_t dropped = 0;
};

VerifierState& State() {
  // Never destroyed: other runtime objects may report during process exit.
  static VerifierState* state = new VerifierState;
  return *state;
}

struct QuarantineEntry {
  void* block;
  void (*on_evict)(void*);
};

struct Quarantine {
  std::mutex mutex;
  std::deque<QuarantineEntry> blocks;
};

Quarantine& QuarantineState() {
  static Quarantine* quarantine = new Quarantine;
  return *quarantine;
}

void Release(const QuarantineEntry& entry) {
  if (entry.on_evict != nullptr) entry.on_evict(entry.block);
  std::free(entry.block);
}

}  // namespace

bool ShouldFailAllocation(WSKCONF_ALLOCATION_KIND kind) {
  if (static_cast<int>(kind) < 0 || kind >= WskconfAllocKindCount) {
    return false;
  }
  VerifierState& state = State();
  std::lock_guard lock(state.mutex);
  ULONG& countdown = state.fail_countdown[kind];
  if (countdown == 0) return false;
  if (--countdown != 0) return false;
  ++state.injected[kind];
  return true;
}

void QuarantineFree(void* block, void (*on_evict)(void* block)) {
  if (block == nullptr) return;
  Quarantine& quarantine = QuarantineState();
  QuarantineEntry evicted{nullptr, nullptr};
  {
    std::lock_guard lock(quarantine.mutex);
    quarantine.blocks.push_back({block, on_evict});
    if (quarantine.blocks.size() <= kQuarantineCapacity) return;
    evicted = quarantine.blocks.front();
    quarantine.blocks.pop_front();
  }
  Release(evicted);
}

void DrainQuarantine() {
  std::deque<QuarantineEntry> blocks;
  {
    Quarantine& quarantine = QuarantineState();
    std::lock_guard lock(quarantine.mutex);
    blocks.swap(quarantine.blocks);
  }
  for (const QuarantineEntry& entry : blocks) Release(entry);
}

FindingLog CopyFindings() {
  VerifierState& state = State();
  std::lock_guard lock(state.mutex);
  FindingLog log;
  log.findings.reserve(state.findings.size());
  for (const auto& [sequence, finding] : state.findings) {
    log.findings.push_back(finding);
  }
  log.dropped = state.dropped;
  return log;
}

bool RequireNonNull(const void* pointer, const char* routine,
                    const char* argument) {
  if (pointer != nullptr) return true;
  WskconfReportViolation(WskconfRuleNullArgument, nullptr, "%s: %s is NULL",
                         routine, argument);
  return false;
}

}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

EXTERN_C_START

const char* WskconfRuleId(WSKCONF_RULE Rule) {
  if (static_cast<int>(Rule) < 0 || Rule >= WskconfRuleCount) return "Unknown";
  return internal::kRules[Rule].id;
}

const char* WskconfRuleSummary(WSKCONF_RULE Rule) {
  if (static_cast<int>(Rule) < 0 || Rule >= WskconfRuleCount) return "";
  return internal::kRules[Rule].summary;
}

WSKCONF_RULE WskconfRuleFromId(const char* RuleId) {
  if (RuleId == nullptr) return WskconfRuleCount;
  for (int rule = 0; rule < WskconfRuleCount; ++rule) {
    if (std::strcmp(internal::kRules[rule].id, RuleId) == 0) {
      return static_cast<WSKCONF_RULE>(rule);
    }
  }
  return WskconfRuleCount;
}

VOID WskconfReportViolation(WSKCONF_RULE Rule, const void* Object,
                            const char* Format, ...) {
  WSKCONF_VIOLATION violation{};
  violation.Rule = Rule;
  violation.RuleId = WskconfRuleId(Rule);
  violation.Object = Object;
  if (Format != nullptr) {
    va_list args;
    va_start(args, Format);
    std::vsnprintf(violation.Message, sizeof(violation.Message), Format, args);
    va_end(args);
  }
  internal::VerifierState& state = internal::State();
  PWSKCONF_VIOLATION_HANDLER handler;
  void* context;
  bool echo;
  {
    std::lock_guard lock(state.mutex);
    ++state.count;
    const std::uint64_t sequence = state.next_sequence++;
    if (state.violations.size() < WSKCONF_MAX_RECORDED_VIOLATIONS) {
      state.violations.push_back(violation);
      state.sequences.push_back(sequence);
    }
    if (state.findings.size() < internal::kMaxFindings) {
      state.findings.emplace(sequence,
                             internal::Finding{Rule, violation.Message});
    } else {
      ++state.dropped;
    }
    handler = state.handler;
    context = state.handler_context;
    echo = state.echo;
  }
  if (echo) {
    std::fprintf(stderr, "wskconf verifier: %s: %s\n", violation.RuleId,
                 violation.Message);
  }
  if (handler != nullptr) handler(&violation, context);
}

ULONG WskconfGetViolationCount(VOID) {
  internal::VerifierState& state = internal::State();
  std::lock_guard lock(state.mutex);
  return state.count;
}

BOOLEAN WskconfGetViolation(ULONG Index, PWSKCONF_VIOLATION Out) {
  if (Out == nullptr) return FALSE;
  internal::VerifierState& state = internal::State();
  std::lock_guard lock(state.mutex);
  if (Index >= state.violations.size()) return FALSE;
  *Out = state.violations[Index];
  return TRUE;
}

VOID WskconfClearViolations(VOID) {
  internal::VerifierState& state = internal::State();
  std::lock_guard lock(state.mutex);
  state.violations.clear();
  state.sequences.clear();
  state.count = 0;
}

BOOLEAN WskconfConsumeViolation(ULONG Index) {
  internal::VerifierState& state = internal::State();
  std::lock_guard lock(state.mutex);
  if (Index >= state.violations.size()) return FALSE;
  state.violations.erase(state.violations.begin() + Index);
  state.findings.erase(state.sequences[Index]);
  state.sequences.erase(state.sequences.begin() + Index);
  --state.count;
  return TRUE;
}

PWSKCONF_VIOLATION_HANDLER WskconfSetViolationHandler(
    PWSKCONF_VIOLATION_HANDLER Handler, void* Context) {
  internal::VerifierState& state = internal::State();
  std::lock_guard lock(state.mutex);
  PWSKCONF_VIOLATION_HANDLER previous = state.handler;
  state.handler = Handler;
  state.handler_context = Context;
  return previous;
}

BOOLEAN WskconfSetViolationEcho(BOOLEAN Echo) {
  internal::VerifierState& state = internal::State();
  std::lock_guard lock(state.mutex);
  BOOLEAN previous = state.echo ? TRUE : FALSE;
  state.echo = Echo != FALSE;
  return previous;
}

ULONG WskconfCheckLeaks(VOID) {
  internal::CheckNoWaitAfterSet("the end of the test (WskconfCheckLeaks)");
  ULONG count = 0;
  // Writes into freed memory are found now at the latest; they are not
  // leaks, so they do not add to the count.
  if (internal::CheckFreedPool != nullptr) internal::CheckFreedPool();
  if (internal::CheckFreedIrps != nullptr) internal::CheckFreedIrps();
  if (internal::ReportPoolLeaks != nullptr) internal::ReportPoolLeaks(&count);
  if (internal::ReportIrpLeaks != nullptr) internal::ReportIrpLeaks(&count);
  if (internal::ReportMdlLeaks != nullptr) internal::ReportMdlLeaks(&count);
  return count;
}

VOID WskconfFailNthAllocation(WSKCONF_ALLOCATION_KIND Kind, ULONG N) {
  if (static_cast<int>(Kind) < 0 || Kind >= WskconfAllocKindCount) return;
  internal::VerifierState& state = internal::State();
  std::lock_guard lock(state.mutex);
  state.fail_countdown[Kind] = N;
}

ULONG WskconfInjectedFailureCount(WSKCONF_ALLOCATION_KIND Kind) {
  if (static_cast<int>(Kind) < 0 || Kind >= WskconfAllocKindCount) return 0;
  internal::VerifierState& state = internal::State();
  std::lock_guard lock(state.mutex);
  return state.injected[Kind];
}

EXTERN_C_END
