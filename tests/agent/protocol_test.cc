// Tests of agent/protocol/wskconf_agent_protocol.c: every message type and
// every call round-trips; malformed, truncated, oversized, unknown and
// wrong-version messages are refused with a reason; a seeded mutation fuzz
// never crashes the decoder (run under ASan by the sanitizer build).
#include "wskconf_agent_protocol.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace wskconf::agent {
namespace {

using Bytes = std::vector<uint8_t>;

// Sample blob contents that satisfy each blob tag's value rules.
struct Samples {
  Bytes text{'h', 'i'};
  Bytes data = Bytes(300, 0xab);
  Bytes address{23, 0, 0x1f, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0,  0, 0, 0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  Bytes cmsg = Bytes(24, 7);
  Bytes input{1, 0, 0, 0};
  Bytes output = Bytes(8, 9);
  Bytes name{'l', 0, 'o', 0};
  Bytes hints = Bytes(16, 0);
  Bytes list{3, 0, 0, 0, 'a', 'b', 'c', 0, 0, 0, 0};
  Bytes answers = Answers({{WSKA_EV_RECEIVE, 0x103, 5, 0},
                           {WSKA_EV_ACCEPT, 0, 0, 1u << WSKA_EV_RECEIVE}});

  // ANSWERS records as the codec lays them out.
  static Bytes Answers(const std::vector<WSKA_ANSWER>& records) {
    Bytes out(records.size() * WSKA_ANSWER_RECORD_SIZE);
    uint32_t used = 0;
    for (const WSKA_ANSWER& a : records) {
      EXPECT_TRUE(WskaPutAnswer(out.data(), static_cast<uint32_t>(out.size()),
                                &used, &a));
    }
    return out;
  }
};

WSKA_BLOB Blob(const Bytes& b) {
  return WSKA_BLOB{b.data(), static_cast<uint32_t>(b.size())};
}

// Sets field `tag` of *m to a distinct valid sample value.
void FillField(WSKA_MESSAGE* m, uint32_t tag, const Samples& s) {
  const uint32_t v = 1000 + tag;
  switch (tag) {
    case WSKA_TAG_FUNCTION: break;  // set by the caller
    case WSKA_TAG_EVENT: m->event = WSKA_EV_ACCEPT; break;
    case WSKA_TAG_DISPATCH_MASK: m->dispatch_mask = 1u << WSKA_EV_ACCEPT; break;
    case WSKA_TAG_VERSION: m->protocol_version = v; break;
    case WSKA_TAG_VERSION_MIN: m->version_min = v; break;
    case WSKA_TAG_VERSION_MAX: m->version_max = v; break;
    case WSKA_TAG_MAX_PAYLOAD: m->max_payload = v; break;
    case WSKA_TAG_ERROR_CODE: m->error_code = WSKA_E_BAD_HANDLE; break;
    case WSKA_TAG_REGISTRATION: m->registration = v; break;
    case WSKA_TAG_SOCKET: m->socket = v; break;
    case WSKA_TAG_NEW_SOCKET: m->new_socket = v; break;
    case WSKA_TAG_HANDLE: m->handle = v; break;
    case WSKA_TAG_TARGET: m->target = v; break;
    case WSKA_TAG_FAMILY: m->family = 23; break;
    case WSKA_TAG_SOCKET_TYPE: m->socket_type = 1; break;
    case WSKA_TAG_PROTOCOL: m->protocol = 6; break;
    case WSKA_TAG_FLAGS: m->flags = 0x80000001u; break;
    case WSKA_TAG_TIMEOUT: m->timeout = 0xffffffffu; break;
    case WSKA_TAG_CONTROL_CODE: m->control_code = 0x98000001u; break;
    case WSKA_TAG_LEVEL: m->level = 0xffff; break;
    case WSKA_TAG_REQUEST_TYPE: m->request_type = 2; break;
    case WSKA_TAG_USE_IRP: m->use_irp = 1; break;
    case WSKA_TAG_OUTPUT_SIZE: m->output_size = 0x100000001ull; break;
    case WSKA_TAG_OUTPUT_SIZE_RETURNED: m->output_size_returned = 4; break;
    case WSKA_TAG_LENGTH: m->length = 0xfedcba9876543210ull; break;
    case WSKA_TAG_OFFSET: m->offset = 3; break;
    case WSKA_TAG_CONTROL_SIZE: m->control_size = 64; break;
    case WSKA_TAG_CONTROL_FLAGS: m->control_flags = 0x100; break;
    case WSKA_TAG_NAME_SPACE: m->name_space = 12; break;
    case WSKA_TAG_STATUS: m->status = static_cast<int32_t>(0xC000000D); break;
    case WSKA_TAG_IRP_STATUS: m->irp_status = 0x103; break;
    case WSKA_TAG_INFORMATION: m->information = ~0ull; break;
    case WSKA_TAG_ELAPSED: m->elapsed = 12345; break;
    case WSKA_TAG_TIME: m->time = 1ull << 40; break;
    case WSKA_TAG_ANSWER: m->answer = -1; break;
    case WSKA_TAG_INSPECT_KEY: m->inspect_key = 0x1122334455667788ull; break;
    case WSKA_TAG_INSPECT_SERIAL: m->inspect_serial = 77; break;
    case WSKA_TAG_INDICATION: m->indication = v; break;
    case WSKA_TAG_WANT_ADDRESSES: m->want_addresses = 1; break;
    case WSKA_TAG_TEXT: m->text = Blob(s.text); break;
    case WSKA_TAG_DATA: m->data = Blob(s.data); break;
    case WSKA_TAG_LOCAL_ADDRESS: m->local_address = Blob(s.address); break;
    case WSKA_TAG_REMOTE_ADDRESS: m->remote_address = Blob(s.address); break;
    case WSKA_TAG_CONTROL_INFO: m->control_info = Blob(s.cmsg); break;
    case WSKA_TAG_INPUT: m->input = Blob(s.input); break;
    case WSKA_TAG_OUTPUT: m->output = Blob(s.output); break;
    case WSKA_TAG_NODE_NAME: m->node_name = Blob(s.name); break;
    case WSKA_TAG_SERVICE_NAME: m->service_name = Blob(s.name); break;
    case WSKA_TAG_HINTS: m->hints = Blob(s.hints); break;
    case WSKA_TAG_BUFFER_LIST: m->buffer_list = Blob(s.list); break;
    case WSKA_TAG_ADDRESS_INFO: m->address_info = Blob(s.data); break;
    case WSKA_TAG_ANSWERS: m->answers = Blob(s.answers); break;
    case WSKA_TAG_OUTPUTS: m->outputs = WSKA_OUTPUT_SERVICE; break;
    case WSKA_TAG_POSITION: m->position = 0; break;
    case WSKA_TAG_CHUNKED: m->chunked = WSKA_MAX_DATA + 1ull; break;
    default: ADD_FAILURE() << "no sample for tag " << tag;
  }
  WskaSet(m, tag);
}

WSKA_MESSAGE Build(uint32_t type, uint32_t function, uint64_t fields,
                   const Samples& s) {
  WSKA_MESSAGE m;
  WskaInit(&m, type, 42);
  if (type == WSKA_MSG_CALL) {
    m.function = function;
    WskaSet(&m, WSKA_TAG_FUNCTION);
  }
  // A call's data is DATA or CHUNKED, never both; WskSend needs one.
  if ((fields & (1ull << WSKA_TAG_DATA)) != 0) {
    fields &= ~(1ull << WSKA_TAG_CHUNKED);
  }
  if (type == WSKA_MSG_CALL &&
      (function == WSKA_FN_SEND || function == WSKA_FN_SEND_TO) &&
      (fields & (1ull << WSKA_TAG_CHUNKED)) == 0) {
    fields |= 1ull << WSKA_TAG_DATA;
  }
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    if (fields & (1ull << tag)) FillField(&m, tag, s);
  }
  if (type == WSKA_MSG_CHUNK) m.length = WSKA_MAX_DATA + 1000ull;
  return m;
}

Bytes Encode(const WSKA_MESSAGE& m) {
  Bytes out(WskaEncodedSize(&m));
  size_t written = 0;
  WSKA_RESULT r;
  uint32_t code = WskaEncode(&m, out.data(), out.size(), &written, &r);
  EXPECT_EQ(code, WSKA_E_OK) << WskaErrorName(code) << ": " << r.text;
  out.resize(code == WSKA_E_OK ? written : 0);
  return out;
}

Bytes BlobBytes(const WSKA_BLOB& b) {
  return b.size == 0 ? Bytes() : Bytes(b.data, b.data + b.size);
}

// Field-by-field equality: scalars by value, blobs by contents.
void ExpectSame(const WSKA_MESSAGE& a, const WSKA_MESSAGE& b) {
  ASSERT_EQ(a.present, b.present);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.request_id, b.request_id);
  EXPECT_EQ(a.version, b.version);
  const size_t scalars_begin = offsetof(WSKA_MESSAGE, function);
  const size_t scalars_end = offsetof(WSKA_MESSAGE, text);
  EXPECT_EQ(0, std::memcmp(reinterpret_cast<const char*>(&a) + scalars_begin,
                           reinterpret_cast<const char*>(&b) + scalars_begin,
                           scalars_end - scalars_begin));
  const WSKA_BLOB* ba = &a.text;
  const WSKA_BLOB* bb = &b.text;
  const size_t blobs = (sizeof(WSKA_MESSAGE) - scalars_end) / sizeof(WSKA_BLOB);
  for (size_t i = 0; i < blobs; ++i) {
    EXPECT_EQ(BlobBytes(ba[i]), BlobBytes(bb[i])) << "blob " << i;
  }
}

