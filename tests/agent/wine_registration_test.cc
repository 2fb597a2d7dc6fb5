// Protocol version 4 against the real agent in Wine (label wine): a
// deregistered registration stays named, so the registration routines on
// it reach netio.sys and answer (WskDeregister and a capture with a wait
// run on the agent's workers, whose RETURN comes by request id), a second
// WskDeregister is refused, and SHUTDOWN frees it; WskRelease of a NULL
// list reaches the provider. What Wine answers is recorded, not judged.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "wskconf/agent/session.h"

namespace wskconf::agent {
namespace {

constexpr Millis kExpectCompletion{20000};
constexpr uint32_t kNoWait = 0, kInfiniteWait = 0xffffffffu;
constexpr uint32_t kAfInet = 2, kSockStream = 1, kIpprotoTcp = 6;
constexpr uint32_t kFlagConnection = 2;

std::string Hex(int32_t status) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08X", static_cast<uint32_t>(status));
  return text;
}

class WineVersionFour : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tools = FindWine();
    ASSERT_TRUE(tools.ok()) << tools.status().message();
    auto prefix = WinePrefix::Open(*tools, WSKCONF_TEST_WINE_PREFIX);
    ASSERT_TRUE(prefix.ok()) << prefix.status().message();
    prefix_ = std::move(prefix).value();
    auto session = AgentSession::Start(*prefix_, WSKCONF_TEST_AGENT_DIR);
    ASSERT_TRUE(session.ok()) << session.status().message();
    session_ = std::move(session).value();
    ASSERT_GE(session_->version(), 4u);  // its rules hold from 4 on
  }

  void TearDown() override {
    if (session_ != nullptr) {
      Status stopped = session_->Stop();
      EXPECT_TRUE(stopped.ok()) << stopped.message();
    }
  }

  // The answer to `call`, RETURN or ERROR, as it came.
  Message Answer(const MessageBuilder& call) {
    const uint32_t id = session_->NextRequestId();
    auto frame = call.Encode(id, session_->version());
    EXPECT_TRUE(frame.ok()) << frame.status().message();
    if (!frame.ok()) return Message();
    auto answer = session_->SendRaw(*frame, id);
    EXPECT_TRUE(answer.ok()) << answer.status().message() << "\nrelay: "
                             << session_->diagnostics();
    return answer.ok() ? *answer : Message();
  }

  // A registration routine on `registration`.
  Message OnRegistration(uint32_t function, uint32_t registration,
                         std::optional<uint32_t> timeout = std::nullopt) {
    MessageBuilder call = MessageBuilder::Call(function);
    call.Set(WSKA_TAG_REGISTRATION, registration);
    if (timeout) call.Set(WSKA_TAG_TIMEOUT, *timeout);
    return Answer(call);
  }

  uint32_t Register() {
    Message reg = Answer(MessageBuilder::Call(WSKA_FN_REGISTER));
    EXPECT_EQ(reg->type, WSKA_MSG_RETURN) << reg.Describe();
    EXPECT_EQ(reg->status, 0);
    return reg->handle;
  }

  std::unique_ptr<WinePrefix> prefix_;
  std::unique_ptr<AgentSession> session_;
};

TEST_F(WineVersionFour, ADeregisteredRegistrationStaysNamedUntilShutdown) {
  const uint32_t r = Register();
  // A capture with a wait runs on a worker; its RETURN comes all the same.
  Message captured =
      OnRegistration(WSKA_FN_CAPTURE_PROVIDER_NPI, r, kInfiniteWait);
  ASSERT_EQ(captured->type, WSKA_MSG_RETURN) << captured.Describe();
  ASSERT_EQ(captured->status, 0);
  EXPECT_EQ(OnRegistration(WSKA_FN_RELEASE_PROVIDER_NPI, r)->type,
            WSKA_MSG_RETURN);
  Message deregistered = OnRegistration(WSKA_FN_DEREGISTER, r);
  ASSERT_EQ(deregistered->type, WSKA_MSG_RETURN) << deregistered.Describe();
  EXPECT_EQ(deregistered->function, WSKA_FN_DEREGISTER);
  // The block is intact and still named: netio.sys answers for itself.
  Message after = OnRegistration(WSKA_FN_CAPTURE_PROVIDER_NPI, r, kNoWait);
  ASSERT_EQ(after->type, WSKA_MSG_RETURN) << after.Describe();
  RecordProperty("WskCaptureProviderNPI after WskDeregister",
                 Hex(after->status));
  if (after->status >= 0) {
    EXPECT_EQ(OnRegistration(WSKA_FN_RELEASE_PROVIDER_NPI, r)->type,
              WSKA_MSG_RETURN);
  }
  Message again = OnRegistration(WSKA_FN_DEREGISTER, r);
  ASSERT_EQ(again->type, WSKA_MSG_ERROR) << again.Describe();
  EXPECT_EQ(again->error_code, WSKA_E_BAD_STATE);
  // SHUTDOWN frees the slot: the handle names nothing any more.
  EXPECT_EQ(Answer(MessageBuilder::Call(WSKA_FN_SHUTDOWN))->type,
            WSKA_MSG_RETURN);
  Message gone = OnRegistration(WSKA_FN_CAPTURE_PROVIDER_NPI, r, kNoWait);
  ASSERT_EQ(gone->type, WSKA_MSG_ERROR) << gone.Describe();
  EXPECT_EQ(gone->error_code, WSKA_E_BAD_HANDLE);
}

TEST_F(WineVersionFour, ANullListReleaseReachesTheProvider) {
  const uint32_t r = Register();
  ASSERT_EQ(OnRegistration(WSKA_FN_CAPTURE_PROVIDER_NPI, r, kNoWait)->status,
            0);
  Message made = Answer(MessageBuilder::Call(WSKA_FN_SOCKET)
                            .Set(WSKA_TAG_REGISTRATION, r)
                            .Set(WSKA_TAG_FAMILY, kAfInet)
                            .Set(WSKA_TAG_SOCKET_TYPE, kSockStream)
                            .Set(WSKA_TAG_PROTOCOL, kIpprotoTcp)
                            .Set(WSKA_TAG_FLAGS, kFlagConnection));
  ASSERT_EQ(made->type, WSKA_MSG_RETURN) << made.Describe();
  auto done = session_->WaitCompletion(made->request_id, kExpectCompletion);
  ASSERT_TRUE(done.ok()) << done.status().message();
  ASSERT_TRUE(done->has_value()) << "WskSocket never completed";
  ASSERT_TRUE((*done)->Has(WSKA_TAG_NEW_SOCKET)) << (*done)->Describe();
  Message released = Answer(MessageBuilder::Call(WSKA_FN_RELEASE)
                                .Set(WSKA_TAG_SOCKET, (**done)->new_socket)
                                .Set(WSKA_TAG_INDICATION, 0));
  ASSERT_EQ(released->type, WSKA_MSG_RETURN) << released.Describe();
  RecordProperty("WskRelease(NULL)", Hex(released->status));
}

}  // namespace
}  // namespace wskconf::agent
