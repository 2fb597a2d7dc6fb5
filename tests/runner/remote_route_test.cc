// `wskconf run --adapter wine --agent HOST:PORT` (runner/remote_route.h):
// the address is checked, a relay that does not answer stops the run before
// any case, and one that goes away mid-run ends the remaining cases as not
// run instead of letting each wait for its time limit. A scripted fake relay
// stands in for wskconf_relay.exe --serve.
#include "runner/remote_route.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "wskconf/agent/message.h"
#include "wskconf/runner.h"

namespace wskconf::conformance::internal {
namespace {

using reports::Verdict;
using Clock = std::chrono::steady_clock;

// A fake run must be over well before the 30 s a case may take.
constexpr std::chrono::seconds kFastLimit{10};

TEST(ParseAgentAddressTest, TakesIpv4AndPort) {
  StatusOr<AgentAddress> address = ParseAgentAddress("192.168.1.20:27100");
  ASSERT_TRUE(address.ok()) << address.status().message();
  EXPECT_EQ(address->host, "192.168.1.20");
  EXPECT_EQ(address->port, 27100);
  EXPECT_EQ(address->ToString(), "192.168.1.20:27100");
}

void ExpectRefused(const char* text, const char* why) {
  StatusOr<AgentAddress> address = ParseAgentAddress(text);
  ASSERT_FALSE(address.ok()) << text;
  EXPECT_NE(address.status().message().find(fmt::format("--agent '{}'", text)),
            std::string::npos) << address.status().message();
  EXPECT_NE(address.status().message().find(why), std::string::npos)
      << address.status().message();
}

TEST(ParseAgentAddressTest, RefusesWhatIsNotHostAndPort) {
  ExpectRefused("127.0.0.1", "no port");
  ExpectRefused("127.0.0.1:", "no port");
  ExpectRefused(":27100", "no host");
  ExpectRefused("127.0.0.1:0", "port 0");
  ExpectRefused("127.0.0.1:65536", "not a number from 1 to 65535");
  ExpectRefused("127.0.0.1:27a", "not a number from 1 to 65535");
  ExpectRefused("127.0.0.1:-1", "not a number from 1 to 65535");
  ExpectRefused("winbox:27100", "'winbox' is not an IPv4 address");
  ExpectRefused("::1:27100", "is not an IPv4 address");
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

// A relay on a loopback port: answers the HELLO of the first `answered`
// connections (all when negative), and accepts and closes every later one.
// With `silent`, it accepts and never says anything.
class FakeRelay {
 public:
  explicit FakeRelay(int answered, bool silent = false)
      : answered_(answered), silent_(silent) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
    EXPECT_EQ(listen(fd_, 8), 0);
    socklen_t length = sizeof sin;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&sin), &length);
    port_ = ntohs(sin.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeRelay() {
    shutdown(fd_, SHUT_RDWR);  // wakes the accept
    thread_.join();
    close(fd_);
  }
  std::string address() const { return fmt::format("127.0.0.1:{}", port_); }
  int connections() const { return connections_.load(); }

 private:
  void Serve() {
    for (;;) {
      const int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) return;
      const int number = connections_++;
      if (silent_) {
        silent_clients_.push_back(client);  // open, never answered
        continue;
      }
      if (answered_ < 0 || number < answered_) Answer(client);
      close(client);
    }
  }
  static void Answer(int client) {
    agent::Bytes frame(WSKA_HEADER_SIZE);
    if (recv(client, frame.data(), frame.size(), MSG_WAITALL) != WSKA_HEADER_SIZE) return;
    uint32_t payload = 0;
    WSKA_RESULT r;
    if (WskaPeekHeader(frame.data(), frame.size(), &payload, &r) != WSKA_E_OK) return;
    frame.resize(WSKA_HEADER_SIZE + payload);
    recv(client, frame.data() + WSKA_HEADER_SIZE, payload, MSG_WAITALL);
    StatusOr<agent::Message> hello = agent::Message::Decode(frame);
    if (!hello.ok() || (*hello)->type != WSKA_MSG_HELLO) return;
    agent::MessageBuilder reply(WSKA_MSG_HELLO_REPLY, 0);
    reply.Set(WSKA_TAG_VERSION, WSKA_PROTOCOL_VERSION)
        .Set(WSKA_TAG_MAX_PAYLOAD, WSKA_MAX_PAYLOAD);
    StatusOr<agent::Bytes> bytes = reply.Encode((*hello)->request_id);
    if (bytes.ok()) send(client, bytes->data(), bytes->size(), MSG_NOSIGNAL);
  }

