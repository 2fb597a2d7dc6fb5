// The Wine route end to end (label wine): the relay starts the agent inside
// Wine's kernel, the handshake works, real WSK calls reach Wine's netio.sys
// and their results come back, an IRP it never completes is reported as
// such, and a dead relay or winedevice.exe is an error, not a hang. The
// data path is in wine_route_data_test.cc, the protocol against the real
// agent in wine_route_protocol_test.cc.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "wine_route_fixture.h"

namespace wskconf::agent {
namespace {

using ::testing::HasSubstr;

TEST_F(WineRoute, HandshakeAgreesOnTheProtocolVersion) {
  EXPECT_EQ(session_->hello()->type, WSKA_MSG_HELLO_REPLY);
  EXPECT_EQ(session_->hello()->protocol_version, WSKA_PROTOCOL_VERSION);
  EXPECT_EQ(session_->hello()->max_payload, WSKA_MAX_PAYLOAD);
}

TEST_F(WineRoute, RegisterSocketBindListenCloseReachNetio) {
  uint32_t registration = Attach();
  uint32_t listener = NewSocket(registration, kFlagListen);
  ASSERT_NE(listener, 0u);
  const uint16_t port = FreeLoopbackPort();
  auto bound = Run("WskBind", MessageBuilder::Call(WSKA_FN_BIND)
                                  .Set(WSKA_TAG_SOCKET, listener)
                                  .SetBlob(WSKA_TAG_LOCAL_ADDRESS,
                                           Loopback(port)));
  ASSERT_TRUE(bound.has_value());
  ASSERT_EQ(static_cast<uint32_t>((*bound)->irp_status), kStatusSuccess);
  // The listening socket exists in the host's network stack: Linux can
  // connect to it.
  int probe = ConnectLoopback(port);
  EXPECT_GE(probe, 0) << "nothing listens on 127.0.0.1:" << port;
  if (probe >= 0) close(probe);
  // WskListen exists on stream sockets only; Wine 8 may refuse those.
  uint32_t stream = NewSocket(registration, kFlagStream);
  if (stream != 0) {
    Run("WskListen(stream socket, unbound)",
        MessageBuilder::Call(WSKA_FN_LISTEN).Set(WSKA_TAG_SOCKET, stream),
        kExpectNoCompletion);
  }
  for (uint32_t socket : {listener, stream}) {
    if (socket == 0) continue;
    auto closed = Run("WskCloseSocket", MessageBuilder::Call(
                                            WSKA_FN_CLOSE_SOCKET)
                                            .Set(WSKA_TAG_SOCKET, socket));
    ASSERT_TRUE(closed.has_value());
  }
  // A closed socket's id is gone: the agent refuses it.
  auto again = session_->Call(
      MessageBuilder::Call(WSKA_FN_LISTEN).Set(WSKA_TAG_SOCKET, listener));
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.status().message(), HasSubstr("BAD_HANDLE"));
}

TEST_F(WineRoute, ControlNameAndEventCallsAnswer) {
  uint32_t registration = Attach();
  Message control = Call(MessageBuilder::Call(WSKA_FN_CONTROL_CLIENT)
                             .Set(WSKA_TAG_REGISTRATION, registration)
                             .Set(WSKA_TAG_CONTROL_CODE, 2 /*TRANSPORT_LIST*/)
                             .Set(WSKA_TAG_OUTPUT_SIZE, 256)
                             .Set(WSKA_TAG_USE_IRP, 0));
  RecordProperty("WskControlClient(WSK_TRANSPORT_LIST_QUERY)",
                 Hex(control->status));
  EXPECT_TRUE(control.Has(WSKA_TAG_OUTPUT_SIZE_RETURNED));
  Bytes localhost;  // UTF-16LE
  for (char c : std::string("localhost")) {
    localhost.insert(localhost.end(), {uint8_t(c), 0});
  }
  Run("WskGetAddressInfo(localhost)",
      MessageBuilder::Call(WSKA_FN_GET_ADDRESS_INFO)
          .Set(WSKA_TAG_REGISTRATION, registration)
          .SetBlob(WSKA_TAG_NODE_NAME, localhost));
  // A listening socket whose accept callback the agent provides: a Linux
  // connection to it must reach the callback, which reports it.
  Message ret = Call(SocketCall(registration, kFlagListen)
                         .Set(WSKA_TAG_DISPATCH_MASK, 1u << WSKA_EV_ACCEPT));
  auto created = Completion(ret, kExpectCompletion);
  ASSERT_TRUE(created && created->Has(WSKA_TAG_NEW_SOCKET));
  const uint32_t listener = (*created)->new_socket;
  Message option = Call(MessageBuilder::Call(WSKA_FN_CONTROL_SOCKET)
                            .Set(WSKA_TAG_SOCKET, listener)
                            .Set(WSKA_TAG_REQUEST_TYPE, 0 /*WskSetOption*/)
                            .Set(WSKA_TAG_CONTROL_CODE, 0x4002 /*EVENT_CB*/)
                            .Set(WSKA_TAG_LEVEL, 0xffff)
                            .SetBlob(WSKA_TAG_INPUT, Bytes{0, 2, 0, 0})
                            .Set(WSKA_TAG_OUTPUT_SIZE, 0)
                            .Set(WSKA_TAG_USE_IRP, 0));
  RecordProperty("WskControlSocket(SO_WSK_EVENT_CALLBACK accept)",
                 Hex(option->status));
  const uint16_t port = FreeLoopbackPort();
  auto bound = Run("WskBind", MessageBuilder::Call(WSKA_FN_BIND)
                                  .Set(WSKA_TAG_SOCKET, listener)
                                  .SetBlob(WSKA_TAG_LOCAL_ADDRESS,
                                           Loopback(port)));
  ASSERT_TRUE(bound && (*bound)->irp_status == 0);
  int client = ConnectLoopback(port);
  EXPECT_GE(client, 0) << "nothing listens on 127.0.0.1:" << port;
  auto event = session_->WaitEvent(kExpectNoCompletion);
  ASSERT_TRUE(event.ok()) << event.status().message();
  RecordProperty("WskAcceptEvent", *event ? (*event)->Describe()
                                          : std::string("not called"));
  if (*event) {  // a reported accept carries what the callback was given
    EXPECT_EQ((**event)->event, WSKA_EV_ACCEPT);
    EXPECT_EQ((**event)->socket, listener);
    EXPECT_TRUE((*event)->Has(WSKA_TAG_REMOTE_ADDRESS));
  }
  if (client >= 0) close(client);
}

// Wine 8's netio.sys exports WskQueryProviderCharacteristics only as an
// unimplemented-function stub, which ended winedevice.exe when the agent
// imported and called it. The agent now looks the routine up and answers
// STATUS_NOT_IMPLEMENTED itself, with the reason, and goes on serving.
TEST_F(WineRoute, AnAbsentQueryRoutineIsRefusedWithoutEndingWine) {
  constexpr uint32_t kStatusNotImplemented = 0xC0000002;
  uint32_t registration = Attach();
  Message query =
      Call(MessageBuilder::Call(WSKA_FN_QUERY_PROVIDER_CHARACTERISTICS)
               .Set(WSKA_TAG_REGISTRATION, registration));
  ASSERT_EQ(query->type, WSKA_MSG_RETURN);
  EXPECT_EQ(static_cast<uint32_t>(query->status), kStatusNotImplemented);
  RecordProperty("WskQueryProviderCharacteristics", TextOf(query));
  EXPECT_THAT(TextOf(query), HasSubstr("WskQueryProviderCharacteristics"));
  EXPECT_FALSE(query.Has(WSKA_TAG_VERSION_MIN));
  // winedevice.exe is still there: a socket can be made after the query.
  EXPECT_NE(NewSocket(registration, kFlagListen), 0u)
      << session_->diagnostics();
  EXPECT_TRUE(session_->alive());
}

TEST_F(WineRoute, AnIrpNetioNeverCompletesIsReportedAsNoCompletion) {
  uint32_t registration = Attach();
  uint32_t listener = NewSocket(registration, kFlagListen);
  ASSERT_NE(listener, 0u);
  Message ret = Call(MessageBuilder::Call(WSKA_FN_GET_LOCAL_ADDRESS)
                         .Set(WSKA_TAG_SOCKET, listener));
  auto done = Completion(ret, kExpectNoCompletion);
  RecordProperty("WskGetLocalAddress",
                 Hex(ret->status) + (done ? " completed" : " never completed"));
  if (!done) {  // Cancel reaches the IRP; the session stays usable
    Message cancel = Call(MessageBuilder::Call(WSKA_FN_CANCEL)
                              .Set(WSKA_TAG_TARGET, ret->request_id));
    EXPECT_EQ(static_cast<uint32_t>(cancel->status), kStatusSuccess);
  }
  EXPECT_TRUE(session_->alive());
}

TEST_F(WineRoute, TheRelayServesTheSameProtocolOverTcp) {
  ASSERT_TRUE(session_->Stop().ok());  // one relay (one service) at a time
  session_.reset();
  const uint16_t port = FreeLoopbackPort();
  auto tcp = AgentSession::Start(*prefix_, WSKCONF_TEST_AGENT_DIR,
                                 RelayChannel{port});
  ASSERT_TRUE(tcp.ok()) << tcp.status().message();
  session_ = std::move(tcp).value();
  EXPECT_EQ(session_->hello()->protocol_version, WSKA_PROTOCOL_VERSION);
  Attach();
}

// The Linux pid of this prefix's winedevice.exe, or 0.
pid_t FindWinedevice(const std::string& prefix) {
  DIR* proc = opendir("/proc");
  pid_t found = 0;
  for (dirent* e; proc != nullptr && (e = readdir(proc)) != nullptr;) {
    std::string base = std::string("/proc/") + e->d_name;
    std::ifstream cmd(base + "/cmdline"), env(base + "/environ");
    std::string cmdline((std::istreambuf_iterator<char>(cmd)), {});
    std::string environ((std::istreambuf_iterator<char>(env)), {});
    if (cmdline.find("winedevice.exe") != std::string::npos &&
        environ.find("WINEPREFIX=" + prefix + '\0') != std::string::npos) {
      found = static_cast<pid_t>(std::atoi(e->d_name));
    }
  }
  if (proc != nullptr) closedir(proc);
  return found;
}

TEST_F(WineRoute, ACrashOfWinedeviceIsAnErrorNotAHang) {
  expect_clean_stop_ = false;
  pid_t winedevice = FindWinedevice(WSKCONF_TEST_WINE_PREFIX);
  ASSERT_GT(winedevice, 0) << "no winedevice.exe in the test prefix";
  ASSERT_EQ(kill(winedevice, SIGKILL), 0);
  auto after = session_->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectDeath);
  ASSERT_FALSE(after.ok());
  EXPECT_THAT(after.status().message(), HasSubstr("relay ended"));
  EXPECT_FALSE(session_->alive());
}

TEST_F(WineRoute, ACrashOfTheRelayIsAnErrorNotAHang) {
  expect_clean_stop_ = false;
  ASSERT_EQ(kill(session_->relay_pid(), SIGKILL), 0);
  auto after = session_->Call(MessageBuilder::Call(WSKA_FN_REGISTER),
                              kExpectDeath);
  ASSERT_FALSE(after.ok());
  EXPECT_THAT(after.status().message(), HasSubstr("killed by signal 9"));
}

}  // namespace
}  // namespace wskconf::agent
