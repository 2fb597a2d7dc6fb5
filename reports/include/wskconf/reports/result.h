// The result model of a conformance run: one CaseResult per test case, one
// RunResult per run of one adapter under one completion policy. Shared by the
// runner (which fills it), the report writers and readers (rich JUnit is its
// persisted form) and `wskconf report diff|merge`. Fields may be added; none
// is ever renamed.
#ifndef WSKCONF_REPORTS_RESULT_H_
#define WSKCONF_REPORTS_RESULT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wskconf::reports {

// The verdict of one case.
//   kPass:  every check held.
//   kFail:  a MUST (or MAY-as-specified) clause was violated.
//   kWarn:  a SHOULD clause was violated; visible but not fatal.
//   kSkip:  not run (feature not supported, excluded); message says why.
//   kError: the case could not reach a verdict (crash, hang, harness error);
//           message gives the cause.
enum class Verdict { kPass, kFail, kWarn, kSkip, kError };

// "pass", "fail", "warn", "skip", "error": the lowercase name used in reports.
std::string_view VerdictName(Verdict verdict);

// The Verdict whose VerdictName is `name` (exact, lowercase), or nullopt.
std::optional<Verdict> ParseVerdict(std::string_view name);

struct CaseResult {
  std::string name;       // full gtest name, Suite.Test/Param
  std::string family;     // function or element the clause is about, e.g. WskSend
  std::string clause_id;  // e.g. WSK.Send.0012; empty for cases without one
  std::string strength;   // MUST|SHOULD|MAY
  std::string spec_file;  // e.g. spec/send.xml
  int spec_line = 0;      // line of the clause in spec_file; 0 if unknown
  Verdict verdict = Verdict::kError;
  std::string message;    // failure text, skip reason, error cause
  std::string expected;   // e.g. status names
  std::string actual;
  double seconds = 0;
  std::string output;     // captured stdout/stderr, may be cut

  friend bool operator==(const CaseResult&, const CaseResult&) = default;
};

struct RunResult {
  std::string adapter;  // e.g. reference
  std::string policy;   // inline | pend | random:SEED
  std::vector<CaseResult> cases;

  friend bool operator==(const RunResult&, const RunResult&) = default;
};

}  // namespace wskconf::reports

#endif  // WSKCONF_REPORTS_RESULT_H_