void ExpectRoundTrip(const WSKA_MESSAGE& m) {
  Bytes wire = Encode(m);
  ASSERT_FALSE(wire.empty());
  WSKA_MESSAGE back;
  WSKA_RESULT r;
  ASSERT_EQ(WskaDecode(wire.data(), wire.size(), &back, &r), WSKA_E_OK)
      << r.text;
  ExpectSame(m, back);
}

TEST(AgentProtocol, EveryMessageTypeRoundTripsWithAllAndWithRequiredFields) {
  Samples s;
  for (uint32_t type = 1; type < WSKA_MSG_TYPE_LIMIT; ++type) {
    if (type == WSKA_MSG_CALL) continue;
    SCOPED_TRACE(WskaTypeName(type));
    ExpectRoundTrip(Build(type, 0, WskaAllowedFields(type, 0), s));
    ExpectRoundTrip(Build(type, 0, WskaRequiredFields(type, 0), s));
  }
}

TEST(AgentProtocol, EveryCallRoundTripsWithAllAndWithRequiredFields) {
  Samples s;
  for (uint32_t fn = 1; fn < WSKA_FN_LIMIT; ++fn) {
    SCOPED_TRACE(WskaFunctionName(fn));
    EXPECT_STRNE(WskaFunctionName(fn), "?");
    ExpectRoundTrip(Build(WSKA_MSG_CALL, fn, WskaAllowedFields(WSKA_MSG_CALL, fn), s));
    ExpectRoundTrip(
        Build(WSKA_MSG_CALL, fn, WskaRequiredFields(WSKA_MSG_CALL, fn), s));
  }
}