  int answered_;
  bool silent_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> connections_{0};
  std::vector<int> silent_clients_;  // closed with the process
  std::thread thread_;
};

AgentAddress Parsed(const std::string& text) {
  StatusOr<AgentAddress> address = ParseAgentAddress(text);
  EXPECT_TRUE(address.ok()) << address.status().message();
  return address.ok() ? *address : AgentAddress{};
}

TEST(ProbeRelayTest, AnsweringRelayPasses) {
  FakeRelay relay(-1);
  const Status probe = ProbeRelay(Parsed(relay.address()));
  EXPECT_TRUE(probe.ok()) << probe.message();
}

TEST(ProbeRelayTest, NothingListeningIsNamed) {
  const std::string address = fmt::format("127.0.0.1:{}", UnusedPort());
  const Status probe = ProbeRelay(Parsed(address));
  ASSERT_FALSE(probe.ok());
  EXPECT_NE(probe.message().find("the relay at " + address + " does not answer"),
            std::string::npos) << probe.message();
  EXPECT_NE(probe.message().find("refused"), std::string::npos) << probe.message();
}

TEST(ProbeRelayTest, ARelayThatClosesWithoutAnsweringFails) {
  FakeRelay relay(0);
  const Status probe = ProbeRelay(Parsed(relay.address()));
  ASSERT_FALSE(probe.ok());
  EXPECT_NE(probe.message().find("closed the connection"), std::string::npos)
      << probe.message();
}

TEST(ProbeRelayTest, ASilentRelayFailsWithinTheAnswerLimit) {
  FakeRelay relay(-1, /*silent=*/true);
  constexpr std::chrono::milliseconds kAnswerLimit{300};
  const auto start = Clock::now();
  const Status probe =
      ProbeRelay(Parsed(relay.address()), kRelayConnectTimeout, kAnswerLimit);
  ASSERT_FALSE(probe.ok());
  EXPECT_LT(Clock::now() - start, kFastLimit);
  EXPECT_NE(probe.message().find("within 300 ms"), std::string::npos) << probe.message();
}

RunOptions AgentOptions(const std::string& agent) {
  RunOptions options;
  options.adapter = "wine";
  options.agent = agent;
  options.binaries = {WSKCONF_TEST_CRASHY};
  // A pass, a segfault (ERROR), two passes after it.
  options.filter = "Crashy.A1*:Crashy.A2*:Crashy.A3*:Crashy.A5*";
  return options;
}

TEST(RemoteRouteTest, AgentNeedsTheWineAdapter) {
  RunOptions options = AgentOptions("127.0.0.1:27100");
  options.adapter = WSKCONF_TEST_FAKE_PROVIDER;
  std::ostringstream out, err;
  EXPECT_EQ(RunCommand(options, out, err), kRunExitUsage);
  EXPECT_NE(err.str().find("--agent names a relay for --adapter wine"),
            std::string::npos) << err.str();
}

TEST(RemoteRouteTest, TheWineAdapterByPathIsPointedToTheName) {
  RunOptions options = AgentOptions("127.0.0.1:27100");
  options.adapter = "build/agent/libwskconf_adapter_wine.so";
  std::ostringstream out, err;
  EXPECT_EQ(RunCommand(options, out, err), kRunExitUsage);
  EXPECT_NE(err.str().find("(for this .so, say --adapter wine)"), std::string::npos)
      << err.str();
}

TEST(RemoteRouteTest, BadAddressIsAUsageError) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCommand(AgentOptions("127.0.0.1:0"), out, err), kRunExitUsage);
  EXPECT_NE(err.str().find("--agent '127.0.0.1:0': port 0"), std::string::npos)
      << err.str();
}

