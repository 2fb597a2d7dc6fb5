// What the spec says about a case (its clause, strength, family and where the
// clause is written), and the CaseResult a supervised outcome becomes.
#ifndef WSKCONF_CONFORMANCE_RUNNER_CASE_META_H_
#define WSKCONF_CONFORMANCE_RUNNER_CASE_META_H_

#include <map>
#include <optional>
#include <string>

#include "runner/supervisor.h"
#include "wskconf/reports/result.h"
#include "wskconf/spec_model.h"

namespace wskconf::conformance::internal {

struct CaseMeta {
  std::string clause_id;
  std::string strength;   // MUST | SHOULD | MAY
  std::string spec_file;  // spec/<file>.xml
  int spec_line = 0;
  std::string family;     // the element the clause sits in
};

// Finds a case's clause by name: a generated case's gtest name carries its
// clause id with each '.' written as '_' (gtest names cannot hold '.'), as
// one component of Suite.Test/Param or as Suite_Test.
class ClauseIndex {
 public:
  ClauseIndex() = default;
  explicit ClauseIndex(const Spec& spec);

  std::optional<CaseMeta> ForCase(const std::string& case_name) const;
  std::optional<CaseMeta> ForClause(const std::string& clause_id) const;

 private:
  std::map<std::string, CaseMeta> by_id_;
  std::map<std::string, CaseMeta> by_gtest_name_;
};

// The verdict and fields of one case. What the case recorded (the
// RecordProperty keys of the child protocol) wins over `from_spec`. A failure
// of a SHOULD or MAY clause is a WARN; a crash, a hang or a case never run is
// an ERROR. A failed case that also recorded "violated_clause" (the harness
// saw a fault that breaks a clause other than the case's own, such as an IRP
// never completed) is reported under that clause when `clauses` knows it as
// a MUST clause and the case's own clause is only SHOULD or MAY: FAIL, not
// WARN.
reports::CaseResult ToCaseResult(const CaseOutcome& outcome,
                                 const std::optional<CaseMeta>& from_spec,
                                 const ClauseIndex* clauses = nullptr);

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_CASE_META_H_
