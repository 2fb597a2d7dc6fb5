// Conformance statements: parsing and checking against the spec (optional
// features come from `availability`), and their effect on a run: cases of an
// unsupported feature are SKIP with the reason, a supported claim that fails
// is reported, a mandatory feature cannot be declared away.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "runner/statement.h"
#include "wskconf/runner.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

using internal::ParseStatement;

Spec FixtureSpec() {
  StatusOr<Spec> spec = LoadSpecDir(WSKCONF_TEST_FIXTURE_SPEC);
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  return spec.ok() ? *spec : Spec{};
}

TEST(StatementTest, ParsesSupportedAndUnsupportedWithReasons) {
  StatusOr<internal::Statement> statement = ParseStatement(
      "# comment\n\nOptional = unsupported: not in this port  # trailing\n",
      "s.txt", FixtureSpec());
  ASSERT_TRUE(statement.ok()) << statement.status().message();
  const internal::FeatureDeclaration& d = statement->features.at("Optional");
  EXPECT_FALSE(d.supported);
  EXPECT_EQ(d.reason, "not in this port");
  EXPECT_EQ(d.line, 3);
  EXPECT_NE(internal::UnsupportedFeature(*statement, "Optional"), nullptr);
  EXPECT_EQ(internal::UnsupportedFeature(*statement, "Basic"), nullptr);
}

TEST(StatementTest, RejectsEveryProblemWithItsLine) {
  StatusOr<internal::Statement> statement = ParseStatement(
      "Basic = unsupported: no\n"       // mandatory
      "Optional = unsupported\n"        // no reason
      "Nope = supported\n"              // not an element
      "Optional = maybe\n"              // bad value
      "just words\n"                    // no '='
      "Crashy = supported\n"
      "Crashy = supported\n",           // twice
      "s.txt", FixtureSpec());
  ASSERT_FALSE(statement.ok());
  const std::string m = statement.status().message();
  EXPECT_NE(m.find("s.txt:1: 'Basic' is mandatory"), std::string::npos) << m;
  EXPECT_NE(m.find("s.txt:2: 'Optional' is declared unsupported without a reason"),
            std::string::npos) << m;
  EXPECT_NE(m.find("s.txt:3: 'Nope' is not an element of the spec"), std::string::npos) << m;
  EXPECT_NE(m.find("s.txt:4: 'maybe' must be"), std::string::npos) << m;
  EXPECT_NE(m.find("s.txt:5: expected 'ID = supported'"), std::string::npos) << m;
  EXPECT_NE(m.find("s.txt:7: 'Crashy' is declared twice (first on line 6)"),
            std::string::npos) << m;
}

// A line with no id, or bytes that are not text, are named readably.
TEST(StatementTest, NamesAMissingIdAndShowsBinaryBytesEscaped) {
  StatusOr<internal::Statement> statement = ParseStatement(
      std::string("= supported\n\xff\xfe = supported\nOptional = \x01yes\n"), "s.txt",
      FixtureSpec());
  ASSERT_FALSE(statement.ok());
  const std::string m = statement.status().message();
  EXPECT_NE(m.find("s.txt:1: no feature id before '='"), std::string::npos) << m;
  EXPECT_NE(m.find("s.txt:2: '\\xff\\xfe' is not an element of the spec"), std::string::npos)
      << m;
  EXPECT_NE(m.find("s.txt:3: '\\x01yes' must be"), std::string::npos) << m;
}

TEST(StatementTest, AStatementPathThatIsNoFileSaysWhy) {
  const Spec spec = FixtureSpec();
  StatusOr<internal::Statement> missing =
      internal::LoadStatement("/nonexistent/statement.txt", spec);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("statement.txt': no such file"), std::string::npos)
      << missing.status().message();
  StatusOr<internal::Statement> folder = internal::LoadStatement("/tmp", spec);
  ASSERT_FALSE(folder.ok());
  EXPECT_NE(folder.status().message().find("'/tmp': not a regular file"), std::string::npos)
      << folder.status().message();
}

TEST(StatementTest, OptionalFeaturesComeFromAvailability) {
  Element element;
  EXPECT_FALSE(internal::OptionalSince(element).has_value());
  element.attributes["availability"] = "Windows Vista";
  EXPECT_FALSE(internal::OptionalSince(element).has_value());
  element.attributes["availability"] = "Windows 7";
  EXPECT_EQ(internal::OptionalSince(element), "Windows 7");
}

class StatementRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    statement_ = std::filesystem::temp_directory_path() /
                 ("wskconf-statement-" + std::to_string(getpid()));
  }
  void TearDown() override { std::filesystem::remove(statement_); }

  StatusOr<reports::RunResult> RunWith(const std::string& text, std::string& log) {
    std::ofstream(statement_) << text;
    RunOptions options;
    options.adapter = WSKCONF_TEST_FAKE_PROVIDER;
    options.binaries = {WSKCONF_TEST_BASIC};
    options.spec_dir = WSKCONF_TEST_FIXTURE_SPEC;
    options.statement = statement_;
    options.filter = "Optional.*:Basic.Passes";
    std::ostringstream progress;
    StatusOr<reports::RunResult> run = RunSuite(options, progress);
    log = progress.str();
    return run;
  }

  std::filesystem::path statement_;
};

TEST_F(StatementRunTest, UnsupportedFeatureCasesAreSkippedWithTheReason) {
  std::string log;
  StatusOr<reports::RunResult> run =
      RunWith("Optional = unsupported: not in this port\n", log);
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->cases.size(), 2u);
  const reports::CaseResult& optional = run->cases[1];
  EXPECT_EQ(optional.name, "Optional.Feature");
  EXPECT_EQ(optional.verdict, reports::Verdict::kSkip);
  EXPECT_EQ(optional.message.rfind("not in this port (the conformance statement", 0), 0u)
      << optional.message;
  EXPECT_EQ(run->cases[0].verdict, reports::Verdict::kPass);
}

TEST_F(StatementRunTest, AFailingSupportedClaimIsReported) {
  std::string log;
  StatusOr<reports::RunResult> run = RunWith("Optional = supported\n", log);
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->cases[1].verdict, reports::Verdict::kFail);
  EXPECT_NE(run->cases[1].message.find("claims 'Optional' supported"), std::string::npos);
  EXPECT_NE(log.find(":1: claims 'Optional' supported, but 1 of its cases failed: "
                     "Optional.Feature"),
            std::string::npos) << log;
}

TEST_F(StatementRunTest, DeclaringAwayAMandatoryFeatureStopsTheRun) {
  std::string log;
  StatusOr<reports::RunResult> run = RunWith("Basic = unsupported: lazy\n", log);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("'Basic' is mandatory"), std::string::npos);
}

}  // namespace
}  // namespace wskconf::conformance
