// Protocol version 3's CHUNK messages (wskconf_agent_protocol.c) and the
// runner's encoding of a large call into chunks (MessageBuilder::SetData):
// chunks round-trip; malformed, truncated, out-of-order, foreign and short
// chunk sequences are refused with a reason naming what is wrong; version 2
// has neither CHUNK nor CHUNKED.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "wskconf/agent/message.h"
#include "wskconf_agent_protocol.h"

namespace wskconf::agent {
namespace {

constexpr uint64_t kLength = 2ull * WSKA_MAX_DATA + 10;  // three chunks

struct Outcome {
  uint32_t code;
  std::string text;
};

// A CHUNK of `size` bytes at `position` of a kLength-byte buffer.
WSKA_MESSAGE Chunk(uint32_t request_id, uint64_t position, const Bytes& data,
                   uint64_t length = kLength) {
  WSKA_MESSAGE m;
  WskaInit(&m, WSKA_MSG_CHUNK, request_id);
  WskaSetScalar(&m, WSKA_TAG_POSITION, position);
  WskaSetScalar(&m, WSKA_TAG_LENGTH, length);
  WskaSetBlob(&m, WSKA_TAG_DATA, data.data(),
              static_cast<uint32_t>(data.size()));
  return m;
}

Outcome EncodeOutcome(const WSKA_MESSAGE& m, Bytes* wire = nullptr) {
  Bytes out(WskaEncodedSize(&m));
  size_t written = 0;
  WSKA_RESULT r;
  uint32_t code = WskaEncode(&m, out.data(), out.size(), &written, &r);
  if (wire != nullptr) *wire = out;
  return {code, r.text};
}

Outcome DecodeOutcome(const Bytes& wire) {
  WSKA_MESSAGE m;
  WSKA_RESULT r;
  uint32_t code = WskaDecode(wire.data(), wire.size(), &m, &r);
  return {code, r.text};
}

WSKA_MESSAGE SendCall(uint32_t request_id) {
  WSKA_MESSAGE m;
  WskaInit(&m, WSKA_MSG_CALL, request_id);
  WskaSetScalar(&m, WSKA_TAG_FUNCTION, WSKA_FN_SEND);
  WskaSetScalar(&m, WSKA_TAG_SOCKET, 5);
  return m;
}

TEST(AgentProtocolChunks, AChunkRoundTripsInVersionThreeOnly) {
  const Bytes data(WSKA_MAX_DATA, 0x5a);
  Bytes wire;
  ASSERT_EQ(EncodeOutcome(Chunk(7, WSKA_MAX_DATA, data), &wire).code,
            WSKA_E_OK);
  WSKA_MESSAGE back;
  WSKA_RESULT r;
  ASSERT_EQ(WskaDecode(wire.data(), wire.size(), &back, &r), WSKA_E_OK)
      << r.text;
  EXPECT_EQ(back.type, WSKA_MSG_CHUNK);
  EXPECT_EQ(back.position, WSKA_MAX_DATA);
  EXPECT_EQ(back.length, kLength);
  EXPECT_EQ(back.data.size, WSKA_MAX_DATA);
  WSKA_MESSAGE old = Chunk(7, 0, data);
  old.version = 2;
  Outcome refused = EncodeOutcome(old);
  EXPECT_EQ(refused.code, WSKA_E_UNKNOWN_TYPE);
  EXPECT_NE(refused.text.find("CHUNK needs protocol version 3"),
            std::string::npos)
      << refused.text;
  wire[4] = 2;  // the same bytes as a version-2 message
  Outcome decoded = DecodeOutcome(wire);
  EXPECT_EQ(decoded.code, WSKA_E_UNKNOWN_TYPE) << decoded.text;
}

TEST(AgentProtocolChunks, EveryTruncationOfAChunkIsRefused) {
  Bytes wire;
  ASSERT_EQ(EncodeOutcome(Chunk(7, 0, Bytes(40, 1)), &wire).code, WSKA_E_OK);
  for (size_t n = 0; n < wire.size(); ++n) {
    Outcome r = DecodeOutcome(Bytes(wire.begin(), wire.begin() + long(n)));
    EXPECT_EQ(r.code, WSKA_E_TRUNCATED) << "prefix " << n << ": " << r.text;
  }
}

TEST(AgentProtocolChunks, ChunksOutsideTheirBufferAreRefused) {
  const Bytes data(100, 1);
  Outcome past = EncodeOutcome(Chunk(7, kLength - 50, data));
  EXPECT_EQ(past.code, WSKA_E_BAD_VALUE);
  EXPECT_NE(past.text.find("POSITION"), std::string::npos) << past.text;
  EXPECT_EQ(EncodeOutcome(Chunk(7, 0, Bytes())).code, WSKA_E_BAD_VALUE);
  Outcome small = EncodeOutcome(Chunk(7, 0, data, WSKA_MAX_DATA));
  EXPECT_EQ(small.code, WSKA_E_BAD_VALUE);
  EXPECT_NE(small.text.find("LENGTH"), std::string::npos) << small.text;
  EXPECT_EQ(EncodeOutcome(Chunk(7, 0, data, WSKA_MAX_CHUNKED + 1ull)).code,
            WSKA_E_BAD_VALUE);
  WSKA_MESSAGE no_position = Chunk(7, 0, data);
  no_position.present &= ~(1ull << WSKA_TAG_POSITION);
  Outcome missing = EncodeOutcome(no_position);
  EXPECT_EQ(missing.code, WSKA_E_MISSING_FIELD);
  EXPECT_NE(missing.text.find("POSITION"), std::string::npos)
      << missing.text;
}

TEST(AgentProtocolChunks, ACallHasItsDataInDataOrChunkedNotBoth) {
  const Bytes data(10, 1);
  WSKA_MESSAGE both = SendCall(7);
  WskaSetBlob(&both, WSKA_TAG_DATA, data.data(), 10);
  WskaSetScalar(&both, WSKA_TAG_CHUNKED, kLength);
  EXPECT_EQ(EncodeOutcome(both).code, WSKA_E_UNEXPECTED_FIELD);
  Outcome neither = EncodeOutcome(SendCall(7));
  EXPECT_EQ(neither.code, WSKA_E_MISSING_FIELD);
  EXPECT_NE(neither.text.find("DATA (tag"), std::string::npos)
      << neither.text;
  WSKA_MESSAGE chunked = SendCall(7);
  WskaSetScalar(&chunked, WSKA_TAG_CHUNKED, kLength);
  EXPECT_EQ(EncodeOutcome(chunked).code, WSKA_E_OK);
  WskaSetScalar(&chunked, WSKA_TAG_CHUNKED, WSKA_MAX_DATA);
  EXPECT_EQ(EncodeOutcome(chunked).code, WSKA_E_BAD_VALUE);
  WskaSetScalar(&chunked, WSKA_TAG_CHUNKED, kLength);
  chunked.version = 2;
  Outcome old = EncodeOutcome(chunked);
  EXPECT_EQ(old.code, WSKA_E_UNEXPECTED_FIELD);
  EXPECT_NE(old.text.find("needs protocol version 3"), std::string::npos)
      << old.text;
}

// Feeds chunk `m` to the assembly; returns the outcome.
Outcome Accept(WSKA_ASSEMBLY* a, const WSKA_MESSAGE& m, int* opened) {
  WSKA_RESULT r;
  uint32_t code = WskaChunkAccept(a, &m, WSKA_MAX_CHUNKED, opened, &r);
  return {code, r.text};
}

Outcome Finish(WSKA_ASSEMBLY* a, uint32_t request_id, uint64_t chunked) {
  WSKA_MESSAGE call = SendCall(request_id);
  WskaSetScalar(&call, WSKA_TAG_CHUNKED, chunked);
  WSKA_RESULT r;
  uint32_t code = WskaChunkFinish(a, &call, &r);
  return {code, r.text};
}

TEST(AgentProtocolChunks, InOrderChunksAssembleAndFinish) {
  const Bytes full(WSKA_MAX_DATA, 1), tail(10, 2);
  WSKA_ASSEMBLY a{};
  int opened = 0;
  EXPECT_EQ(Accept(&a, Chunk(7, 0, full), &opened).code, WSKA_E_OK);
  EXPECT_EQ(opened, 1);
  EXPECT_EQ(Accept(&a, Chunk(7, WSKA_MAX_DATA, full), &opened).code,
            WSKA_E_OK);
  EXPECT_EQ(opened, 0);
  EXPECT_EQ(Accept(&a, Chunk(7, 2ull * WSKA_MAX_DATA, tail), &opened).code,
            WSKA_E_OK);
  EXPECT_EQ(a.filled, kLength);
  Outcome done = Finish(&a, 7, kLength);
  EXPECT_EQ(done.code, WSKA_E_OK) << done.text;
  EXPECT_EQ(a.request_id, 0u);
}

TEST(AgentProtocolChunks, OutOfOrderForeignAndChangedChunksAreRefused) {
  const Bytes full(WSKA_MAX_DATA, 1);
  WSKA_ASSEMBLY a{};
  int opened = 0;
  Outcome late = Accept(&a, Chunk(7, WSKA_MAX_DATA, full), &opened);
  EXPECT_EQ(late.code, WSKA_E_BAD_VALUE);
  EXPECT_NE(late.text.find("first chunk"), std::string::npos) << late.text;
  ASSERT_EQ(Accept(&a, Chunk(7, 0, full), &opened).code, WSKA_E_OK);
  Outcome skipped = Accept(&a, Chunk(7, 2ull * WSKA_MAX_DATA, Bytes(10, 2)),
                           &opened);
  EXPECT_EQ(skipped.code, WSKA_E_BAD_VALUE);
  EXPECT_NE(skipped.text.find("out of order"), std::string::npos)
      << skipped.text;
  Outcome again = Accept(&a, Chunk(7, 0, full), &opened);
  EXPECT_EQ(again.code, WSKA_E_BAD_VALUE) << "a repeated chunk";
  Outcome foreign = Accept(&a, Chunk(8, 0, full), &opened);
  EXPECT_EQ(foreign.code, WSKA_E_BAD_STATE);
  EXPECT_NE(foreign.text.find("request 7"), std::string::npos)
      << foreign.text;
  Outcome changed =
      Accept(&a, Chunk(7, WSKA_MAX_DATA, full, kLength + 1), &opened);
  EXPECT_EQ(changed.code, WSKA_E_BAD_VALUE);
  EXPECT_NE(changed.text.find("LENGTH"), std::string::npos) << changed.text;
  // None of the refusals moved the assembly on.
  EXPECT_EQ(a.filled, WSKA_MAX_DATA);
  EXPECT_EQ(Accept(&a, Chunk(7, WSKA_MAX_DATA, full), &opened).code,
            WSKA_E_OK);
}

TEST(AgentProtocolChunks, ShortMissingAndMismatchedSequencesFailTheCall) {
  const Bytes full(WSKA_MAX_DATA, 1);
  WSKA_ASSEMBLY a{};
  int opened = 0;
  Outcome none = Finish(&a, 7, kLength);
  EXPECT_EQ(none.code, WSKA_E_BAD_STATE);
  EXPECT_NE(none.text.find("no chunks"), std::string::npos) << none.text;
  ASSERT_EQ(Accept(&a, Chunk(7, 0, full), &opened).code, WSKA_E_OK);
  Outcome cut = Finish(&a, 7, kLength);
  EXPECT_EQ(cut.code, WSKA_E_TRUNCATED);
  EXPECT_NE(cut.text.find("cut short"), std::string::npos) << cut.text;
  EXPECT_EQ(a.request_id, 0u) << "a refused finish closes the assembly";
  ASSERT_EQ(Accept(&a, Chunk(9, 0, full), &opened).code, WSKA_E_OK);
  EXPECT_EQ(Finish(&a, 9, kLength - 1).code, WSKA_E_BAD_VALUE);
  WSKA_RESULT r;
  WSKA_MESSAGE big = Chunk(10, 0, full);
  EXPECT_EQ(WskaChunkAccept(&a, &big, kLength - 1, &opened, &r),
            WSKA_E_TOO_LARGE)
      << "over the receiver's own limit";
}

// The runner's side: SetData puts a large buffer into CHUNKs ahead of the
// call, which a receiver reassembles into exactly the same bytes.
TEST(AgentProtocolChunks, ALargeCallEncodesAsChunksThenTheCall) {
  Bytes data(kLength);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 13 + 1);
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_SEND);
  call.Set(WSKA_TAG_SOCKET, 5).SetData(data);
  auto frames = call.Encode(21, WSKA_PROTOCOL_VERSION);
  ASSERT_TRUE(frames.ok()) << frames.status().message();
  WSKA_ASSEMBLY a{};
  Bytes assembled(kLength);
  size_t at = 0, chunks = 0;
  WSKA_MESSAGE m{};
  while (at < frames->size()) {
    uint32_t payload = 0;
    WSKA_RESULT r;
    ASSERT_EQ(WskaPeekHeader(frames->data() + at, frames->size() - at,
                             &payload, &r),
              WSKA_E_OK);
    const size_t size = WSKA_HEADER_SIZE + payload;
    ASSERT_EQ(WskaDecode(frames->data() + at, size, &m, &r), WSKA_E_OK)
        << r.text;
    at += size;
    if (m.type != WSKA_MSG_CHUNK) break;
    int opened = 0;
    ASSERT_EQ(WskaChunkAccept(&a, &m, WSKA_MAX_CHUNKED, &opened, &r),
              WSKA_E_OK)
        << r.text;
    std::copy(m.data.data, m.data.data + m.data.size,
              assembled.begin() + long(m.position));
    ++chunks;
  }
  EXPECT_EQ(at, frames->size()) << "the call is the last frame";
  EXPECT_EQ(chunks, 3u);
  ASSERT_EQ(m.type, WSKA_MSG_CALL);
  EXPECT_FALSE(WskaHas(&m, WSKA_TAG_DATA));
  WSKA_RESULT r;
  EXPECT_EQ(WskaChunkFinish(&a, &m, &r), WSKA_E_OK) << r.text;
  EXPECT_EQ(assembled, data);
  auto old = call.Encode(22, 2);
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.status().message().find("needs protocol version 3"),
            std::string::npos)
      << old.status().message();
}

}  // namespace
}  // namespace wskconf::agent
