// `wskconf run` and `wskconf list` through the built binary: each documented
// exit code (0 every MUST passed, 1 a MUST failed or a case errored, 2 usage
// or unusable input), --help naming every flag, and the list output.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

CommandResult Wskconf(const std::string& args) {
  const std::string command = std::string(WSKCONF_TEST_CLI) + " " + args + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.out.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

const std::string kAdapter = std::string("--adapter ") + WSKCONF_TEST_FAKE_PROVIDER;
const std::string kBasic = std::string(" --binary ") + WSKCONF_TEST_BASIC;

TEST(RunnerCliTest, ExitsZeroWhenEveryMustPasses) {
  const CommandResult r =
      Wskconf("run " + kAdapter + kBasic + " --filter 'Basic.Passes:Basic.FailsShould'");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2 cases"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 pass, 0 fail, 1 warn, 0 skip, 0 error"), std::string::npos) << r.out;
}

TEST(RunnerCliTest, ExitsOneWhenAMustFails) {
  const CommandResult r = Wskconf("run " + kAdapter + kBasic + " --filter 'Basic.*'");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("fail  Basic.FailsMust [WskFixture.FailsMust]"), std::string::npos)
      << r.out;
}

TEST(RunnerCliTest, ExitsOneWhenACaseErrors) {
  const CommandResult r = Wskconf("run " + kAdapter + " --binary " +
                                  WSKCONF_TEST_CRASHY + " --filter 'Crashy.A2*'");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("SIGSEGV"), std::string::npos) << r.out;
}

TEST(RunnerCliTest, ExitsTwoForUsageErrors) {
  for (const std::string& args :
       {std::string("run"), "run " + kAdapter + kBasic + " --bogus",
        "run " + kAdapter + kBasic + " --shard 2/2",
        "run " + kAdapter + kBasic + " --jobs 0",
        "run " + kAdapter + kBasic + " --policy sometimes",
        "run " + kAdapter + kBasic + " --policy random:",
        "run " + kAdapter + kBasic + " --policy random:12x",
        "run " + kAdapter + kBasic + " --case-timeout 0",
        "run " + kAdapter + kBasic + " --case-timeout nan",
        "run " + kAdapter + kBasic + " --case-timeout inf",
        "run " + kAdapter + kBasic + " --case-timeout 1e-9",
        "run " + kAdapter + kBasic + " --case-timeout 1e30",
        "run --adapter /nonexistent.so" + kBasic,
        "run " + kAdapter + " --binary /nonexistent/binary"}) {
    const CommandResult r = Wskconf(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
  }
}

TEST(RunnerCliTest, ABinaryGivenTwiceIsNamed) {
  const std::filesystem::path basic = WSKCONF_TEST_BASIC;
  const std::string again =
      (basic.parent_path() / "." / basic.filename()).string();  // same file, other spelling
  const CommandResult r = Wskconf("run " + kAdapter + kBasic + " --binary " + again);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("test binary '" + again + "' is given twice"), std::string::npos)
      << r.out;
}

