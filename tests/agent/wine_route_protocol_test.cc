// The protocol against the real agent in Wine (label wine): malformed
// requests refused with a reason while the agent goes on, the versions it
// answers in, and version 2's preset callback answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "wine_route_fixture.h"

namespace wskconf::agent {
namespace {

using ::testing::HasSubstr;

// Raw frames the encoder would refuse to produce.
Bytes Frame(uint32_t type, uint32_t request_id, const Bytes& fields) {
  Bytes out{'W', 'S', 'K', 'A', 1, 0, uint8_t(type), 0};
  for (uint32_t v : {static_cast<uint32_t>(fields.size()), request_id}) {
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
  }
  out.insert(out.end(), fields.begin(), fields.end());
  return out;
}

Bytes U32Field(uint16_t tag, uint32_t v) {
  return Bytes{uint8_t(tag), uint8_t(tag >> 8), 4, 0, 0, 0, uint8_t(v),
               uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
}

TEST_F(WineRoute, TheAgentRefusesBadRequestsWithAReasonAndGoesOn) {
  const uint32_t id = session_->NextRequestId();
  auto missing = session_->SendRaw(
      Frame(WSKA_MSG_CALL, id, U32Field(WSKA_TAG_FUNCTION, WSKA_FN_BIND)), id);
  ASSERT_TRUE(missing.ok()) << missing.status().message();
  EXPECT_EQ((*missing)->type, WSKA_MSG_ERROR);
  EXPECT_EQ((*missing)->error_code, WSKA_E_MISSING_FIELD);
  EXPECT_THAT(TextOf(*missing), HasSubstr("SOCKET"));
  Bytes bad_size = U32Field(WSKA_TAG_FUNCTION, WSKA_FN_LISTEN);
  Bytes short_socket{WSKA_TAG_SOCKET, 0, 2, 0, 0, 0, 1, 0};
  bad_size.insert(bad_size.end(), short_socket.begin(), short_socket.end());
  const uint32_t id2 = session_->NextRequestId();
  auto refused = session_->SendRaw(Frame(WSKA_MSG_CALL, id2, bad_size), id2);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ((*refused)->error_code, WSKA_E_BAD_FIELD_SIZE);
  auto unknown = session_->Call(MessageBuilder::Call(WSKA_FN_BIND)
                                    .Set(WSKA_TAG_SOCKET, 424242)
                                    .SetBlob(WSKA_TAG_LOCAL_ADDRESS,
                                             Loopback(0)));
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("BAD_HANDLE"));
  // Still serving: a good call works after the bad ones.
  Message reg = Call(MessageBuilder::Call(WSKA_FN_REGISTER));
  EXPECT_EQ(reg->type, WSKA_MSG_RETURN);
}

// Protocol versions against the real agent: a runner that speaks version
// 1 only (an older build) is answered in version 1; a message in another
// version than the one agreed is refused; versions 2 and 3 are agreed
// again after.
TEST_F(WineRoute, AnOlderRunnerIsAnsweredInVersionOne) {
  EXPECT_EQ(session_->version(), WSKA_PROTOCOL_VERSION);
  auto hello = [&](uint32_t max) {
    MessageBuilder h(WSKA_MSG_HELLO, 0);
    h.Set(WSKA_TAG_VERSION_MIN, 1).Set(WSKA_TAG_VERSION_MAX, max);
    const uint32_t id = session_->NextRequestId();
    auto frame = h.Encode(id, max);
    EXPECT_TRUE(frame.ok());
    return session_->SendRaw(*frame, id);
  };
  auto v1 = hello(1);
  ASSERT_TRUE(v1.ok()) << v1.status().message();
  EXPECT_EQ((*v1)->type, WSKA_MSG_HELLO_REPLY);
  EXPECT_EQ((*v1)->protocol_version, 1u);
  EXPECT_EQ((*v1)->version, 1u);  // the header too
  const uint32_t id = session_->NextRequestId();
  auto reg = session_->SendRaw(
      *MessageBuilder::Call(WSKA_FN_REGISTER).Encode(id, 1), id);
  ASSERT_TRUE(reg.ok()) << reg.status().message();
  EXPECT_EQ((*reg)->type, WSKA_MSG_RETURN);
  EXPECT_EQ((*reg)->version, 1u);
  const uint32_t id2 = session_->NextRequestId();
  auto v2call = session_->SendRaw(
      *MessageBuilder::Call(WSKA_FN_REGISTER).Encode(id2, 2), id2);
  ASSERT_TRUE(v2call.ok());
  EXPECT_EQ((*v2call)->type, WSKA_MSG_ERROR);
  EXPECT_EQ((*v2call)->error_code, WSKA_E_BAD_VERSION);
  auto v2 = hello(2);
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ((*v2)->protocol_version, 2u);  // a version-2 runner
  auto current = hello(WSKA_PROTOCOL_VERSION);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ((*current)->protocol_version, WSKA_PROTOCOL_VERSION);
  Attach();  // the session's own calls work again
}

// Version 2's ANSWERS reach the agent: a socket made with preset answers,
// and the answers of the sockets a listening socket's accept callback
// takes. (Wine's netio.sys never calls a callback, so what the agent then
// answers cannot be observed here.)
TEST_F(WineRoute, VersionTwoPresetsCallbackAnswers) {
  uint32_t registration = Attach();
  WSKA_ANSWER records[2] = {{WSKA_EV_RECEIVE, 0x103, 0, 0},
                            {WSKA_EV_DISCONNECT, 0, 0, 0}};
  Bytes answers(2 * WSKA_ANSWER_RECORD_SIZE);
  uint32_t used = 0;
  for (const WSKA_ANSWER& a : records) {
    ASSERT_TRUE(WskaPutAnswer(answers.data(), answers.size(), &used, &a));
  }
  Message ret = Call(SocketCall(registration, kFlagListen)
                         .Set(WSKA_TAG_DISPATCH_MASK, 1u << WSKA_EV_ACCEPT)
                         .SetBlob(WSKA_TAG_ANSWERS, answers));
  ASSERT_EQ(ret->type, WSKA_MSG_RETURN);
  auto done = Completion(ret, kExpectCompletion);
  ASSERT_TRUE(done.has_value());
  ASSERT_TRUE(done->Has(WSKA_TAG_NEW_SOCKET));
  Message set = Call(MessageBuilder::Call(WSKA_FN_SET_ANSWER)
                         .Set(WSKA_TAG_SOCKET, (*done)->new_socket)
                         .Set(WSKA_TAG_EVENT, WSKA_EV_ACCEPT)
                         .Set(WSKA_TAG_ANSWER, 0)
                         .Set(WSKA_TAG_DISPATCH_MASK, 1u << WSKA_EV_RECEIVE)
                         .SetBlob(WSKA_TAG_ANSWERS, answers));
  EXPECT_EQ(static_cast<uint32_t>(set->status), kStatusSuccess);
  // Accepted-socket answers need a listening socket to belong to.
  Message nowhere = Call(MessageBuilder::Call(WSKA_FN_SET_ANSWER)
                             .Set(WSKA_TAG_SOCKET, 0)
                             .Set(WSKA_TAG_EVENT, WSKA_EV_ACCEPT)
                             .Set(WSKA_TAG_ANSWER, 0)
                             .SetBlob(WSKA_TAG_ANSWERS, answers));
  EXPECT_EQ(static_cast<uint32_t>(nowhere->status), 0xC000000Du);
}

}  // namespace
}  // namespace wskconf::agent
