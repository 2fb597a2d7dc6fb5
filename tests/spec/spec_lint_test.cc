// Tests of `wskconf spec lint` (conformance/src/spec_lint.cc): one fixture per
// rule under fixtures/lint/<case>/ whose expected.txt is the exact output.
// Set WSKCONF_UPDATE_GOLDEN=1 to rewrite expected.txt files (then review).
#include <algorithm>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "test_support.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

using testing::Fixture;
using testing::ReadLines;
using testing::ScratchDir;
using testing::SpecDocument;
using testing::WriteFile;

LintOptions FixtureOptions(const std::filesystem::path& dir) {
  LintOptions options;
  options.docs_root = Fixture("docs");
  options.verifier_rules = ReadLines(dir / "rules.txt");
  options.verifier_rules_file = "rules.txt";
  return options;
}

std::vector<std::string> LintFolder(const std::filesystem::path& dir) {
  StatusOr<Spec> spec = LoadSpecDir(dir, "");
  if (!spec.ok()) return {"load error: " + spec.status().message()};
  std::vector<std::string> lines;
  for (const Diagnostic& d : LintSpec(*spec, FixtureOptions(dir))) {
    lines.push_back(d.ToString());
  }
  return lines;
}

// One folder under fixtures/lint per lint rule.
const std::vector<std::string> kLintFixtures = {
    "checked_by_verifier_without_rule", "clause_id_prefix", "client_marking",
    "clause_with_empty_text", "clause_with_two_texts", "clause_without_side_or_text",
    "clause_without_source",
    "clause_without_strength", "conflict_taken", "dangling_event_table",
    "dangling_member_ref", "dangling_param_flags", "dangling_refs",
    "dangling_used_by", "duplicate_id", "element_without_clause", "irp_without_information",
    "missing_source_page", "should_without_reason", "source_outside_docs",
    "status_and_class", "structure_problems", "unknown_status",
    "unknown_attribute", "untestable_reason", "verifier_rule_without_clause",
    "verifier_rule_wrong_side",
    "wrong_namespace",
};

class LintFixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LintFixtureTest, ReportsExactlyTheExpectedFindings) {
  const std::filesystem::path dir = Fixture("lint") / GetParam();
  const std::vector<std::string> actual = LintFolder(dir);
  if (const char* update = std::getenv("WSKCONF_UPDATE_GOLDEN");
      update != nullptr && std::string(update) == "1") {
    std::string text;
    for (const std::string& line : actual) text += line + "\n";
    WriteFile(dir / "expected.txt", text);
  }
  EXPECT_FALSE(actual.empty()) << "a lint fixture must trigger its rule";
  EXPECT_EQ(actual, ReadLines(dir / "expected.txt"));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, LintFixtureTest, ::testing::ValuesIn(kLintFixtures),
    [](const ::testing::TestParamInfo<std::string>& info) {
      std::string name;
      bool upper = true;
      for (char c : info.param) {
        if (c == '_') {
          upper = true;
          continue;
        }
        name += upper ? static_cast<char>(std::toupper(c)) : c;
        upper = false;
      }
      return name;
    });

TEST(LintClientMarkingTest, NeitherVerifierNorUntestableIsReportedOnRequest) {
  const std::filesystem::path dir = Fixture("lint") / "client_marking";
  StatusOr<Spec> spec = LoadSpecDir(dir, "");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  LintOptions options = FixtureOptions(dir);
  options.require_client_marking = true;
  std::vector<std::string> lines;
  for (const Diagnostic& d : LintSpec(*spec, options)) {
    lines.push_back(d.ToString());
  }
  std::vector<std::string> expected = ReadLines(dir / "expected.txt");
  expected.push_back(
      "spec.xml:16: client clause 'Irp.Neither' is neither checked by the "
      "verifier (checked-by=\"verifier\") nor marked "
      "checked-by=\"untestable\" with a reason");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(lines, expected);
}

TEST(SpecLintTest, CleanFixtureHasNoFindings) {
  EXPECT_EQ(LintFolder(Fixture("clean")), std::vector<std::string>{});
}

