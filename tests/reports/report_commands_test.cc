// Tests of conformance/tools/report_commands.cc (`wskconf report diff|merge`):
// in process through the CLI parser, plus the built binary's exit codes. The
// diff listing is golden-tested; temporary paths in messages are normalised.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "report_commands.h"
#include "sample_run.h"
#include "wskconf/reports/reports.h"

namespace wskconf::tools {
namespace {

namespace wr = ::wskconf::reports;
using ::testing::HasSubstr;

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

class ReportCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("wskconf_report_commands_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const wr::RunResult& run) {
    const std::string path = (dir_ / name).string();
    EXPECT_TRUE(wr::WriteTextFile(path, wr::WriteRichJUnit(run)).ok());
    return path;
  }

  CommandResult Run(std::vector<std::string> args) {
    CLI::App app;
    ReportCommands commands;
    AddReportCommands(app, commands);
    args.insert(args.begin(), "wskconf");
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      return {2, "", e.what()};
    }
    std::optional<int> code = RunReportCommands(commands, out, err);
    EXPECT_TRUE(code.has_value());
    return {code.value_or(-1), out.str(), err.str()};
  }

  // `text` with this test's scratch folder written as <dir>.
  std::string Normalised(std::string text) const {
    const std::string dir = dir_.string();
    for (std::size_t at; (at = text.find(dir)) != std::string::npos;) {
      text.replace(at, dir.size(), "<dir>");
    }
    return text;
  }

  std::filesystem::path dir_;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

wr::RunResult Changed() {
  wr::RunResult run = wr::testing::SampleRun();
  run.cases[0].verdict = wr::Verdict::kFail;   // WskSend.WSK_Send_0001 pass -> fail
  run.cases[1].verdict = wr::Verdict::kPass;   // WskSend.WSK_Send_0002 fail -> pass
  run.cases[3].verdict = wr::Verdict::kPass;   // WskBind.WSK_Bind_0008 skip -> pass
  run.cases.pop_back();                        // Registration.HarnessSelfCheck removed
  run.cases.push_back({.name = "WskClose.WSK_Close_0001", .verdict = wr::Verdict::kPass});
  return run;
}

TEST_F(ReportCommandsTest, DiffListsEachKindAndExitsOneWhenSomethingNewlyFails) {
  const CommandResult r =
      Run({"report", "diff", Write("old.xml", wr::testing::SampleRun()), Write("new.xml", Changed())});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::filesystem::path golden =
      std::filesystem::path(WSKCONF_REPORTS_GOLDEN_DIR) / "diff.txt";
  if (const char* regen = std::getenv("WSKCONF_REGENERATE_GOLDEN"); regen && regen == std::string("1")) {
    ASSERT_TRUE(wr::WriteTextFile(golden, r.out).ok());
  } else {
    EXPECT_EQ(r.out, ReadFile(golden));
  }
}

TEST_F(ReportCommandsTest, DiffOfEqualRunsExitsZero) {
  const std::string path = Write("run.xml", wr::testing::SampleRun());
  const CommandResult r = Run({"report", "diff", path, path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("newly failing (0)\n"));
}

TEST_F(ReportCommandsTest, DiffOfUnreadableInputExitsTwoNamingTheFile) {
  const std::string strict = (dir_ / "strict.xml").string();
  ASSERT_TRUE(wr::WriteTextFile(strict, wr::WriteStrictJUnit(wr::testing::SampleRun())).ok());
  const CommandResult r = Run({"report", "diff", strict, (dir_ / "missing.xml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Normalised(r.err).substr(0, 50), "wskconf report diff: <dir>/strict.xml:3: not a wsk");
}

TEST_F(ReportCommandsTest, MergeOfShardsWritesWhatTheUnshardedRunWrites) {
  const wr::RunResult run = wr::testing::SampleRun();
  std::vector<std::string> args = {"report", "merge"};
  for (std::size_t shard = 0; shard < 3; ++shard) {
    wr::RunResult part{run.adapter, run.policy, {}};
    for (std::size_t i = shard; i < run.cases.size(); i += 3) part.cases.push_back(run.cases[i]);
    args.push_back(Write("shard" + std::to_string(shard) + ".xml", part));
  }
  for (const char* flag : {"--junit", "--junit-rich", "--html"}) {
    args.push_back(flag);
    args.push_back((dir_ / (std::string(flag + 2) + ".out")).string());
  }
  const CommandResult r = Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "merged 3 reports: 7 cases\n");
  EXPECT_EQ(ReadFile(dir_ / "junit.out"), wr::WriteStrictJUnit(run));
  EXPECT_EQ(ReadFile(dir_ / "junit-rich.out"), wr::WriteRichJUnit(run));
  EXPECT_EQ(ReadFile(dir_ / "html.out"), wr::WriteHtmlSummary(run));
}

TEST_F(ReportCommandsTest, MergeRefusesOverlappingShardsAndMissingOutputs) {
  const std::string path = Write("a.xml", wr::testing::SampleRun());
  CommandResult r = Run({"report", "merge", path, path, "--junit", (dir_ / "o.xml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("is in shard 0 and shard 1"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "o.xml"));
  r = Run({"report", "merge", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("nothing to write"));
}

// An output that cannot be written is named with the reason before any
// merging: here the shards overlap too, and the output is what is reported.
TEST_F(ReportCommandsTest, MergeNamesAnUnwritableOutputAndWhyBeforeMerging) {
  const std::string path = Write("a.xml", wr::testing::SampleRun());
  CommandResult r = Run({"report", "merge", path, path, "--junit", "/nonexistent/wskconf/x.xml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "wskconf report merge: /nonexistent/wskconf/x.xml: cannot be written: folder "
            "/nonexistent/wskconf: No such file or directory\n");
  r = Run({"report", "merge", path, "--html", dir_.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Normalised(r.err), "wskconf report merge: <dir>: cannot be written: is a directory\n");
}

int ExitCodeOf(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(ReportCommandsTest, BinaryExitCodes) {
  const std::string cli = WSKCONF_TEST_CLI;
  const std::string old_path = Write("old.xml", wr::testing::SampleRun());
  const std::string new_path = Write("new.xml", Changed());
  EXPECT_EQ(ExitCodeOf(cli + " report diff " + old_path + " " + old_path), 0);
  EXPECT_EQ(ExitCodeOf(cli + " report diff " + old_path + " " + new_path), 1);
  EXPECT_EQ(ExitCodeOf(cli + " report diff " + old_path + " /nonexistent.xml"), 2);
  EXPECT_EQ(ExitCodeOf(cli + " report diff " + old_path), 2);  // usage
  EXPECT_EQ(ExitCodeOf(cli + " report merge " + old_path + " --html " +
                       (dir_ / "x.html").string()), 0);
}

}  // namespace
}  // namespace wskconf::tools