TEST(AgentProtocol, EncodingIsLittleEndianWithTheDocumentedHeader) {
  WSKA_MESSAGE m;
  WskaInit(&m, WSKA_MSG_CALL, 0x01020304);
  m.function = WSKA_FN_LISTEN;
  m.socket = 0x0a0b0c0d;
  WskaSet(&m, WSKA_TAG_FUNCTION);
  WskaSet(&m, WSKA_TAG_SOCKET);
  Bytes wire = Encode(m);
  const Bytes expected{'W', 'S', 'K', 'A', WSKA_PROTOCOL_VERSION, 0,
                       WSKA_MSG_CALL, 0, 20, 0, 0, 0, 4, 3, 2, 1,
                       WSKA_TAG_FUNCTION, 0, 4, 0, 0, 0, WSKA_FN_LISTEN, 0, 0, 0,
                       WSKA_TAG_SOCKET, 0, 4, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a};
  EXPECT_EQ(wire, expected);
}

// Raw message builder for inputs the encoder would refuse to produce.
struct Raw {
  Bytes fields;
  Raw& Field(uint32_t tag, const Bytes& value) {
    Put(tag, 2);
    Put(value.size(), 4);
    fields.insert(fields.end(), value.begin(), value.end());
    return *this;
  }
  Raw& U32(uint32_t tag, uint32_t v) {
    return Field(tag, Bytes{uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16),
                            uint8_t(v >> 24)});
  }
  Bytes Message(uint32_t type, uint32_t version = WSKA_PROTOCOL_VERSION) const {
    Bytes out{'W', 'S', 'K', 'A', uint8_t(version), uint8_t(version >> 8),
              uint8_t(type), uint8_t(type >> 8)};
    uint32_t n = static_cast<uint32_t>(fields.size());
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(n >> (8 * i)));
    for (int i = 0; i < 4; ++i) out.push_back(i == 0 ? 7 : 0);
    out.insert(out.end(), fields.begin(), fields.end());
    return out;
  }
  void Put(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) fields.push_back(uint8_t(v >> (8 * i)));
  }
};