// Ctrl-C during a hung case: the run stops at once, still reports every case
// (the reports included) and exits 1.
TEST(RunnerCliTest, SigintStopsTheRunAndTheReportIsStillWritten) {
  const std::filesystem::path report =
      std::filesystem::temp_directory_path() /
      ("wskconf-sigint-" + std::to_string(getpid()) + ".xml");
  const std::string junit = report.string();
  std::vector<std::string> args = {WSKCONF_TEST_CLI, "run", "--adapter",
                                   WSKCONF_TEST_FAKE_PROVIDER, "--binary",
                                   WSKCONF_TEST_CRASHY, "--case-timeout", "600",
                                   "--junit", junit};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  std::string out;
  bool signalled = false;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) {
    out.append(buffer, static_cast<std::size_t>(n));
    // The case before the hang has been reported: the hang is next.
    if (!signalled && out.find("Crashy.A6ExitsMidRun") != std::string::npos) {
      kill(pid, SIGINT);
      signalled = true;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 1) << out;
  EXPECT_NE(out.find("10 cases"), std::string::npos) << out;
  EXPECT_NE(out.find("stopped"), std::string::npos) << out;
  std::ifstream written(report);
  std::string xml((std::istreambuf_iterator<char>(written)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("Crashy.A9Passes"), std::string::npos) << xml;
  EXPECT_NE(xml.find("</testsuites>"), std::string::npos) << xml;
  std::filesystem::remove(report);
}

// A mistyped flag is named even when a required flag is missing too (CLI11
// would report only the missing one).
TEST(RunnerCliTest, AnUnknownFlagIsNamedBeforeAMissingRequiredOne) {
  for (const std::string& args : {std::string("run --adpater reference"),
                                  std::string("--bogus"), std::string("spec lint --bogus")}) {
    const CommandResult r = Wskconf(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out;
    EXPECT_NE(r.out.find("not expected: --"), std::string::npos) << args << "\n" << r.out;
  }
}

// A run that would select no case through a mistake says so (exit 2)
// instead of passing with 0 cases; an empty shard is no mistake.
TEST(RunnerCliTest, ASelectionOfNoCaseIsAUsageErrorUnlessTheShardIsEmpty) {
  const CommandResult typo = Wskconf("run " + kAdapter + kBasic + " --filter 'Basci.*'");
  EXPECT_EQ(typo.exit_code, 2) << typo.out;
  EXPECT_NE(typo.out.find("--filter 'Basci.*' matches none of the"), std::string::npos)
      << typo.out;
  const CommandResult no_cases = Wskconf("run " + kAdapter + " --binary /bin/true");
  EXPECT_EQ(no_cases.exit_code, 2) << no_cases.out;
  EXPECT_NE(no_cases.out.find("the test binaries list no case"), std::string::npos)
      << no_cases.out;
  const CommandResult empty_shard =
      Wskconf("run " + kAdapter + kBasic + " --filter Basic.Passes --shard 1/2");
  EXPECT_EQ(empty_shard.exit_code, 0) << empty_shard.out;
  EXPECT_NE(empty_shard.out.find("0 cases against"), std::string::npos) << empty_shard.out;
}

// --spec names the spec the user wants: one that cannot be loaded stops
// `run` and `list` naming the file and line, instead of a warning and
// reports without clause data.
TEST(RunnerCliTest, ASpecGivenWithSpecThatCannotBeLoadedIsAUsageError) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("wskconf-badspec-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cut.xml") << "<?xml version=\"1.0\"?>\n<spec xmlns=\"urn:wskconf:spec:1\"";
  for (const std::string& command : {"run " + kAdapter, std::string("list")}) {
    const CommandResult r = Wskconf(command + kBasic + " --spec " + dir.string());
    EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.out;
    EXPECT_NE(r.out.find("--spec: " + (dir / "cut.xml").string() + ":2:"), std::string::npos)
        << command << "\n" << r.out;
    EXPECT_EQ(r.out.find("cases against"), std::string::npos) << r.out;
  }
  const CommandResult missing = Wskconf("list" + kBasic + " --spec /nonexistent/spec");
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  EXPECT_NE(missing.out.find("/nonexistent/spec"), std::string::npos) << missing.out;
  std::filesystem::remove_all(dir);
}

// Wine's provider has no completion policy: a report saying "(pend)" for it
// would be wrong. Refused before Wine is started.
TEST(RunnerCliTest, APolicyForWineIsAUsageError) {
  const CommandResult r = Wskconf("run --adapter wine --policy pend" + kBasic);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--policy pend: the completion policy is the reference provider's"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("wine: prefix"), std::string::npos) << r.out;
}

// A $TMPDIR the run cannot use is named (exit 2) instead of the children's
// files going into the current folder.
TEST(RunnerCliTest, AnUnusableTmpdirIsAUsageError) {
  const char* old = std::getenv("TMPDIR");
  const std::string saved = old != nullptr ? old : "";
  setenv("TMPDIR", "/nonexistent/tmp", 1);
  const CommandResult r = Wskconf("run " + kAdapter + kBasic + " --filter Basic.Passes");
  if (old != nullptr) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("scratch folder in '/nonexistent/tmp'"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists("batch.0"));
}

// `wskconf run ... 2>&1 | head -1`: the reader is gone before the run ends.
// The run still finishes with its own exit code and writes its report,
// instead of dying of SIGPIPE at its first progress line.
TEST(RunnerCliTest, AClosedOutputPipeDoesNotCostTheReport) {
  const std::filesystem::path report =
      std::filesystem::temp_directory_path() /
      ("wskconf-sigpipe-" + std::to_string(getpid()) + ".xml");
  std::vector<std::string> args = {WSKCONF_TEST_CLI, "run", "--adapter",
                                   WSKCONF_TEST_FAKE_PROVIDER, "--binary", WSKCONF_TEST_BASIC,
                                   "--filter", "Basic.Passes:Basic.FailsMust", "--junit",
                                   report.string()};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  close(pipe_fds[0]);  // nobody will read
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  // The test process itself may ignore SIGPIPE; the child starts with the default.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(pipe_fds[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  if (WIFEXITED(status)) {
    EXPECT_EQ(WEXITSTATUS(status), 1);
  }
  std::ifstream written(report);
  const std::string xml((std::istreambuf_iterator<char>(written)),
                        std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("Basic.FailsMust"), std::string::npos) << xml;
  std::filesystem::remove(report);
}

TEST(RunnerCliTest, HelpDocumentsEveryFlag) {
  const CommandResult r = Wskconf("run --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--adapter", "--policy", "--filter", "--statement", "--junit",
                           "--junit-rich", "--html", "--jobs", "--shard", "--binary",
                           "--spec", "--case-timeout"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(RunnerCliTest, ListPrintsEveryCaseWithItsClause) {
  const CommandResult r = Wskconf("list" + kBasic);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("Basic.Passes\t"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Numbers/Param.Even/2\t-\n"), std::string::npos) << r.out;
  const CommandResult with_spec =
      Wskconf("list" + kBasic + " --spec " + WSKCONF_TEST_FIXTURE_SPEC);
  EXPECT_NE(with_spec.out.find("Basic.Passes\tBasic.Passes\n"), std::string::npos)
      << with_spec.out;
}

}  // namespace
