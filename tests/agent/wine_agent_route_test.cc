// `wskconf run --adapter wine --agent HOST:PORT` with Wine standing in for a
// Windows test machine: a relay serving connections one after another
// (wskconf_relay.exe --tcp PORT --serve, started here as a user would start
// it there) gives the same verdicts for a few cases of three families as
// the ordinary `--adapter wine` route, which starts Wine itself. Label wine.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "agent_test_util.h"
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

}  // namespace
}  // namespace wskconf::agent