struct Refusal {
  uint32_t code;
  std::string text;
};

Refusal Decode(const Bytes& wire) {
  WSKA_MESSAGE m;
  WSKA_RESULT r;
  uint32_t code = WskaDecode(wire.data(), wire.size(), &m, &r);
  EXPECT_EQ(code, r.code);
  return {code, r.text};
}

Raw ListenCall() {
  Raw raw;
  raw.U32(WSKA_TAG_FUNCTION, WSKA_FN_LISTEN).U32(WSKA_TAG_SOCKET, 5);
  return raw;
}

TEST(AgentProtocol, AValidRawCallDecodes) {
  EXPECT_EQ(Decode(ListenCall().Message(WSKA_MSG_CALL)).code, WSKA_E_OK);
}

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

TEST(AgentProtocol, BufferListWalksRecordsAndStopsAtTheEnd) {
  const Bytes list{1, 0, 0, 0, 'a', 0, 0, 0, 0, 2, 0, 0, 0, 'b', 'c'};
  WSKA_BLOB blob = Blob(list);
  uint32_t cursor = 0;
  WSKA_BLOB record;
  std::vector<std::string> seen;
  while (WskaNextBuffer(&blob, &cursor, &record) == 1) {
    seen.emplace_back(record.data, record.data + record.size);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "", "bc"}));
  EXPECT_EQ(WskaNextBuffer(&blob, &cursor, &record), 0);
}