TEST(RemoteRouteTest, UnreachableRelayStopsTheRunAtOnce) {
  const std::string address = fmt::format("127.0.0.1:{}", UnusedPort());
  std::ostringstream out, err;
  const auto start = Clock::now();
  EXPECT_EQ(RunCommand(AgentOptions(address), out, err), kRunExitUsage);
  EXPECT_LT(Clock::now() - start, kFastLimit);
  EXPECT_NE(err.str().find("the relay at " + address + " does not answer"),
            std::string::npos) << err.str();
  EXPECT_EQ(out.str(), "");  // no case ran, no totals
}

std::map<std::string, reports::CaseResult> RunAgainst(const FakeRelay& relay) {
  std::ostringstream progress;
  StatusOr<reports::RunResult> run = RunSuite(AgentOptions(relay.address()), progress);
  EXPECT_TRUE(run.ok()) << run.status().message();
  std::map<std::string, reports::CaseResult> by_name;
  if (run.ok()) {
    for (const reports::CaseResult& result : run->cases) by_name[result.name] = result;
  }
  return by_name;
}

// The cases get the relay's address; an ERROR while the relay still answers
// does not stop the run. (No spec folder is given: were Wine's statement
// applied by default, as without --agent, RunSuite would fail for want of
// the spec to check it against.)
TEST(RemoteRouteTest, ARelayThatStaysServesEveryCase) {
  FakeRelay relay(-1);
  auto cases = RunAgainst(relay);
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases.at("Crashy.A1Passes").verdict, Verdict::kPass);
  EXPECT_EQ(cases.at("Crashy.A2Segfaults").verdict, Verdict::kError);
  EXPECT_EQ(cases.at("Crashy.A3Passes").verdict, Verdict::kPass);
  EXPECT_EQ(cases.at("Crashy.A5Passes").verdict, Verdict::kPass);
  EXPECT_EQ(relay.connections(), 2);  // before the run, after the ERROR
}

TEST(RemoteRouteTest, ARelayGoneMidRunEndsTheRemainingCasesAsNotRun) {
  FakeRelay relay(1);  // answers the check before the run only
  const auto start = Clock::now();
  auto cases = RunAgainst(relay);
  EXPECT_LT(Clock::now() - start, kFastLimit);
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases.at("Crashy.A1Passes").verdict, Verdict::kPass);
  EXPECT_EQ(cases.at("Crashy.A2Segfaults").verdict, Verdict::kError);
  for (const char* name : {"Crashy.A3Passes", "Crashy.A5Passes"}) {
    const reports::CaseResult& result = cases.at(name);
    EXPECT_EQ(result.verdict, Verdict::kError) << name;
    EXPECT_NE(result.message.find("not run: the relay at " + relay.address() +
                                  " does not answer"),
              std::string::npos) << result.message;
    EXPECT_NE(result.message.find("after Crashy.A2Segfaults"), std::string::npos)
        << result.message;
  }
  EXPECT_EQ(relay.connections(), 2);  // asked once after the ERROR, not per case
}

// The flag as a user types it: wired to the option, and a relay that is
// not there is exit 2 naming its address.
TEST(RemoteRouteTest, CommandLineFlag) {
  const std::string address = fmt::format("127.0.0.1:{}", UnusedPort());
  const std::string command = fmt::format(
      "{} run --adapter wine --agent {} --binary {} 2>&1", WSKCONF_TEST_CLI, address,
      WSKCONF_TEST_CRASHY);
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string said;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) said.append(buffer, n);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << said;
  EXPECT_EQ(WEXITSTATUS(status), kRunExitUsage) << said;
  EXPECT_NE(said.find("wskconf: error: --agent: the relay at " + address), std::string::npos)
      << said;
}

}  // namespace
}  // namespace wskconf::conformance::internal
