// Tests of agent/protocol/wskconf_agent_protocol.c: every message type and
// every call round-trips; the documented layout; the accessors and names;
// a seeded mutation fuzz never crashes the decoder (run under ASan by the
// sanitizer build). Refusals of bad input: protocol_refusal_test.cc.
#include "wskconf_agent_protocol.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "protocol_test_util.h"

namespace wskconf::agent {
namespace {

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

TEST(AgentProtocol, AValidRawCallDecodes) {
  EXPECT_EQ(Decode(ListenCall().Message(WSKA_MSG_CALL)).code, WSKA_E_OK);
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
