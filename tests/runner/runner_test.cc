// The runner end to end against the tiny fixture binaries: every verdict,
// crash / abort / exit / hang recovery, the environment children get,
// parallel jobs and shards.
#include <poll.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>

#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "wskconf/runner.h"

namespace wskconf::conformance {
namespace {

using reports::CaseResult;
using reports::Verdict;

// Generous per-case limit for ordinary runs; the hang test uses a short one.
constexpr std::chrono::milliseconds kGenerousCaseTimeout{30000};
constexpr std::chrono::milliseconds kShortCaseTimeout{1000};

RunOptions FixtureOptions(const char* binary) {
  RunOptions options;
  options.adapter = WSKCONF_TEST_FAKE_PROVIDER;
  options.policy = "pend";
  options.binaries = {binary};
  options.case_timeout = kGenerousCaseTimeout;
  return options;
}

std::map<std::string, CaseResult> ByName(const reports::RunResult& run) {
  std::map<std::string, CaseResult> by_name;
  for (const CaseResult& result : run.cases) by_name[result.name] = result;
  return by_name;
}

reports::RunResult RunFixtures(const RunOptions& options) {
  std::ostringstream progress;
  StatusOr<reports::RunResult> run = RunSuite(options, progress);
  EXPECT_TRUE(run.ok()) << run.status().message();
  return run.ok() ? *run : reports::RunResult{};
}

TEST(RunnerTest, VerdictsOfTheBasicFixture) {
  const auto cases = ByName(RunFixtures(FixtureOptions(WSKCONF_TEST_BASIC)));
  ASSERT_EQ(cases.size(), 12u);
  EXPECT_EQ(cases.at("Basic.Passes").verdict, Verdict::kPass);
  EXPECT_EQ(cases.at("Basic.FailsMust").verdict, Verdict::kFail);
  EXPECT_EQ(cases.at("Basic.FailsShould").verdict, Verdict::kWarn);
  EXPECT_EQ(cases.at("Basic.Skips").verdict, Verdict::kSkip);
  EXPECT_EQ(cases.at("Basic.ControlBytesInMessage").verdict, Verdict::kFail);
  EXPECT_EQ(cases.at("Basic.DISABLED_NeverRuns").verdict, Verdict::kSkip);
  EXPECT_EQ(cases.at("Numbers/Param.Even/0").verdict, Verdict::kPass);
  EXPECT_EQ(cases.at("Numbers/Param.Even/1").verdict, Verdict::kFail);
  EXPECT_EQ(cases.at("Numbers/Param.Even/2").verdict, Verdict::kPass);
}

TEST(RunnerTest, RecordedClauseDataReachesTheResult) {
  const auto cases = ByName(RunFixtures(FixtureOptions(WSKCONF_TEST_BASIC)));
  const CaseResult& fail = cases.at("Basic.FailsMust");
  EXPECT_EQ(fail.clause_id, "WskFixture.FailsMust");
  EXPECT_EQ(fail.strength, "MUST");
  EXPECT_EQ(fail.spec_file, "spec/fixture.xml");
  EXPECT_EQ(fail.spec_line, 42);
  EXPECT_EQ(fail.family, "WskFixture");
  EXPECT_EQ(fail.expected, "STATUS_SUCCESS (0x00000000)");
  EXPECT_EQ(fail.actual, "STATUS_INVALID_PARAMETER (0xC000000D)");
  EXPECT_NE(fail.message.find("the provider returned the wrong status"),
            std::string::npos);
  EXPECT_NE(fail.message.find("basic_cases.cc:"), std::string::npos);
  // The first line, which consoles and CI show, says what went wrong.
  const std::string first_line = fail.message.substr(0, fail.message.find('\n'));
  EXPECT_NE(first_line.find(": the provider returned the wrong status"), std::string::npos)
      << fail.message;
  // An AssertionResult's explanation comes first too, the assertion after.
  const std::string& explained = cases.at("Basic.PrintsThenFails").message;
  EXPECT_NE(explained.substr(0, explained.find('\n'))
                .find(": PrintedAndFailed(): failed after printing"),
            std::string::npos)
      << explained;
  EXPECT_NE(explained.find("Value of: PrintedAndFailed()"), std::string::npos) << explained;
  EXPECT_EQ(cases.at("Basic.Skips").message, "the fixture skips on purpose");
}

TEST(RunnerTest, EveryByteOfAMessageArrivesUnchanged) {
  const auto cases = ByName(RunFixtures(FixtureOptions(WSKCONF_TEST_BASIC)));
  std::string expected = "bytes:";
  for (int byte = 1; byte < 256; ++byte) expected += static_cast<char>(byte);
  expected += "\xC3\x28 end";
  EXPECT_NE(cases.at("Basic.ControlBytesInMessage").message.find(expected),
            std::string::npos);
}

TEST(RunnerTest, OutputOfAFailingCaseIsKept) {
  const auto cases = ByName(RunFixtures(FixtureOptions(WSKCONF_TEST_BASIC)));
  const std::string& output = cases.at("Basic.PrintsThenFails").output;
  EXPECT_NE(output.find("printed by the case"), std::string::npos);
  EXPECT_NE(output.find("also on stderr"), std::string::npos);
  EXPECT_EQ(output.find("about to crash"), std::string::npos);
  EXPECT_TRUE(cases.at("Basic.Passes").output.empty());
}

TEST(RunnerTest, ChildrenGetProviderAndPolicy) {
  const auto cases = ByName(RunFixtures(FixtureOptions(WSKCONF_TEST_BASIC)));
  const CaseResult& env = cases.at("Basic.SeesEnvironment");
  EXPECT_EQ(env.expected, std::filesystem::absolute(WSKCONF_TEST_FAKE_PROVIDER).string());
  EXPECT_EQ(env.actual, "pend");
}

TEST(RunnerTest, CrashesAbortsExitsAndHangsBecomeErrorsAndTheRunGoesOn) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_CRASHY);
  options.case_timeout = kShortCaseTimeout;
  const auto cases = ByName(RunFixtures(options));
  ASSERT_EQ(cases.size(), 10u);
  for (const char* name : {"Crashy.A1Passes", "Crashy.A3Passes", "Crashy.A5Passes",
                           "Crashy.A7Passes", "Crashy.A9Passes"}) {
    EXPECT_EQ(cases.at(name).verdict, Verdict::kPass) << name;
  }
  const CaseResult& segv = cases.at("Crashy.A2Segfaults");
  EXPECT_EQ(segv.verdict, Verdict::kError);
  EXPECT_NE(segv.message.find("signal 11 (SIGSEGV)"), std::string::npos) << segv.message;
  EXPECT_NE(segv.output.find("about to crash"), std::string::npos);
  const CaseResult& abrt = cases.at("Crashy.A4Aborts");
  EXPECT_EQ(abrt.verdict, Verdict::kError);
  EXPECT_NE(abrt.message.find("SIGABRT"), std::string::npos) << abrt.message;
  const CaseResult& exited = cases.at("Crashy.A6ExitsMidRun");
  EXPECT_EQ(exited.verdict, Verdict::kError);
  EXPECT_NE(exited.message.find("exited with status 0 during this case"),
            std::string::npos) << exited.message;
  const CaseResult& hang = cases.at("Crashy.A8Hangs");
  EXPECT_EQ(hang.verdict, Verdict::kError);
  EXPECT_NE(hang.message.find("hang"), std::string::npos) << hang.message;
}

