// The plan of a run: the selected cases in sorted order, each with what the
// spec says about it, and those settled without running (disabled cases,
// features the conformance statement declares unsupported).
#ifndef WSKCONF_CONFORMANCE_RUNNER_PLAN_H_
#define WSKCONF_CONFORMANCE_RUNNER_PLAN_H_

#include <functional>
#include <optional>
#include <ostream>
#include <vector>

#include "runner/case_meta.h"
#include "runner/statement.h"
#include "wskconf/runner.h"

namespace wskconf::conformance::internal {

struct PlannedCase {
  TestCase test;
  std::optional<CaseMeta> meta;
  std::optional<reports::CaseResult> settled;  // set: not run, this is its result
};

struct Plan {
  std::vector<PlannedCase> cases;  // sorted by name, then binary file name
  ClauseIndex clauses;
  std::optional<Statement> statement;  // from --statement
  std::size_t listed = 0;   // cases the binaries list
  std::size_t matched = 0;  // of those, cases the filter selects (before the shard)
};

// Whether the run can make its private scratch folder (for the children's
// records and output) in $TMPDIR, else /tmp: checked before the run, which
// would otherwise write them into the current folder.
Status CheckScratchFolder();

// Why the plan selects no case because of a mistake (binaries that list none,
// a filter that matches none), or OK. An empty shard of a non-empty
// selection is not a mistake.
Status CheckSelection(const Plan& plan, const RunOptions& options);

// Lists the binaries' cases and applies the filter, the shard and the
// conformance statement (cases of a feature it declares unsupported are
// settled as SKIP with its reason). Warns on `err` when the spec cannot be
// loaded (cases then carry only what they record themselves), fails instead
// when options.spec_required; fails when the statement cannot be used.
StatusOr<Plan> PlanRun(const RunOptions& options, std::ostream& err);

// Called once per finished case, from worker threads (serialised).
using CaseDone = std::function<void(const reports::CaseResult&)>;

// Why the cases not yet started are not to be run (a relay that went away),
// or empty: asked before each batch.
using NotRunReason = std::function<std::string()>;

// Runs the plan's unsettled cases in options.jobs parallel children; results
// in plan order. A batch whose turn comes while `not_run` gives a reason is
// not started: its cases become ERROR with that reason.
std::vector<reports::CaseResult> ExecutePlan(const Plan& plan,
                                             const RunOptions& options,
                                             const std::filesystem::path& provider,
                                             const CaseDone& done,
                                             const NotRunReason& not_run = {});

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_PLAN_H_
