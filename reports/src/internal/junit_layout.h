// What the JUnit writer and reader agree on: how a case name splits into
// classname and name, how times are written, the per-case property names and
// the WARN line.
#ifndef WSKCONF_REPORTS_INTERNAL_JUNIT_LAYOUT_H_
#define WSKCONF_REPORTS_INTERNAL_JUNIT_LAYOUT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wskconf/reports/result.h"

namespace wskconf::reports::internal {

// The value of the suite property "wskconf.format" in rich reports; the
// reader refuses any other.
inline constexpr std::string_view kRichFormat = "rich-1";
inline constexpr std::string_view kStrictFormat = "strict-1";
inline constexpr std::string_view kFormatProperty = "wskconf.format";

// Classname of cases whose name has no suite part, and of the empty suite
// written for a run without cases. Not a possible gtest suite name.
inline constexpr std::string_view kNoSuite = "(no suite)";

// "Suite.Test/Param" -> {"Suite", "Test/Param"}; a name without '.' before
// which stands a non-blank suite part -> {kNoSuite, name}.
std::pair<std::string, std::string> SplitCaseName(std::string_view name);
// The inverse of SplitCaseName.
std::string JoinCaseName(std::string_view classname, std::string_view name);

// Seconds with three decimals; negative or not-a-number values as 0.000.
std::string FormatSeconds(double seconds);

// The "[WARN] ..." line (without newline) shown for a WARN case.
std::string WarnLine(const CaseResult& result);

// The cases of one suite (one gtest test suite), in name order.
struct Suite {
  std::string classname;
  std::vector<const CaseResult*> cases;
};

// `run`'s cases grouped by classname, suites and cases sorted by name. A run
// without cases gives one empty suite named kNoSuite, so that the report
// still carries the run's adapter and policy.
std::vector<Suite> GroupBySuite(const RunResult& run);

// `run` with every text field passed through SanitizeForXml and seconds
// rounded to milliseconds: exactly what a reader gets back.
RunResult SanitizedRun(const RunResult& run);

}  // namespace wskconf::reports::internal

#endif  // WSKCONF_REPORTS_INTERNAL_JUNIT_LAYOUT_H_