// A case blocked while an IRP it handed over is outstanding is ended by its
// own watchdog before the limit: a FAIL naming the IRP and the clause it
// breaks, not a hang. Blocked with nothing outstanding, it stays a hang.
TEST(RunnerTest, ACaseStuckOnAnIrpFailsNamingItAndOtherHangsStayErrors) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_STUCK);
  options.case_timeout = kShortCaseTimeout;
  const auto cases = ByName(RunFixtures(options));
  ASSERT_EQ(cases.size(), 4u);
  const CaseResult& stuck = cases.at("Stuck.A1WaitsOnAnIrpNeverCompleted");
  EXPECT_EQ(stuck.verdict, Verdict::kFail) << stuck.message;
  EXPECT_NE(stuck.message.find("never completed the IRP of WskFixtureCall"),
            std::string::npos) << stuck.message;
  EXPECT_NE(stuck.message.find("Irp.CompletionContract.CompletedExactlyOnce"),
            std::string::npos) << stuck.message;
  EXPECT_NE(stuck.output.find("never completed the IRP of WskFixtureCall"),
            std::string::npos) << stuck.output;
  const CaseResult& hang = cases.at("Stuck.A3CompletedIrpsAreNotBlamed");
  EXPECT_EQ(hang.verdict, Verdict::kError) << hang.message;
  EXPECT_NE(hang.message.find("hang"), std::string::npos) << hang.message;
  EXPECT_EQ(hang.message.find("WskFinishedCall"), std::string::npos);
  EXPECT_NE(hang.output.find("no IRP outstanding"), std::string::npos) << hang.output;
  EXPECT_EQ(cases.at("Stuck.A2Passes").verdict, Verdict::kPass);
  EXPECT_EQ(cases.at("Stuck.A4Passes").verdict, Verdict::kPass);
}