TEST(SpecLintTest, EveryFixtureFolderIsListed) {
  // A fixture folder missing from kLintFixtures would never run.
  std::vector<std::string> folders;
  for (const auto& entry :
       std::filesystem::directory_iterator(Fixture("lint"))) {
    if (entry.is_directory()) folders.push_back(entry.path().filename());
  }
  std::sort(folders.begin(), folders.end());
  std::vector<std::string> listed = kLintFixtures;
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(folders, listed);
}

TEST(SpecLintTest, VerifierRuleIdsComeFromTheKernelHeader) {
  const std::vector<std::string> ids = VerifierRuleIds();
  ASSERT_GE(ids.size(), 18u);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "Irp.CompletedTwice"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "Leak.Pool"), ids.end());
  // Ids are clause ids: unique, "<Topic>.<What>".
  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end());
  for (const std::string& id : ids) {
    EXPECT_NE(id.find('.'), std::string::npos) << id;
    EXPECT_EQ(id.find(' '), std::string::npos) << id;
  }
  EXPECT_NE(std::find(ids.begin(), ids.end(), "Kernel.NullArgument"),
            ids.end());
  EXPECT_EQ(LintOptions().verifier_rules, ids);
}

TEST(SpecLintTest, OutputIsSortedAndDeterministic) {
  ScratchDir dir;
  // Findings in two files, written out of order on purpose.
  WriteFile(dir.path() / "b.xml", SpecDocument("<topic id=\"B\"/>\n<topic id=\"A\"/>"));
  WriteFile(dir.path() / "a.xml", SpecDocument("<topic id=\"Z\"/>"));
  StatusOr<Spec> spec = LoadSpecDir(dir.path(), "");
  ASSERT_TRUE(spec.ok());
  LintOptions options;
  options.docs_root = Fixture("docs");
  options.verifier_rules.clear();
  const std::vector<Diagnostic> first = LintSpec(*spec, options);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].ToString(), "a.xml:3: <topic> 'Z' has no clause");
  EXPECT_EQ(first[1].ToString(), "b.xml:3: <topic> 'B' has no clause");
  EXPECT_EQ(first[2].ToString(), "b.xml:4: <topic> 'A' has no clause");
  EXPECT_EQ(LintSpec(*spec, options), first);
}

class DocsRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* env = std::getenv("WSKCONF_DOCS")) saved_ = env;
    unsetenv("WSKCONF_DOCS");
  }
  void TearDown() override {
    if (saved_) {
      setenv("WSKCONF_DOCS", saved_->c_str(), 1);
    } else {
      unsetenv("WSKCONF_DOCS");
    }
  }
  std::optional<std::string> saved_;
};

TEST_F(DocsRootTest, FlagThenEnvironmentThenDefault) {
  ScratchDir root;  // root/a/spec and root/shared/wsk-docs
  std::filesystem::create_directories(root.path() / "a" / "spec");
  std::filesystem::create_directories(root.path() / "shared" / "wsk-docs");
  const std::filesystem::path spec = root.path() / "a" / "spec";

  StatusOr<std::filesystem::path> chosen = ResolveDocsRoot(std::nullopt, spec);
  ASSERT_TRUE(chosen.ok()) << chosen.status().message();
  EXPECT_TRUE(std::filesystem::equivalent(*chosen,
                                          root.path() / "shared" / "wsk-docs"));

  setenv("WSKCONF_DOCS", Fixture("docs").c_str(), 1);
  chosen = ResolveDocsRoot(std::nullopt, spec);
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(*chosen, Fixture("docs"));

  chosen = ResolveDocsRoot(root.path() / "a", spec);
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(*chosen, root.path() / "a");
}

TEST_F(DocsRootTest, MissingFolderIsNotFoundAndSaysWhatWasTried) {
  ScratchDir root;
  StatusOr<std::filesystem::path> chosen =
      ResolveDocsRoot(std::nullopt, root.path() / "spec");
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.status().code(), StatusCode::kNotFound);
  EXPECT_NE(chosen.status().message().find("the default <spec dir>"),
            std::string::npos);
  chosen = ResolveDocsRoot(root.path() / "nope", root.path());
  ASSERT_FALSE(chosen.ok());
  EXPECT_NE(chosen.status().message().find("(from --docs)"), std::string::npos)
      << chosen.status().message();
}

}  // namespace
}  // namespace wskconf::conformance
