// Tests of agent/protocol/wskconf_agent_protocol.c: malformed, truncated,
// oversized, unknown and wrong-version messages are refused with a code
// and a reason that names the field and offset; the encoder refuses what
// the decoder would.
#include "wskconf_agent_protocol.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol_test_util.h"

namespace wskconf::agent {
namespace {

TEST(AgentProtocol, EveryTruncationIsRefusedAsTruncated) {
  Bytes wire = ListenCall().Message(WSKA_MSG_CALL);
  for (size_t n = 0; n < wire.size(); ++n) {
    Bytes cut(wire.begin(), wire.begin() + static_cast<long>(n));
    Refusal r = Decode(cut);
    EXPECT_EQ(r.code, WSKA_E_TRUNCATED) << "prefix of " << n << ": " << r.text;
  }
}

TEST(AgentProtocol, ATruncatedFieldNamesItself) {
  Bytes wire = ListenCall().Message(WSKA_MSG_CALL);
  wire[8] = static_cast<uint8_t>(wire[8] - 1);  // payload one byte shorter
  wire.pop_back();
  Refusal r = Decode(wire);
  EXPECT_EQ(r.code, WSKA_E_TRUNCATED);
  EXPECT_NE(r.text.find("SOCKET (tag 9)"), std::string::npos) << r.text;
}

TEST(AgentProtocol, BadMagicIsRefused) {
  Bytes wire = ListenCall().Message(WSKA_MSG_CALL);
  wire[0] = 'X';
  EXPECT_EQ(Decode(wire).code, WSKA_E_BAD_MAGIC);
}

TEST(AgentProtocol, OtherVersionsAreRefusedExceptForHelloAndError) {
  EXPECT_EQ(
      Decode(ListenCall().Message(WSKA_MSG_CALL, WSKA_PROTOCOL_VERSION + 1))
          .code,
      WSKA_E_BAD_VERSION);
  // Version 1 is still spoken (an older agent or runner).
  EXPECT_EQ(Decode(ListenCall().Message(WSKA_MSG_CALL, 1)).code, WSKA_E_OK);
  EXPECT_EQ(Decode(ListenCall().Message(WSKA_MSG_CALL, 0)).code,
            WSKA_E_BAD_VERSION);
  Raw hello;
  hello.U32(WSKA_TAG_VERSION_MIN, 2).U32(WSKA_TAG_VERSION_MAX, 3);
  EXPECT_EQ(Decode(hello.Message(WSKA_MSG_HELLO, 2)).code, WSKA_E_OK);
  EXPECT_EQ(Decode(hello.Message(WSKA_MSG_HELLO, 0)).code, WSKA_E_BAD_VERSION);
  Raw error;
  error.U32(WSKA_TAG_ERROR_CODE, WSKA_E_BAD_VERSION);
  EXPECT_EQ(Decode(error.Message(WSKA_MSG_ERROR, 9)).code, WSKA_E_OK);
}

// Version 2's ANSWERS: a socket's callback answers preset with the call
// that makes it. Refused in a version-1 message, and checked record by
// record.
Raw SocketCallWith(const Bytes& answers) {
  Raw raw;
  raw.U32(WSKA_TAG_FUNCTION, WSKA_FN_SOCKET)
      .U32(WSKA_TAG_REGISTRATION, 1)
      .U32(WSKA_TAG_FAMILY, 2)
      .U32(WSKA_TAG_SOCKET_TYPE, 1)
      .U32(WSKA_TAG_PROTOCOL, 6)
      .U32(WSKA_TAG_FLAGS, 2)
      .Field(WSKA_TAG_ANSWERS, answers);
  return raw;
}

TEST(AgentProtocol, AnswersDecodeInVersionTwoOnly) {
  const Bytes answers = Samples::Answers({{WSKA_EV_RECEIVE, 0x103, 0, 0}});
  EXPECT_EQ(Decode(SocketCallWith(answers).Message(WSKA_MSG_CALL, 2)).code,
            WSKA_E_OK);
  Refusal old = Decode(SocketCallWith(answers).Message(WSKA_MSG_CALL, 1));
  EXPECT_EQ(old.code, WSKA_E_UNEXPECTED_FIELD);
  EXPECT_NE(old.text.find("ANSWERS (tag 52) needs protocol version 2"),
            std::string::npos)
      << old.text;
}

TEST(AgentProtocol, MalformedAnswersAreRefusedNamingTheRecord) {
  Refusal cut = Decode(SocketCallWith(Bytes(19, 0)).Message(WSKA_MSG_CALL));
  EXPECT_EQ(cut.code, WSKA_E_BAD_FIELD_SIZE);
  EXPECT_NE(cut.text.find("20-byte records"), std::string::npos) << cut.text;
  Refusal unknown = Decode(
      SocketCallWith(Samples::Answers({{WSKA_EV_RECEIVE, 0, 0, 0},
                                       {WSKA_EV_LIMIT, 0, 0, 0}}))
          .Message(WSKA_MSG_CALL));
  EXPECT_EQ(unknown.code, WSKA_E_BAD_VALUE);
  EXPECT_NE(unknown.text.find("no such event in record 1"), std::string::npos)
      << unknown.text;
  Refusal twice = Decode(
      SocketCallWith(Samples::Answers({{WSKA_EV_DISCONNECT, 0, 0, 0},
                                       {WSKA_EV_DISCONNECT, 1, 0, 0}}))
          .Message(WSKA_MSG_CALL));
  EXPECT_EQ(twice.code, WSKA_E_BAD_VALUE);
  EXPECT_NE(twice.text.find("answered twice, record 1"), std::string::npos);
  Refusal mask = Decode(
      SocketCallWith(Samples::Answers({{WSKA_EV_ACCEPT, 0, 0, 1u}}))
          .Message(WSKA_MSG_CALL));
  EXPECT_EQ(mask.code, WSKA_E_BAD_VALUE);
  Refusal too_long = Decode(
      SocketCallWith(Bytes(WSKA_ANSWER_RECORD_SIZE * WSKA_EV_LIMIT, 0))
          .Message(WSKA_MSG_CALL));
  EXPECT_EQ(too_long.code, WSKA_E_BAD_FIELD_SIZE);
  // SET_ANSWER takes ANSWERS for the sockets an accept callback makes only.
  Raw set;
  set.U32(WSKA_TAG_FUNCTION, WSKA_FN_SET_ANSWER)
      .U32(WSKA_TAG_SOCKET, 3)
      .U32(WSKA_TAG_EVENT, WSKA_EV_RECEIVE)
      .U32(WSKA_TAG_ANSWER, 0)
      .Field(WSKA_TAG_ANSWERS, Samples::Answers({{WSKA_EV_RECEIVE, 0, 0, 0}}));
  Refusal wrong_event = Decode(set.Message(WSKA_MSG_CALL));
  EXPECT_EQ(wrong_event.code, WSKA_E_UNEXPECTED_FIELD);
  EXPECT_NE(wrong_event.text.find("accept event only"), std::string::npos)
      << wrong_event.text;
}

// Version 2's OUTPUTS: which of WskGetNameInfo's two outputs the client
// passed (so a NULL one stays NULL in the agent's call).
TEST(AgentProtocol, NameInfoOutputsAreVersionTwoAndKnownBitsOnly) {
  auto call = [](uint32_t outputs) {
    Raw raw;
    raw.U32(WSKA_TAG_FUNCTION, WSKA_FN_GET_NAME_INFO)
        .U32(WSKA_TAG_REGISTRATION, 1)
        .Field(WSKA_TAG_REMOTE_ADDRESS, Bytes{2, 0, 0, 80, 127, 0, 0, 1})
        .U32(WSKA_TAG_FLAGS, 0)
        .U32(WSKA_TAG_OUTPUTS, outputs);
    return raw;
  };
  EXPECT_EQ(Decode(call(WSKA_OUTPUT_SERVICE).Message(WSKA_MSG_CALL, 2)).code,
            WSKA_E_OK);
  EXPECT_EQ(Decode(call(WSKA_OUTPUT_SERVICE).Message(WSKA_MSG_CALL, 1)).code,
            WSKA_E_UNEXPECTED_FIELD);
  Refusal bits = Decode(call(4).Message(WSKA_MSG_CALL, 2));
  EXPECT_EQ(bits.code, WSKA_E_BAD_VALUE);
  EXPECT_NE(bits.text.find("OUTPUTS"), std::string::npos) << bits.text;
}

TEST(AgentProtocol, EncoderRefusesVersionTwoFieldsInAVersionOneMessage) {
  const Bytes answers = Samples::Answers({{WSKA_EV_RECEIVE, 0, 0, 0}});
  WSKA_MESSAGE m;
  WskaInit(&m, WSKA_MSG_CALL, 9);
  m.version = 1;
  m.function = WSKA_FN_ACCEPT;
  m.socket = 4;
  m.answers = WSKA_BLOB{answers.data(), static_cast<uint32_t>(answers.size())};
  WskaSet(&m, WSKA_TAG_FUNCTION);
  WskaSet(&m, WSKA_TAG_SOCKET);
  WskaSet(&m, WSKA_TAG_ANSWERS);
  Bytes out(WskaEncodedSize(&m));
  size_t written = 0;
  WSKA_RESULT r;
  EXPECT_EQ(WskaEncode(&m, out.data(), out.size(), &written, &r),
            WSKA_E_UNEXPECTED_FIELD);
  m.version = 2;
  EXPECT_EQ(WskaEncode(&m, out.data(), out.size(), &written, &r), WSKA_E_OK)
      << r.text;
  WSKA_ANSWER back{};
  EXPECT_TRUE(WskaAnswerAt(&m.answers, 0, &back));
  EXPECT_EQ(back.event, static_cast<uint32_t>(WSKA_EV_RECEIVE));
  EXPECT_FALSE(WskaAnswerAt(&m.answers, 1, &back));
}

TEST(AgentProtocol, OversizedPayloadIsRefusedFromTheHeaderAlone) {
  Bytes wire = ListenCall().Message(WSKA_MSG_CALL);
  const uint32_t huge = WSKA_MAX_PAYLOAD + 1;
  for (int i = 0; i < 4; ++i) wire[8 + i] = uint8_t(huge >> (8 * i));
  EXPECT_EQ(Decode(wire).code, WSKA_E_TOO_LARGE);
  uint32_t payload = 0;
  WSKA_RESULT r;
  EXPECT_EQ(WskaPeekHeader(wire.data(), WSKA_HEADER_SIZE, &payload, &r),
            WSKA_E_TOO_LARGE);
}

TEST(AgentProtocol, OversizedBlobIsRefused) {
  Raw raw = ListenCall();
  Raw hello;
  hello.U32(WSKA_TAG_VERSION_MIN, 1).U32(WSKA_TAG_VERSION_MAX, 1);
  hello.Field(WSKA_TAG_TEXT, Bytes(WSKA_MAX_TEXT + 1, 'x'));
  Refusal r = Decode(hello.Message(WSKA_MSG_HELLO));
  EXPECT_EQ(r.code, WSKA_E_BAD_FIELD_SIZE);
  EXPECT_NE(r.text.find("TEXT"), std::string::npos) << r.text;
}

TEST(AgentProtocol, UnknownTypesTagsAndFunctionsAreRefused) {
  EXPECT_EQ(Decode(ListenCall().Message(0)).code, WSKA_E_UNKNOWN_TYPE);
  EXPECT_EQ(Decode(ListenCall().Message(WSKA_MSG_TYPE_LIMIT)).code,
            WSKA_E_UNKNOWN_TYPE);
  EXPECT_EQ(Decode(ListenCall().U32(0, 1).Message(WSKA_MSG_CALL)).code,
            WSKA_E_UNKNOWN_TAG);
  EXPECT_EQ(Decode(ListenCall().U32(999, 1).Message(WSKA_MSG_CALL)).code,
            WSKA_E_UNKNOWN_TAG);
  Raw bad_fn;
  bad_fn.U32(WSKA_TAG_FUNCTION, WSKA_FN_LIMIT);
  EXPECT_EQ(Decode(bad_fn.Message(WSKA_MSG_CALL)).code,
            WSKA_E_UNKNOWN_FUNCTION);
}

TEST(AgentProtocol, DuplicateAndWrongSizedFieldsAreRefused) {
  EXPECT_EQ(Decode(ListenCall().U32(WSKA_TAG_SOCKET, 6).Message(WSKA_MSG_CALL))
                .code,
            WSKA_E_DUPLICATE_TAG);
  Raw short_field;
  short_field.U32(WSKA_TAG_FUNCTION, WSKA_FN_LISTEN)
      .Field(WSKA_TAG_SOCKET, Bytes{1, 0});
  Refusal r = Decode(short_field.Message(WSKA_MSG_CALL));
  EXPECT_EQ(r.code, WSKA_E_BAD_FIELD_SIZE);
  EXPECT_NE(r.text.find("SOCKET"), std::string::npos) << r.text;
}

TEST(AgentProtocol, MissingAndUnexpectedFieldsAreRefused) {
  Raw missing;
  missing.U32(WSKA_TAG_FUNCTION, WSKA_FN_LISTEN);
  Refusal r = Decode(missing.Message(WSKA_MSG_CALL));
  EXPECT_EQ(r.code, WSKA_E_MISSING_FIELD);
  EXPECT_NE(r.text.find("SOCKET"), std::string::npos) << r.text;
  r = Decode(ListenCall().U32(WSKA_TAG_FAMILY, 2).Message(WSKA_MSG_CALL));
  EXPECT_EQ(r.code, WSKA_E_UNEXPECTED_FIELD);
  EXPECT_NE(r.text.find("FAMILY"), std::string::npos) << r.text;
}

TEST(AgentProtocol, OutOfRangeValuesAreRefused) {
  auto answer = [](uint32_t event) {
    Raw raw;
    raw.U32(WSKA_TAG_FUNCTION, WSKA_FN_SET_ANSWER)
        .U32(WSKA_TAG_SOCKET, 1)
        .U32(WSKA_TAG_EVENT, event)
        .U32(WSKA_TAG_ANSWER, 0);
    return raw;
  };
  EXPECT_EQ(Decode(answer(WSKA_EV_RECEIVE).Message(WSKA_MSG_CALL)).code,
            WSKA_E_OK);
  EXPECT_EQ(Decode(answer(0).Message(WSKA_MSG_CALL)).code, WSKA_E_BAD_VALUE);
  EXPECT_EQ(Decode(answer(WSKA_EV_LIMIT).Message(WSKA_MSG_CALL)).code,
            WSKA_E_BAD_VALUE);
  EXPECT_EQ(Decode(answer(WSKA_EV_RECEIVE)
                       .U32(WSKA_TAG_DISPATCH_MASK, 1u << WSKA_EV_LIMIT)
                       .Message(WSKA_MSG_CALL))
                .code,
            WSKA_E_BAD_VALUE);
  Raw bind;
  bind.U32(WSKA_TAG_FUNCTION, WSKA_FN_BIND)
      .U32(WSKA_TAG_SOCKET, 1)
      .Field(WSKA_TAG_LOCAL_ADDRESS, Bytes{2});
  EXPECT_EQ(Decode(bind.Message(WSKA_MSG_CALL)).code, WSKA_E_BAD_FIELD_SIZE);
  Raw messages;
  messages.U32(WSKA_TAG_FUNCTION, WSKA_FN_SEND_MESSAGES)
      .U32(WSKA_TAG_SOCKET, 1)
      .Field(WSKA_TAG_BUFFER_LIST, Bytes{9, 0, 0, 0, 'x'});
  EXPECT_EQ(Decode(messages.Message(WSKA_MSG_CALL)).code, WSKA_E_BAD_VALUE);
}

TEST(AgentProtocol, TrailingBytesAreRefused) {
  Bytes wire = ListenCall().Message(WSKA_MSG_CALL);
  wire.push_back(0);
  EXPECT_EQ(Decode(wire).code, WSKA_E_TRAILING_BYTES);
}

TEST(AgentProtocol, EncoderRefusesWhatTheDecoderWouldAndTooSmallBuffers) {
  WSKA_MESSAGE m;
  WskaInit(&m, WSKA_MSG_CALL, 1);
  m.function = WSKA_FN_BIND;
  WskaSet(&m, WSKA_TAG_FUNCTION);
  uint8_t out[64];
  size_t written = 0;
  WSKA_RESULT r;
  EXPECT_EQ(WskaEncode(&m, out, sizeof(out), &written, &r),
            WSKA_E_MISSING_FIELD);
  m.socket = 1;
  WskaSet(&m, WSKA_TAG_SOCKET);
  Bytes address(16, 0);
  m.local_address = Blob(address);
  WskaSet(&m, WSKA_TAG_LOCAL_ADDRESS);
  EXPECT_EQ(WskaEncode(&m, out, 20, &written, &r), WSKA_E_NO_SPACE);
  EXPECT_EQ(WskaEncode(&m, out, sizeof(out), &written, &r), WSKA_E_OK);
  m.present |= 1ull << 60;
  EXPECT_EQ(WskaEncode(&m, out, sizeof(out), &written, &r), WSKA_E_UNKNOWN_TAG);
}

}  // namespace
}  // namespace wskconf::agent
