// RelayServer under Wine (label wine): one relay serves runner connections
// one after another, each with a freshly reset agent, and after the relay
// is killed Wine's side comes back on the same port.
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "agent_test_util.h"
#include "wskconf/agent/relay_server.h"
#include "wskconf/agent/session.h"

namespace wskconf::agent {
namespace {

using ::testing::HasSubstr;

constexpr Millis kExpectDeath{30000};
constexpr Millis kExpectRestart{90000};

class RelayServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto prefix = OpenWinePrefix(WSKCONF_TEST_WINE_PREFIX);
    ASSERT_TRUE(prefix.ok()) << prefix.status().message();
    prefix_ = std::move(prefix).value();
    auto server = RelayServer::Start(*prefix_, WSKCONF_TEST_AGENT_DIR);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    server_.reset();
    prefix_.reset();
  }

  // Connects, registers, and returns the registration handle.
  std::unique_ptr<AgentSession> ConnectAndRegister(uint32_t* handle) {
    auto session = AgentSession::Connect("127.0.0.1", server_->port());
    EXPECT_TRUE(session.ok()) << session.status().message();
    if (!session.ok()) return nullptr;
    auto reg = (*session)->Call(MessageBuilder::Call(WSKA_FN_REGISTER));
    EXPECT_TRUE(reg.ok()) << reg.status().message();
    if (!reg.ok()) return nullptr;
    EXPECT_EQ((*reg)->status, 0);
    *handle = (*reg)->handle;
    return std::move(session).value();
  }

  std::unique_ptr<WinePrefix> prefix_;
  std::unique_ptr<RelayServer> server_;
};

TEST_F(RelayServerTest, ServesConnectionsOneAfterAnotherWithAResetAgent) {
  uint32_t first = 0, second = 0;
  {
    auto session = ConnectAndRegister(&first);
    ASSERT_NE(session, nullptr);
    // Left registered on purpose: closing the connection resets the agent.
    session->Stop().IgnoreError();
  }
  auto session = ConnectAndRegister(&second);
  ASSERT_NE(session, nullptr);
  // The first connection's registration is gone with its connection.
  MessageBuilder stale = MessageBuilder::Call(WSKA_FN_DEREGISTER);
  stale.Set(WSKA_TAG_REGISTRATION, first);
  auto refused = session->Call(stale);
  EXPECT_NE(first, second);  // the agent numbers registrations afresh
  EXPECT_FALSE(refused.ok()) << "the agent still knew the first "
                                "connection's registration";
  EXPECT_EQ(server_->restarts(), 0);
}

TEST_F(RelayServerTest, KilledRelayIsRestartedOnTheSamePort) {
  uint32_t handle = 0;
  auto session = ConnectAndRegister(&handle);
  ASSERT_NE(session, nullptr);
  const int pid = server_->relay_pid();
  ASSERT_GT(pid, 0);
  const int seen = server_->restarts();
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  // The connection of the killed relay ends with an error, not a hang.
  auto event = session->WaitEvent(kExpectDeath);
  EXPECT_FALSE(event.ok());
  // Waits for the new relay, however soon after the kill: the killed one
  // may still count as listening until the supervisor sees it end (this
  // test failed at random when it waited for "listening" alone).
  ASSERT_TRUE(server_->WaitRestarted(seen, kExpectRestart).ok())
      << server_->diagnostics();
  EXPECT_EQ(server_->restarts(), 1);
  uint32_t again = 0;
  EXPECT_NE(ConnectAndRegister(&again), nullptr) << server_->diagnostics();
}

// A port taken between the pick and the relay's bind (another process's
// connection, under parallel test runs) made the start wait its whole
// three minutes for a relay that had given up; now it starts another relay
// on another port.
TEST(RelayServerStartTest, ARelayThatCannotListenIsStartedOnAnotherPort) {
  auto prefix = OpenWinePrefix(WSKCONF_TEST_WINE_PREFIX);
  ASSERT_TRUE(prefix.ok()) << prefix.status().message();
  LoopbackSocket taken(LoopbackSocket::kStream, 1);
  ASSERT_FALSE(HasFailure());
  const uint16_t port = taken.port();
  auto server = RelayServer::Start(**prefix, WSKCONF_TEST_AGENT_DIR, port);
  taken.Close();
  ASSERT_TRUE(server.ok()) << server.status().message();
  EXPECT_NE((*server)->port(), port);
  EXPECT_THAT((*server)->diagnostics(), HasSubstr("ended before it listened"));
  EXPECT_EQ((*server)->restarts(), 0);  // a start, not a restart
  auto session = AgentSession::Connect("127.0.0.1", (*server)->port());
  EXPECT_TRUE(session.ok()) << session.status().message();
}

TEST_F(RelayServerTest, RestartReplacesTheRelay) {
  const int before = server_->relay_pid();
  ASSERT_GT(before, 0);
  ASSERT_TRUE(server_->Restart(kExpectRestart).ok()) << server_->diagnostics();
  EXPECT_NE(server_->relay_pid(), before);
  EXPECT_EQ(server_->restarts(), 1);
  uint32_t handle = 0;
  EXPECT_NE(ConnectAndRegister(&handle), nullptr) << server_->diagnostics();
}

}  // namespace
}  // namespace wskconf::agent
