// The reports of `wskconf run`: written whatever the cases did (crash, hang,
// arbitrary bytes), the strict one valid against both JUnit schemas, the rich
// one reading back to the run's verdicts, and merged shard reports equal to
// an unsharded run's.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "wskconf/reports/reports.h"
#include "wskconf/runner.h"

namespace wskconf::conformance {
namespace {

// The hang case of the crashy fixture is killed after this.
constexpr std::chrono::milliseconds kShortCaseTimeout{1000};

class RunnerReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wskconf-runner-reports-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunOptions Options() const {
    RunOptions options;
    options.adapter = WSKCONF_TEST_FAKE_PROVIDER;
    options.binaries = {WSKCONF_TEST_BASIC, WSKCONF_TEST_CRASHY};
    options.case_timeout = kShortCaseTimeout;
    options.junit = dir_ / "junit.xml";
    options.junit_rich = dir_ / "junit-rich.xml";
    options.html = dir_ / "report.html";
    return options;
  }

  int Command(const RunOptions& options, std::string& out) {
    std::ostringstream out_stream, err_stream;
    const int code = RunCommand(options, out_stream, err_stream);
    out = out_stream.str() + err_stream.str();
    return code;
  }

  std::filesystem::path dir_;
};

int Xmllint(const std::filesystem::path& schema, const std::filesystem::path& xml) {
  const std::string command = "xmllint --noout --nonet --schema '" + schema.string() +
                              "' '" + xml.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(RunnerReportsTest, ReportsAreWrittenAndValidWhateverTheCasesDid) {
  std::string out;
  EXPECT_EQ(Command(Options(), out), kRunExitFailed) << out;
  for (const char* name : {"junit.xml", "junit-rich.xml", "report.html"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(dir_ / name)) << name;
    EXPECT_NE(out.find((dir_ / name).string()), std::string::npos) << out;
  }
  const std::filesystem::path schemas = WSKCONF_TEST_SCHEMA_DIR;
  if (!std::filesystem::is_directory(schemas)) {
    GTEST_SKIP() << "no JUnit schemas at " << schemas << " (../shared/schemas)";
  }
  EXPECT_EQ(Xmllint(schemas / "windyroad-ant-JUnit.xsd", dir_ / "junit.xml"), 0);
  EXPECT_EQ(Xmllint(schemas / "jenkins-xunit-junit-10.xsd", dir_ / "junit.xml"), 0);
}

TEST_F(RunnerReportsTest, TheRichReportReadsBackToTheRun) {
  RunOptions options = Options();
  std::ostringstream progress;
  StatusOr<reports::RunResult> run = RunSuite(options, progress);
  ASSERT_TRUE(run.ok()) << run.status().message();
  std::string out;
  Command(options, out);
  StatusOr<reports::RunResult> read = reports::ReadRichJUnit(dir_ / "junit-rich.xml");
  ASSERT_TRUE(read.ok()) << read.status().message();
  std::map<std::string, reports::Verdict> expected, actual;
  for (const auto& c : run->cases) expected[c.name] = c.verdict;
  for (const auto& c : read->cases) actual[c.name] = c.verdict;
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(read->adapter, options.adapter);
  EXPECT_EQ(read->policy, options.policy);
}

TEST_F(RunnerReportsTest, MergedShardReportsEqualTheUnshardedOne) {
  RunOptions options = Options();
  // No hang (keeps the test fast; hangs are tested above), no pid that
  // differs between runs.
  options.filter = "-Crashy.A8Hangs:-Crashy.A0*";
  std::string out;
  Command(options, out);
  StatusOr<reports::RunResult> whole = reports::ReadRichJUnit(dir_ / "junit-rich.xml");
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  std::vector<reports::RunResult> shards;
  for (int index = 0; index < 2; ++index) {
    options.shard_index = index;
    options.shard_count = 2;
    options.junit_rich = dir_ / ("shard" + std::to_string(index) + ".xml");
    Command(options, out);
    StatusOr<reports::RunResult> shard = reports::ReadRichJUnit(*options.junit_rich);
    ASSERT_TRUE(shard.ok()) << shard.status().message();
    shards.push_back(*shard);
  }
  StatusOr<reports::RunResult> merged = reports::MergeRuns(shards);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  // Equal up to timings, which no two runs share.
  for (reports::RunResult* run : {&*whole, &*merged}) {
    for (reports::CaseResult& c : run->cases) c.seconds = 0;
  }
  EXPECT_EQ(reports::WriteRichJUnit(*merged), reports::WriteRichJUnit(*whole));
}

TEST_F(RunnerReportsTest, AReportThatCannotBeWrittenIsAnError) {
  RunOptions options = Options();
  options.filter = "Basic.Passes";
  options.junit = dir_ / "no-such-dir" / "junit.xml";
  std::string out;
  EXPECT_EQ(Command(options, out), kRunExitUsage);
  EXPECT_NE(out.find("--junit '" + options.junit->string() + "': folder '" +
                     (dir_ / "no-such-dir").string() + "' does not exist"),
            std::string::npos)
      << out;
  // Found before the run: no case ran, so none of its results were lost.
  EXPECT_EQ(out.find("cases against"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "report.html"));
}

TEST_F(RunnerReportsTest, AFolderGivenAsTheReportFileStopsTheRunBeforeItStarts) {
  RunOptions options = Options();
  options.filter = "Basic.Passes";
  options.html = dir_;
  std::string out;
  EXPECT_EQ(Command(options, out), kRunExitUsage);
  EXPECT_NE(out.find("--html '" + dir_.string() + "': is a folder"), std::string::npos) << out;
  EXPECT_EQ(out.find("cases against"), std::string::npos) << out;
}

TEST_F(RunnerReportsTest, TwoReportsOnOnePathStopTheRunBeforeItStarts) {
  RunOptions options = Options();
  options.filter = "Basic.Passes";
  options.html = dir_ / "." / "junit.xml";
  std::string out;
  EXPECT_EQ(Command(options, out), kRunExitUsage);
  EXPECT_NE(out.find("--junit and --html both name"), std::string::npos) << out;
  EXPECT_EQ(out.find("cases against"), std::string::npos) << out;
}

// A write that fails after the run (here: a full device) is an error naming
// that report, and the other reports are still written.
TEST_F(RunnerReportsTest, AReportThatFailsToWriteDoesNotCostTheOthers) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  RunOptions options = Options();
  options.filter = "Basic.Passes";
  options.junit = "/dev/full";
  std::string out;
  EXPECT_EQ(Command(options, out), kRunExitUsage);
  EXPECT_NE(out.find("/dev/full: cannot be written"), std::string::npos) << out;
  EXPECT_NE(out.find("1 cases against"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "junit-rich.xml")) << out;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "report.html")) << out;
}

}  // namespace
}  // namespace wskconf::conformance