// True when `pid` has ended (reaped, or a zombie waiting for its parent)
// within `limit`. The runner's SIGKILL to the process group is delivered
// asynchronously: on a loaded machine the grandchild can take a few
// milliseconds to exit after the run returns, so this waits for it.
bool HasEnded(pid_t pid, std::chrono::milliseconds limit) {
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return errno == ESRCH;
  struct pollfd pfd = {fd, POLLIN, 0};
  int ready;
  do {
    ready = poll(&pfd, 1, static_cast<int>(limit.count()));
  } while (ready < 0 && errno == EINTR);
  const bool ended = ready == 1;
  close(fd);
  return ended;
}

TEST(RunnerTest, NothingATestBinaryLeftBehindOutlivesIt) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_CRASHY);
  options.filter = "Crashy.A0*";
  const auto cases = ByName(RunFixtures(options));
  const CaseResult& result = cases.at("Crashy.A0LeavesAGrandchild");
  ASSERT_EQ(result.verdict, Verdict::kPass);
  const pid_t grandchild = std::stoi(result.actual);
  constexpr std::chrono::milliseconds kExitLimit{5000};
  EXPECT_TRUE(HasEnded(grandchild, kExitLimit)) << "pid " << grandchild;
}

// A case that dies before recording its clause still gets it, from the spec.
TEST(RunnerTest, ClauseDataComesFromTheSpecWhenTheCaseRecordedNone) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_CRASHY);
  options.spec_dir = WSKCONF_TEST_FIXTURE_SPEC;
  options.filter = "Crashy.A2*";
  const auto cases = ByName(RunFixtures(options));
  const CaseResult& segv = cases.at("Crashy.A2Segfaults");
  EXPECT_EQ(segv.verdict, Verdict::kError);
  EXPECT_EQ(segv.clause_id, "Crashy.A2Segfaults");
  EXPECT_EQ(segv.strength, "MUST");
  EXPECT_EQ(segv.family, "Crashy");
  EXPECT_EQ(segv.spec_file, "spec/fixture.xml");
  EXPECT_EQ(segv.spec_line, 7);
}

TEST(RunnerTest, FilterMatchesClauseIds) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_CRASHY);
  options.spec_dir = WSKCONF_TEST_FIXTURE_SPEC;
  options.filter = "Crashy.A2Segf*";  // the clause id, not the gtest name
  EXPECT_EQ(RunFixtures(options).cases.size(), 1u);
}

// A progress stream that stops the run once `text` was written to it.
class StopWhenSeen : public std::stringbuf {
 public:
  explicit StopWhenSeen(std::string text) : text_(std::move(text)) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    const std::streamsize written = std::stringbuf::xsputn(s, n);
    if (str().find(text_) != std::string::npos) RequestStop();
    return written;
  }

 private:
  std::string text_;
};

TEST(RunnerTest, AStoppedRunStillReportsEveryCase) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_CRASHY);  // 30 s per case
  StopWhenSeen buffer("Crashy.A6ExitsMidRun");  // reported just before the hang
  std::ostream progress(&buffer);
  StatusOr<reports::RunResult> run = RunSuite(options, progress);
  ASSERT_TRUE(run.ok()) << run.status().message();
  const auto cases = ByName(*run);
  ASSERT_EQ(cases.size(), 10u);
  EXPECT_EQ(cases.at("Crashy.A5Passes").verdict, Verdict::kPass);
  for (const char* name : {"Crashy.A8Hangs", "Crashy.A9Passes"}) {
    EXPECT_EQ(cases.at(name).verdict, Verdict::kError) << name;
    EXPECT_NE(cases.at(name).message.find("stopped"), std::string::npos)
        << cases.at(name).message;
  }
  // The next run starts afresh.
  EXPECT_EQ(ByName(RunFixtures(FixtureOptions(WSKCONF_TEST_BASIC)))
                .at("Basic.Passes").verdict, Verdict::kPass);
}

TEST(RunnerTest, AProcessThatDiesBeforeItsFirstCaseErrorsEveryCase) {
  setenv("RUNNER_FIXTURE_EXIT_AT_START", "1", 1);
  const auto cases = ByName(RunFixtures(FixtureOptions(WSKCONF_TEST_CRASHY)));
  unsetenv("RUNNER_FIXTURE_EXIT_AT_START");
  ASSERT_EQ(cases.size(), 10u);
  for (const auto& [name, result] : cases) {
    EXPECT_EQ(result.verdict, Verdict::kError) << name;
    EXPECT_NE(result.message.find("exited with status 7 before starting"),
              std::string::npos) << result.message;
  }
}

