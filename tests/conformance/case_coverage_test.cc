// Coverage of provider clauses by generated cases: the per-file report of
// `wskconf spec coverage` and the lint rules that use wskgen's plan.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "wskconf/spec.h"
#include "wskconf/wskgen.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace wskconf::conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSpec[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<spec xmlns="urn:wskconf:spec:1" part="cov">
  <topic id="T">
    <clause id="T.Covered" strength="MUST" side="provider" source="a.md">
      <text>Covered by a case.</text>
    </clause>
    <clause id="T.Untestable" strength="MUST" side="provider" source="a.md"
            checked-by="untestable" untestable-reason="Nothing can see it.">
      <text>Cannot be observed.</text>
    </clause>
    <clause id="T.Open" strength="MUST" side="provider" source="a.md">
      <text>Nobody checks it yet.</text>
    </clause>
    <clause id="T.ClaimsCase" strength="MUST" side="provider" source="a.md"
            checked-by="case">
      <text>Says a case checks it.</text>
    </clause>
    <clause id="T.Client" strength="MUST" side="client" source="a.md"
            checked-by="untestable" untestable-reason="Client side.">
      <text>A client rule.</text>
    </clause>
  </topic>
</spec>
)";

Spec OneFileSpec() {
  auto file = ParseSpecFile(kSpec, "spec/cov.xml");
  EXPECT_TRUE(file.ok()) << file.status().message();
  Spec spec;
  if (file.ok()) spec.files.push_back(*file);
  return spec;
}

TEST(CaseCoverage, CountsCoveredUntestableAndUncovered) {
  const Spec spec = OneFileSpec();
  const std::set<std::string> covered = {"T.Covered"};
  const auto files = ComputeProviderCoverage(spec, covered);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].spec_file, "spec/cov.xml");
  EXPECT_EQ(files[0].covered, 1u);
  EXPECT_EQ(files[0].untestable, 1u);
  ASSERT_EQ(files[0].uncovered.size(), 2u);
  EXPECT_EQ(files[0].uncovered[0]->id, "T.Open");
  EXPECT_EQ(files[0].uncovered[1]->id, "T.ClaimsCase");
}

TEST(CaseCoverage, ReportListsFilesTotalsAndOptionallyEachClause) {
  const Spec spec = OneFileSpec();
  const auto files = ComputeProviderCoverage(spec, {"T.Covered"});
  EXPECT_EQ(ProviderCoverageReport(files, false),
            "spec/cov.xml: provider clauses: 1 covered by cases, 1 untestable, "
            "2 uncovered\n"
            "provider clauses: 1 covered by cases, 1 untestable, 2 uncovered\n");
  EXPECT_THAT(ProviderCoverageReport(files, true),
              HasSubstr("spec/cov.xml:11: provider clause 'T.Open' is checked "
                        "by no case\n"));
}

std::vector<std::string> Messages(const std::vector<Diagnostic>& findings) {
  std::vector<std::string> messages;
  for (const auto& finding : findings) messages.push_back(finding.ToString());
  return messages;
}

LintOptions CoverageOnly(const std::set<std::string>* covered, bool require) {
  LintOptions options;
  options.docs_root = WSKCONF_TEST_DOCS_STUB;
  options.verifier_rules = {};
  options.case_covered = covered;
  options.require_case_coverage = require;
  return options;
}

TEST(CaseCoverage, LintFlagsACaseClaimNoCaseBacks) {
  const Spec spec = OneFileSpec();
  const std::set<std::string> covered = {"T.Covered"};
  EXPECT_THAT(Messages(LintSpec(spec, CoverageOnly(&covered, false))),
              ElementsAre("spec/cov.xml:14: clause 'T.ClaimsCase' has "
                          "checked-by=\"case\" but no generated case checks it"));
}

TEST(CaseCoverage, LintFlagsUntestableClausesThatCasesCheck) {
  const Spec spec = OneFileSpec();
  const std::set<std::string> covered = {"T.Covered", "T.Untestable",
                                         "T.ClaimsCase"};
  EXPECT_THAT(Messages(LintSpec(spec, CoverageOnly(&covered, false))),
              ElementsAre("spec/cov.xml:7: clause 'T.Untestable' is "
                          "checked-by=\"untestable\" but generated cases "
                          "check it"));
}

TEST(CaseCoverage, RequireCoverageFlagsEveryUncoveredProviderClause) {
  const Spec spec = OneFileSpec();
  const std::set<std::string> covered = {"T.Covered", "T.ClaimsCase"};
  EXPECT_THAT(Messages(LintSpec(spec, CoverageOnly(&covered, true))),
              ElementsAre("spec/cov.xml:11: provider clause 'T.Open' is "
                          "checked by no generated case and not marked "
                          "checked-by=\"untestable\""));
  // Without the flag the same spec is clean.
  EXPECT_TRUE(LintSpec(spec, CoverageOnly(&covered, false)).empty());
}

}  // namespace
}  // namespace wskconf::conformance