TEST(AgentProtocol, GenericAccessorsReachEveryFieldByTag) {
  WSKA_MESSAGE m;
  WskaInit(&m, WSKA_MSG_RETURN, 1);
  const uint8_t bytes[3] = {1, 2, 3};
  int scalars = 0, blobs = 0;
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    uint64_t value = 0;
    WSKA_BLOB blob{};
    if (WskaSetScalar(&m, tag, 0xffffffff80000001ull)) {
      ++scalars;
      EXPECT_FALSE(WskaSetBlob(&m, tag, bytes, 3)) << WskaTagName(tag);
      ASSERT_TRUE(WskaGetScalar(&m, tag, &value)) << WskaTagName(tag);
      EXPECT_EQ(value & 0xffffffffu, 0x80000001u) << WskaTagName(tag);
      EXPECT_FALSE(WskaGetBlob(&m, tag, &blob));
    } else {
      ++blobs;
      ASSERT_TRUE(WskaSetBlob(&m, tag, bytes, 3)) << WskaTagName(tag);
      ASSERT_TRUE(WskaGetBlob(&m, tag, &blob));
      EXPECT_EQ(blob.data, bytes);
      EXPECT_EQ(blob.size, 3u);
      EXPECT_FALSE(WskaGetScalar(&m, tag, &value));
    }
    EXPECT_TRUE(WskaHas(&m, tag));
  }
  EXPECT_EQ(scalars + blobs, WSKA_TAG_LIMIT - 1);
  EXPECT_FALSE(WskaSetScalar(&m, 0, 1));
  EXPECT_FALSE(WskaSetScalar(&m, WSKA_TAG_LIMIT, 1));
  uint64_t value = 0;
  WSKA_MESSAGE empty;
  WskaInit(&empty, WSKA_MSG_RETURN, 1);
  EXPECT_FALSE(WskaGetScalar(&empty, WSKA_TAG_STATUS, &value));
}

TEST(AgentProtocol, NamesCoverEveryValue) {
  for (uint32_t t = 1; t < WSKA_TAG_LIMIT; ++t) EXPECT_STRNE(WskaTagName(t), "?");
  for (uint32_t e = 1; e < WSKA_EV_LIMIT; ++e) EXPECT_STRNE(WskaEventName(e), "?");
  for (uint32_t c = 0; c < WSKA_E_LIMIT; ++c) EXPECT_STRNE(WskaErrorName(c), "?");
  EXPECT_STREQ(WskaTagName(WSKA_TAG_LIMIT), "?");
  EXPECT_STREQ(WskaFunctionName(0), "?");
}

// Mutates valid messages (flips, overwrites, cuts, inserts) with a fixed seed:
// the decoder must answer every input with a code; what it accepts must
// re-encode to a message it accepts again with the same fields.
TEST(AgentProtocol, SeededMutationFuzzNeverCrashesAndAcceptedInputsReEncode) {
  Samples s;
  std::vector<Bytes> seeds;
  for (uint32_t fn = 1; fn < WSKA_FN_LIMIT; ++fn) {
    seeds.push_back(
        Encode(Build(WSKA_MSG_CALL, fn, WskaAllowedFields(WSKA_MSG_CALL, fn), s)));
  }
  for (uint32_t type = 1; type < WSKA_MSG_TYPE_LIMIT; ++type) {
    if (type != WSKA_MSG_CALL) {
      seeds.push_back(Encode(Build(type, 0, WskaAllowedFields(type, 0), s)));
    }
  }
  std::mt19937 rng(20261130);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes wire = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !wire.empty(); ++e) {
      size_t at = rng() % wire.size();
      switch (rng() % 4) {
        case 0: wire[at] ^= uint8_t(1u << (rng() % 8)); break;
        case 1: wire[at] = uint8_t(rng()); break;
        case 2: wire.resize(at); break;
        default: wire.insert(wire.begin() + static_cast<long>(at), uint8_t(rng()));
      }
    }
    // Exactly-sized heap copy so ASan sees any read past the end.
    std::vector<uint8_t> exact(wire);
    exact.shrink_to_fit();
    WSKA_MESSAGE m;
    WSKA_RESULT r;
    uint32_t code = WskaDecode(exact.data(), exact.size(), &m, &r);
    ASSERT_LT(code, static_cast<uint32_t>(WSKA_E_LIMIT));
    if (code != WSKA_E_OK) {
      EXPECT_GT(std::strlen(r.text), 0u);
      continue;
    }
    ++accepted;
    ExpectRoundTrip(m);
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace wskconf::agent
