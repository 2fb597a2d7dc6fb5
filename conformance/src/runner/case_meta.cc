// Clause lookup by case name and the verdict rules of ../shared/DESIGN.md.
#include "runner/case_meta.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace wskconf::conformance::internal {
namespace {

std::string GtestSafe(std::string id) {
  std::replace(id.begin(), id.end(), '.', '_');
  return id;
}

std::string FileName(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Property(const std::map<std::string, std::string>& properties,
                     const std::string& key, const std::string& fallback) {
  auto it = properties.find(key);
  return it == properties.end() || it->second.empty() ? fallback : it->second;
}

// Moves a WARN to the MUST clause the case recorded as violated (see
// ToCaseResult in case_meta.h).
void ApplyViolatedClause(const std::map<std::string, std::string>& properties,
                         const ClauseIndex* clauses,
                         reports::CaseResult* result) {
  if (clauses == nullptr || result->verdict != reports::Verdict::kWarn) return;
  const std::string violated = Property(properties, "violated_clause", "");
  if (violated.empty() || violated == result->clause_id) return;
  const std::optional<CaseMeta> meta = clauses->ForClause(violated);
  if (!meta || meta->strength != "MUST") return;
  result->message = fmt::format(
      "{} (breaks the MUST clause {}; the case's own clause {} is {})",
      result->message, violated, result->clause_id, result->strength);
  result->clause_id = meta->clause_id;
  result->strength = meta->strength;
  result->spec_file = meta->spec_file;
  result->spec_line = meta->spec_line;
  result->verdict = reports::Verdict::kFail;
}

}  // namespace

ClauseIndex::ClauseIndex(const Spec& spec) {
  for (const SpecFile& file : spec.files) {
    for (const Element& element : file.elements) {
      for (const Clause& clause : element.clauses) {
        CaseMeta meta;
        meta.clause_id = clause.id;
        meta.strength = std::string(StrengthName(clause.strength));
        meta.spec_file = "spec/" + FileName(file.path);
        meta.spec_line = clause.location.line;
        meta.family = element.id;
        by_gtest_name_[GtestSafe(clause.id)] = meta;
        by_id_[clause.id] = std::move(meta);
      }
    }
  }
}

std::optional<CaseMeta> ClauseIndex::ForClause(const std::string& clause_id) const {
  auto it = by_id_.find(clause_id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

std::optional<CaseMeta> ClauseIndex::ForCase(const std::string& case_name) const {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= case_name.size(); ++i) {
    if (i == case_name.size() || case_name[i] == '.' || case_name[i] == '/') {
      parts.push_back(case_name.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (auto it = by_gtest_name_.find(parts[i]); it != by_gtest_name_.end()) {
      return it->second;
    }
    if (i + 1 < parts.size()) {
      auto joined = by_gtest_name_.find(parts[i] + "_" + parts[i + 1]);
      if (joined != by_gtest_name_.end()) return joined->second;
    }
  }
  return std::nullopt;
}

reports::CaseResult ToCaseResult(const CaseOutcome& outcome,
                                 const std::optional<CaseMeta>& from_spec,
                                 const ClauseIndex* clauses) {
  const CaseMeta spec = from_spec.value_or(CaseMeta{});
  const auto& props = outcome.properties;
  reports::CaseResult result;
  result.name = outcome.name;
  result.clause_id = Property(props, "clause", spec.clause_id);
  result.strength = Property(props, "strength", spec.strength);
  result.spec_file = Property(props, "spec_file", spec.spec_file);
  result.family = Property(props, "family", spec.family);
  result.expected = Property(props, "expected", "");
  result.actual = Property(props, "actual", "");
  result.spec_line = spec.spec_line;
  if (auto it = props.find("spec_line"); it != props.end()) {
    int line = 0;
    const char* end = it->second.data() + it->second.size();
    if (std::from_chars(it->second.data(), end, line).ptr == end) {
      result.spec_line = line;
    }
  }
  result.message = outcome.message;
  result.seconds = outcome.seconds;
  result.output = outcome.output;
  using Kind = CaseOutcome::Kind;
  if (outcome.kind != Kind::kReported) {
    result.verdict = reports::Verdict::kError;
  } else if (outcome.result == "pass") {
    result.verdict = reports::Verdict::kPass;
  } else if (outcome.result == "skip") {
    result.verdict = reports::Verdict::kSkip;
  } else if (outcome.result == "fail") {
    const bool fatal = result.strength != "SHOULD" && result.strength != "MAY";
    result.verdict = fatal ? reports::Verdict::kFail : reports::Verdict::kWarn;
    ApplyViolatedClause(props, clauses, &result);
  } else {
    result.verdict = reports::Verdict::kError;
    result.message = fmt::format("the test process reported an unknown result "
                                 "'{}'", outcome.result);
  }
  return result;
}

}  // namespace wskconf::conformance::internal
