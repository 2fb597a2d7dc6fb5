// Naming, time and grouping rules shared by the JUnit writer and reader.
#include "internal/junit_layout.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "wskconf/reports/reports.h"

namespace wskconf::reports::internal {

std::pair<std::string, std::string> SplitCaseName(std::string_view name) {
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos ||
      name.substr(0, dot).find_first_not_of(" \t\n\r") == std::string_view::npos) {
    return {std::string(kNoSuite), std::string(name)};
  }
  return {std::string(name.substr(0, dot)), std::string(name.substr(dot + 1))};
}

std::string JoinCaseName(std::string_view classname, std::string_view name) {
  if (classname == kNoSuite) return std::string(name);
  return fmt::format("{}.{}", classname, name);
}

std::string FormatSeconds(double seconds) {
  if (!(seconds >= 0) || std::isinf(seconds)) seconds = 0;
  return fmt::format("{:.3f}", seconds);
}

std::string WarnLine(const CaseResult& result) {
  if (result.clause_id.empty()) {
    return fmt::format("[WARN] {}: {}", result.name, result.message);
  }
  return fmt::format("[WARN] {}: {} clause {} not met: {}", result.name,
                     result.strength.empty() ? "SHOULD" : result.strength,
                     result.clause_id, result.message);
}

std::vector<Suite> GroupBySuite(const RunResult& run) {
  std::map<std::string, std::vector<const CaseResult*>> by_class;
  for (const CaseResult& result : run.cases) {
    by_class[SplitCaseName(result.name).first].push_back(&result);
  }
  std::vector<Suite> suites;
  for (auto& [classname, cases] : by_class) {
    std::stable_sort(cases.begin(), cases.end(),
                     [](const CaseResult* a, const CaseResult* b) {
                       return a->name < b->name;
                     });
    suites.push_back({classname, std::move(cases)});
  }
  if (suites.empty()) suites.push_back({std::string(kNoSuite), {}});
  return suites;
}

RunResult SanitizedRun(const RunResult& run) {
  RunResult out;
  out.adapter = SanitizeForXml(run.adapter);
  out.policy = SanitizeForXml(run.policy);
  out.cases.reserve(run.cases.size());
  for (const CaseResult& in : run.cases) {
    CaseResult c = in;
    for (std::string* field :
         {&c.name, &c.family, &c.clause_id, &c.strength, &c.spec_file,
          &c.message, &c.expected, &c.actual, &c.output}) {
      *field = SanitizeForXml(*field);
    }
    c.seconds = std::stod(FormatSeconds(c.seconds));
    if (c.spec_line < 0) c.spec_line = 0;
    out.cases.push_back(std::move(c));
  }
  std::stable_sort(out.cases.begin(), out.cases.end(),
                   [](const CaseResult& a, const CaseResult& b) {
                     return a.name < b.name;
                   });
  return out;
}

}  // namespace wskconf::reports::internal