TEST(RunnerTest, ParallelJobsGiveTheSameResults) {
  reports::RunResult serial = RunFixtures(FixtureOptions(WSKCONF_TEST_BASIC));
  RunOptions options = FixtureOptions(WSKCONF_TEST_BASIC);
  options.jobs = 3;
  reports::RunResult parallel = RunFixtures(options);
  ASSERT_EQ(serial.cases.size(), parallel.cases.size());
  for (std::size_t i = 0; i < serial.cases.size(); ++i) {
    EXPECT_EQ(serial.cases[i].name, parallel.cases[i].name);
    EXPECT_EQ(serial.cases[i].verdict, parallel.cases[i].verdict) << serial.cases[i].name;
  }
}

TEST(RunnerTest, ShardsPartitionTheRun) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_BASIC);
  options.binaries.push_back(WSKCONF_TEST_CRASHY);
  options.filter = "-Crashy.A8Hangs";
  const auto whole = ByName(RunFixtures(options));
  std::map<std::string, CaseResult> joined;
  for (int index = 0; index < 3; ++index) {
    options.shard_index = index;
    options.shard_count = 3;
    for (auto& [name, result] : ByName(RunFixtures(options))) {
      EXPECT_TRUE(joined.emplace(name, result).second) << name << " in two shards";
    }
  }
  ASSERT_EQ(joined.size(), whole.size());
  for (const auto& [name, result] : whole) {
    EXPECT_EQ(joined.at(name).verdict, result.verdict) << name;
  }
}

TEST(RunnerTest, ProgressIsALineRewrittenOnATerminalAndPlainLinesOtherwise) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_BASIC);
  std::ostringstream plain;
  ASSERT_TRUE(RunSuite(options, plain).ok());
  EXPECT_EQ(plain.str().find('\r'), std::string::npos);
  EXPECT_NE(plain.str().find("progress: 12/12 cases (4 pass, 5 fail, 1 warn, 2 skip, 0 error)\n"),
            std::string::npos) << plain.str();
  EXPECT_NE(plain.str().find("fail  Basic.FailsMust [WskFixture.FailsMust]: "),
            std::string::npos) << plain.str();

  options.progress_is_terminal = true;
  std::ostringstream terminal;
  ASSERT_TRUE(RunSuite(options, terminal).ok());
  EXPECT_NE(terminal.str().find("[12/12] 4 pass, 5 fail"), std::string::npos);
  EXPECT_NE(terminal.str().find("[1/12] "), std::string::npos);
  EXPECT_NE(terminal.str().find("\r\033[K"), std::string::npos);
  EXPECT_EQ(terminal.str().find("progress: "), std::string::npos);
}

TEST(RunnerTest, FilterSelectsByNameAndExcludes) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_BASIC);
  options.filter = "Basic.*:-Basic.Fails*:-*Disabled*:-Basic.DISABLED_*";
  const auto cases = ByName(RunFixtures(options));
  EXPECT_EQ(cases.count("Basic.Passes"), 1u);
  EXPECT_EQ(cases.count("Basic.FailsMust"), 0u);
  EXPECT_EQ(cases.count("Numbers/Param.Even/0"), 0u);
}

TEST(RunnerTest, UnusableInputIsAnErrorNotARun) {
  RunOptions options = FixtureOptions(WSKCONF_TEST_BASIC);
  options.adapter = "/nonexistent/provider.so";
  std::ostringstream progress;
  StatusOr<reports::RunResult> run = RunSuite(options, progress);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("/nonexistent/provider.so"), std::string::npos);

  options = FixtureOptions("/nonexistent/binary");
  run = RunSuite(options, progress);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("/nonexistent/binary"), std::string::npos);

  options = FixtureOptions(WSKCONF_TEST_BASIC);
  options.binaries.push_back(WSKCONF_TEST_BASIC);
  run = RunSuite(options, progress);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("is given twice"), std::string::npos);

  // Two files with the same cases.
  const std::filesystem::path copy =
      std::filesystem::temp_directory_path() /
      ("wskconf-basic-copy-" + std::to_string(getpid()));
  std::filesystem::copy_file(WSKCONF_TEST_BASIC, copy,
                             std::filesystem::copy_options::overwrite_existing);
  options = FixtureOptions(WSKCONF_TEST_BASIC);
  options.binaries.push_back(copy);
  run = RunSuite(options, progress);
  std::filesystem::remove(copy);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("is in two test binaries"), std::string::npos);

  options = FixtureOptions(WSKCONF_TEST_BASIC);
  options.adapter = "reference";
  options.reference_so.clear();
  run = RunSuite(options, progress);
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("not built"), std::string::npos);
}

}  // namespace
}  // namespace wskconf::conformance
