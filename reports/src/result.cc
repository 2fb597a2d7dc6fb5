// Names of verdicts as they appear in reports.
#include "wskconf/reports/result.h"

#include <array>
#include <utility>

namespace wskconf::reports {
namespace {

constexpr std::array<std::pair<Verdict, std::string_view>, 5> kVerdictNames = {{
    {Verdict::kPass, "pass"},
    {Verdict::kFail, "fail"},
    {Verdict::kWarn, "warn"},
    {Verdict::kSkip, "skip"},
    {Verdict::kError, "error"},
}};

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  for (const auto& [value, name] : kVerdictNames) {
    if (value == verdict) return name;
  }
  return "error";  // unreachable for a valid enumerator
}

std::optional<Verdict> ParseVerdict(std::string_view name) {
  for (const auto& [value, verdict_name] : kVerdictNames) {
    if (verdict_name == name) return value;
  }
  return std::nullopt;
}

}  // namespace wskconf::reports
