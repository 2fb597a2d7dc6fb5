// `wskconf run --adapter wine --agent HOST:PORT` with Wine standing in for a
// Windows test machine: a relay serving connections one after another
// (wskconf_relay.exe --tcp PORT --serve, started here as a user would start
// it there) gives the same verdicts for a few cases of three families as
// the ordinary `--adapter wine` route, which starts Wine itself; and when
// that relay is killed mid-run, the cases after it end as not run at once
// instead of each waiting for its time limit. Label wine.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "agent_test_util.h"
#include "internal/child_process.h"
#include "wskconf/agent/relay_server.h"
#include "wskconf/agent/wine.h"

namespace wskconf::agent {
namespace {

// Cases of three families whose verdicts under Wine do not depend on load
// (tests/agent/wine_slice_expected.txt has them too); none is of a feature
// Wine's statement declares away, so the ordinary route's default
// statement and the --agent route's none settle nothing differently.
constexpr char kFilter[] =
    "WskRegister_SuccessMakesRegistrationUsable.Once:"
    "WskRegister_MultipleInstances.Once:"
    "WskSocket_CategoryFromFlags.Basic_Inet:"
    "WskSocket_CategoryFromFlags.Listen_Inet:"
    "WskBind_SuccessCompletesIrpWithSuccess.Listen_Inet:"
    "WskBind_SuccessCompletesIrpWithSuccess.Datagram_Inet";

struct CommandRun {
  int exit_code = -1;
  std::string said;  // stdout and stderr
};

// `wskconf run --adapter wine --filter kFilter` plus `extra`.
CommandRun Wskconf(const std::string& prefix, const std::string& extra) {
  const std::string command = fmt::format(
      "WSKCONF_WINE_PREFIX='{}' {} run --adapter wine --filter '{}' {} 2>&1", prefix,
      WSKCONF_TEST_CLI, kFilter, extra);
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.said.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// "VERDICT Case" of every case that did not pass, and the totals line.
std::set<std::string> Verdicts(const std::string& said) {
  std::set<std::string> verdicts;
  std::istringstream lines(said);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string verdict, name;
    words >> verdict >> name;
    if (verdict == "fail" || verdict == "warn" || verdict == "skip" ||
        verdict == "error") {
      verdicts.insert(verdict + " " + name);
    } else if (line.find(" cases against wine (") != std::string::npos) {
      verdicts.insert(line);
    }
  }
  return verdicts;
}

std::string PrefixDir() {
  const char* dir = std::getenv("WSKCONF_WINE_PREFIX");
  return dir != nullptr && *dir != '\0' ? dir : WSKCONF_TEST_WINE_PREFIX;
}

TEST(WineAgentRouteTest, SameVerdictsAsTheOrdinaryRoute) {
  const std::string dir = PrefixDir();
  const CommandRun ordinary = Wskconf(dir, "");
  ASSERT_TRUE(ordinary.exit_code == 0 || ordinary.exit_code == 1) << ordinary.said;
  const std::set<std::string> expected = Verdicts(ordinary.said);
  // Every case ran: the totals line counts all six.
  ASSERT_TRUE(std::any_of(expected.begin(), expected.end(), [](const std::string& v) {
    return v.rfind("6 cases against wine (inline): ", 0) == 0;
  })) << ordinary.said;

  auto prefix = OpenWinePrefix(dir);
  ASSERT_TRUE(prefix.ok()) << prefix.status().message();
  auto relay = RelayServer::Start(**prefix, WSKCONF_TEST_AGENT_DIR);
  ASSERT_TRUE(relay.ok()) << relay.status().message();
  const CommandRun remote = Wskconf(dir, "--agent " + (*relay)->address());
  EXPECT_EQ(remote.exit_code, ordinary.exit_code) << remote.said;
  EXPECT_EQ(Verdicts(remote.said), expected)
      << "ordinary route:\n" << ordinary.said << "\n--agent route:\n" << remote.said;
  EXPECT_NE(remote.said.find("agent: the relay at " + (*relay)->address() +
                             " served the whole run"),
            std::string::npos) << remote.said;
  EXPECT_EQ(remote.said.find("wine: prefix"), std::string::npos)
      << "the --agent route started Wine:\n" << remote.said;
  EXPECT_EQ((*relay)->restarts(), 0) << (*relay)->diagnostics();
}

// A loopback port nothing listens on (bound, then released).
uint16_t UnusedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  socklen_t length = sizeof sin;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &length);
  close(fd);
  return ntohs(sin.sin_port);
}

