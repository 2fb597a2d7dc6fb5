// Comparing two runs (`wskconf report diff`) and joining shards of one run
// (`wskconf report merge`).
#include <algorithm>
#include <map>
#include <string>

#include <fmt/format.h>

#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

bool IsFailing(Verdict v) { return v == Verdict::kFail || v == Verdict::kError; }
bool IsPassing(Verdict v) { return v == Verdict::kPass || v == Verdict::kWarn; }

std::map<std::string, Verdict> VerdictsByName(const RunResult& run) {
  std::map<std::string, Verdict> verdicts;
  for (const CaseResult& c : run.cases) verdicts.emplace(c.name, c.verdict);
  return verdicts;
}

}  // namespace

RunDiff DiffRuns(const RunResult& old_run, const RunResult& new_run) {
  const std::map<std::string, Verdict> before = VerdictsByName(old_run);
  const std::map<std::string, Verdict> after = VerdictsByName(new_run);
  RunDiff diff;
  for (const auto& [name, verdict] : after) {
    const auto old = before.find(name);
    if (old == before.end()) {
      diff.added.push_back(name);
      if (IsFailing(verdict)) diff.newly_failing.push_back(name);
      continue;
    }
    if (IsFailing(verdict) && !IsFailing(old->second)) {
      diff.newly_failing.push_back(name);
    } else if (IsPassing(verdict) && IsFailing(old->second)) {
      diff.newly_passing.push_back(name);
    } else if (verdict != old->second) {
      diff.changed.push_back(fmt::format("{}: {} -> {}", name, VerdictName(old->second),
                                         VerdictName(verdict)));
    }
  }
  for (const auto& [name, verdict] : before) {
    if (!after.contains(name)) diff.removed.push_back(name);
  }
  return diff;
}

StatusOr<RunResult> MergeRuns(const std::vector<RunResult>& shards) {
  using ::wskconf::conformance::InvalidArgumentError;
  if (shards.empty()) return InvalidArgumentError("merge: no shards given");
  RunResult merged;
  merged.adapter = shards.front().adapter;
  merged.policy = shards.front().policy;
  std::map<std::string, std::size_t> shard_of;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const RunResult& shard = shards[i];
    if (shard.adapter != merged.adapter || shard.policy != merged.policy) {
      return InvalidArgumentError(fmt::format(
          "merge: shard {} ran adapter '{}' with policy '{}', shard 0 adapter '{}' "
          "with policy '{}'; only shards of one run can be merged",
          i, shard.adapter, shard.policy, merged.adapter, merged.policy));
    }
    for (const CaseResult& c : shard.cases) {
      const auto [it, inserted] = shard_of.emplace(c.name, i);
      if (!inserted) {
        return InvalidArgumentError(fmt::format(
            "merge: case '{}' is in shard {} and shard {}; shards of one run are disjoint",
            c.name, it->second, i));
      }
      merged.cases.push_back(c);
    }
  }
  std::stable_sort(merged.cases.begin(), merged.cases.end(),
                   [](const CaseResult& a, const CaseResult& b) { return a.name < b.name; });
  return merged;
}

}  // namespace wskconf::reports