// Reads `fd` into `said` until `text` occurs `times` times, the stream
// ends, or `timeout` passes; true when it occurred.
bool WaitFor(int fd, std::string& said, const std::string& text, int times,
             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int seen = 0;
    for (size_t at = said.find(text); at != std::string::npos;
         at = said.find(text, at + 1)) {
      ++seen;
    }
    if (seen >= times) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd = {fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
      return false;
    }
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    said.append(buffer, static_cast<size_t>(n));
  }
}

// Reads `fd` into `said` until the stream ends or `timeout` passes.
void ReadToEnd(int fd, std::string& said, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd = {fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return;
    said.append(buffer, static_cast<size_t>(n));
  }
}

// The relay's start, the agent's load (a loaded machine: tens of seconds).
constexpr std::chrono::milliseconds kRelayListens{90000};
// The runner's check and the first case both connect within this.
constexpr std::chrono::milliseconds kFirstCaseConnects{60000};
// The 27 WskBind cases, one of which may wait out the adapter's 30 s
// reconnect, end well within this; waiting 30 s each, they would not.
constexpr std::chrono::milliseconds kRunEnds{120000};

TEST(WineAgentRouteTest, RelayKilledMidRunEndsTheRestAsNotRun) {
  auto prefix = OpenWinePrefix(PrefixDir());
  ASSERT_TRUE(prefix.ok()) << prefix.status().message();
  const std::string port = std::to_string(UnusedPort());
  // As a user starts it on the test machine.
  internal::ChildOptions relay_options;
  relay_options.argv = {(*prefix)->tools().wine64,
                        std::string(WSKCONF_TEST_AGENT_DIR) + "/wskconf_relay.exe",
                        "--tcp", port, "--serve"};
  relay_options.env = (*prefix)->Environment();
  relay_options.unset_env = {"DISPLAY"};
  relay_options.pipe_stderr = true;
  auto relay = internal::ChildProcess::Spawn(relay_options);
  ASSERT_TRUE(relay.ok()) << relay.status().message();
  std::string relay_said;
  ASSERT_TRUE(WaitFor(relay->stderr_fd(), relay_said, "waiting for the runner on TCP", 1,
                      kRelayListens)) << relay_said;

  const std::string address = "127.0.0.1:" + port;
  internal::ChildOptions run_options;
  run_options.argv = {WSKCONF_TEST_CLI, "run", "--adapter", "wine", "--agent", address,
                      "--filter", "WskBind_*_Inet"};
  run_options.pipe_stdout = run_options.pipe_stderr = true;
  const auto start = std::chrono::steady_clock::now();
  auto run = internal::ChildProcess::Spawn(run_options);
  ASSERT_TRUE(run.ok()) << run.status().message();
  // The runner's check, then the first case.
  EXPECT_TRUE(WaitFor(relay->stderr_fd(), relay_said, "relay: runner connected", 2,
                      kFirstCaseConnects)) << relay_said;
  relay->Kill();
  relay->Wait(kRelayListens);
  std::string out, err;
  ReadToEnd(run->stderr_fd(), err, kRunEnds);
  ReadToEnd(run->stdout_fd(), out, kRunEnds);
  const std::optional<int> status = run->Wait(kRunEnds);
  const auto took = std::chrono::steady_clock::now() - start;
  (*prefix)->Kill().IgnoreError();  // winedevice.exe still holds the agent
  ASSERT_TRUE(status.has_value()) << err;
  ASSERT_TRUE(WIFEXITED(*status)) << err;
  EXPECT_EQ(WEXITSTATUS(*status), 1) << out << err;
  EXPECT_LT(took, kRunEnds);
  // Every case has a verdict; all but the first one or two were not run.
  EXPECT_NE(out.find(" cases against wine (inline): "), std::string::npos) << out << err;
  int not_run = 0;
  const std::string reason = "not run: the relay at " + address + " does not answer";
  for (size_t at = err.find(reason); at != std::string::npos; at = err.find(reason, at + 1)) {
    ++not_run;
  }
  EXPECT_GE(not_run, 5) << err;
  EXPECT_NE(err.find("agent: the relay at " + address + " went away during"),
            std::string::npos) << err;
}

}  // namespace
}  // namespace wskconf::agent
