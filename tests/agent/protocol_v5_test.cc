// Protocol version 5: CHUNK messages from the agent carry the bytes of a
// COMPLETION over one message (CHUNKED), and the runner puts them back
// together (ChunkAssembler). The codec refuses CHUNKED on a COMPLETION
// before version 5, with DATA, or out of bounds; the assembler refuses
// malformed, truncated, out-of-order, repeated, foreign and oversized
// chunk sequences with an error naming the request and what is wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "wskconf/agent/message.h"
#include "protocol_test_util.h"
#include "wskconf_agent_protocol.h"

namespace wskconf::agent {
namespace {

using ::testing::HasSubstr;

constexpr uint32_t kId = 9;
constexpr size_t kSize = 2u * WSKA_MAX_DATA + 10;  // three chunks

Bytes Pattern(size_t size) {
  Bytes bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = uint8_t(i * 7 + i / 1021);
  return bytes;
}

// A receive's COMPLETION with `size` bytes, as the agent sends it.
MessageBuilder ReceiveCompletion(size_t size) {
  MessageBuilder done(WSKA_MSG_COMPLETION, 0);
  done.Set(WSKA_TAG_IRP_STATUS, 0)
      .Set(WSKA_TAG_INFORMATION, size)
      .Set(WSKA_TAG_ELAPSED, 1)
      .Set(WSKA_TAG_FUNCTION, WSKA_FN_RECEIVE)
      .SetData(Pattern(size));
  return done;
}

std::vector<Bytes> Frames(const MessageBuilder& m, uint32_t id = kId) {
  auto stream = m.Encode(id, WSKA_PROTOCOL_VERSION);
  EXPECT_TRUE(stream.ok()) << stream.status().message();
  return stream.ok() ? SplitFrames(*stream) : std::vector<Bytes>();
}

// Feeds `frames` to an assembler in order; the first error, or the
// message it gave back last.
StatusOr<std::optional<Message>> Feed(const std::vector<Bytes>& frames,
                                      uint32_t version = 5,
                                      ChunkAssembler* assembler = nullptr) {
  ChunkAssembler own;
  ChunkAssembler& a = assembler != nullptr ? *assembler : own;
  StatusOr<std::optional<Message>> last = std::optional<Message>();
  for (const Bytes& frame : frames) {
    auto m = Message::Decode(frame);
    if (!m.ok()) return m.status();
    last = a.Take(*m, version);
    if (!last.ok()) return last;
  }
  return last;
}

std::string ErrorOf(const StatusOr<std::optional<Message>>& r) {
  return r.ok() ? "(accepted)" : r.status().message();
}

TEST(ProtocolV5, TheNewestVersionIsFive) {
  EXPECT_EQ(WSKA_PROTOCOL_VERSION, 5u);
  EXPECT_EQ(WSKA_PROTOCOL_VERSION_MIN, 1u);
}

TEST(ProtocolV5, AChunkedCompletionIsAssembledIntact) {
  std::vector<Bytes> frames = Frames(ReceiveCompletion(kSize));
  ASSERT_EQ(frames.size(), 4u);  // three chunks and the completion
  auto done = Feed(frames);
  ASSERT_TRUE(done.ok()) << done.status().message();
  ASSERT_TRUE(done->has_value());
  const Message& m = **done;
  EXPECT_EQ(m->type, WSKA_MSG_COMPLETION);
  EXPECT_FALSE(m.Has(WSKA_TAG_CHUNKED));
  EXPECT_TRUE(m.Blob(WSKA_TAG_DATA) == Pattern(kSize));
  EXPECT_EQ(m->information, kSize);
}

TEST(ProtocolV5, ACompletionThatFitsKeepsItsData) {
  std::vector<Bytes> frames = Frames(ReceiveCompletion(WSKA_MAX_DATA));
  ASSERT_EQ(frames.size(), 1u);
  auto done = Feed(frames);
  ASSERT_TRUE(done.ok() && done->has_value()) << ErrorOf(done);
  EXPECT_TRUE((*done)->Blob(WSKA_TAG_DATA) == Pattern(WSKA_MAX_DATA));
}

TEST(ProtocolV5, ChunkedOnACompletionNeedsVersion5) {
  auto v4 = ReceiveCompletion(kSize).Encode(kId, 4);
  ASSERT_FALSE(v4.ok());
  EXPECT_THAT(v4.status().message(),
              HasSubstr("CHUNKED (tag 55) on a COMPLETION needs protocol "
                        "version 5"));
  // Decoding: the same completion with its header stamped version 4.
  Bytes frame = Frames(ReceiveCompletion(kSize)).back();
  frame[4] = 4;
  auto decoded = Message::Decode(frame);
  ASSERT_FALSE(decoded.ok());
  EXPECT_THAT(decoded.status().message(), HasSubstr("needs protocol version 5"));
}

TEST(ProtocolV5, ChunkedCompletionsOutOfBoundsOrWithDataAreRefused) {
  for (uint64_t bad : {uint64_t{WSKA_MAX_DATA}, uint64_t{WSKA_MAX_CHUNKED} + 1}) {
    MessageBuilder done(WSKA_MSG_COMPLETION, 0);
    done.Set(WSKA_TAG_IRP_STATUS, 0)
        .Set(WSKA_TAG_INFORMATION, 0)
        .Set(WSKA_TAG_ELAPSED, 1)
        .Set(WSKA_TAG_CHUNKED, bad);
    auto frame = done.Encode(kId);
    ASSERT_FALSE(frame.ok()) << bad;
    EXPECT_THAT(frame.status().message(), HasSubstr("field CHUNKED"));
  }
  MessageBuilder both(WSKA_MSG_COMPLETION, 0);
  both.Set(WSKA_TAG_IRP_STATUS, 0)
      .Set(WSKA_TAG_INFORMATION, 0)
      .Set(WSKA_TAG_ELAPSED, 1)
      .Set(WSKA_TAG_CHUNKED, kSize)
      .SetBlob(WSKA_TAG_DATA, "x");
  auto frame = both.Encode(kId);
  ASSERT_FALSE(frame.ok());
  EXPECT_THAT(frame.status().message(), HasSubstr("and DATA exclude"));
}

TEST(ProtocolV5, ChunksFromTheAgentBeforeVersion5AreRefused) {
  std::vector<Bytes> frames = Frames(ReceiveCompletion(kSize));
  auto r = Feed({frames[0]}, 4);
  EXPECT_THAT(ErrorOf(r), HasSubstr("need protocol version 5, the session "
                                    "speaks 4"));
}

TEST(ProtocolV5, AChunkLostOrRepeatedIsOutOfOrder) {
  std::vector<Bytes> frames = Frames(ReceiveCompletion(kSize));
  auto lost = Feed({frames[0], frames[2], frames[3]});
  EXPECT_THAT(ErrorOf(lost), HasSubstr("CHUNK of request 9"));
  EXPECT_THAT(ErrorOf(lost), HasSubstr("out of order or one lost, expected "
                                       "position 1044480"));
  auto repeated = Feed({frames[0], frames[1], frames[1]});
  EXPECT_THAT(ErrorOf(repeated), HasSubstr("out of order"));
  auto late_first = Feed({frames[1]});
  EXPECT_THAT(ErrorOf(late_first), HasSubstr("first chunk of a request must "
                                             "be at 0"));
}

TEST(ProtocolV5, ACompletionWithItsChunksCutShortIsRefused) {
  std::vector<Bytes> frames = Frames(ReceiveCompletion(kSize));
  auto short_ = Feed({frames[0], frames[1], frames[3]});
  EXPECT_THAT(ErrorOf(short_), HasSubstr("COMPLETION of request 9"));
  EXPECT_THAT(ErrorOf(short_), HasSubstr("chunks cut short"));
  auto none = Feed({frames[3]});
  EXPECT_THAT(ErrorOf(none), HasSubstr("no chunks arrived for request 9"));
  // A completion of the open request that does not say CHUNKED.
  std::vector<Bytes> plain = Frames(ReceiveCompletion(10));
  auto orphaned = Feed({frames[0], plain[0]});
  EXPECT_THAT(ErrorOf(orphaned), HasSubstr("followed by a message without "
                                           "CHUNKED"));
}

TEST(ProtocolV5, AnotherRequestsChunkWhileOneIsOpenIsRefused) {
  std::vector<Bytes> mine = Frames(ReceiveCompletion(kSize));
  std::vector<Bytes> other = Frames(ReceiveCompletion(kSize), kId + 1);
  auto r = Feed({mine[0], other[0]});
  EXPECT_THAT(ErrorOf(r), HasSubstr("another request's chunks are still "
                                    "open, request 9"));
  // Messages of other requests in between pass; the assembly goes on.
  std::vector<Bytes> answer = Frames(ReceiveCompletion(5), kId + 2);
  auto passed = Feed({mine[0], answer[0], mine[1], mine[2], mine[3]});
  ASSERT_TRUE(passed.ok() && passed->has_value()) << ErrorOf(passed);
  EXPECT_TRUE((*passed)->Blob(WSKA_TAG_DATA) == Pattern(kSize));
}

TEST(ProtocolV5, OversizedOrMalformedChunksAreRefusedByTheDecoder) {
  std::vector<Bytes> frames = Frames(ReceiveCompletion(kSize));
  // LENGTH past the bound: the encoder refuses to write it.
  WSKA_MESSAGE chunk;
  WSKA_RESULT r;
  ASSERT_EQ(WskaDecode(frames[0].data(), frames[0].size(), &chunk, &r),
            WSKA_E_OK);
  chunk.length = uint64_t{WSKA_MAX_CHUNKED} + 1;
  Bytes oversized(WskaEncodedSize(&chunk));
  size_t written = 0;
  EXPECT_EQ(WskaEncode(&chunk, oversized.data(), oversized.size(), &written,
                       &r),
            WSKA_E_BAD_VALUE);
  EXPECT_THAT(r.text, HasSubstr("at most WSKA_MAX_CHUNKED"));
  // The same bytes on the wire: patch LENGTH (the first field, fields go
  // in tag order) in the valid frame.
  Bytes patched = frames[0];
  const size_t length_at = WSKA_HEADER_SIZE + WSKA_FIELD_HEADER_SIZE;
  ASSERT_EQ(patched[length_at - 6], WSKA_TAG_LENGTH);
  const uint64_t big = uint64_t{WSKA_MAX_CHUNKED} + 1;
  for (int i = 0; i < 8; ++i) patched[length_at + i] = uint8_t(big >> (8 * i));
  EXPECT_THAT(ErrorOf(Feed({patched})), HasSubstr("field LENGTH (tag 25)"));
  // Truncated: the frame cut inside its DATA.
  Bytes cut(frames[0].begin(), frames[0].begin() + 100);
  EXPECT_THAT(ErrorOf(Feed({cut})), HasSubstr("TRUNCATED"));
}

TEST(ProtocolV5, AnAssemblerGoesOnAfterACompletedBuffer) {
  ChunkAssembler a;
  std::vector<Bytes> first = Frames(ReceiveCompletion(kSize));
  std::vector<Bytes> second = Frames(ReceiveCompletion(kSize + 1), kId + 1);
  ASSERT_TRUE(Feed(first, 5, &a).ok());
  EXPECT_EQ(a.held(), 0u);
  auto r = Feed(second, 5, &a);
  ASSERT_TRUE(r.ok() && r->has_value()) << ErrorOf(r);
  EXPECT_TRUE((*r)->Blob(WSKA_TAG_DATA) == Pattern(kSize + 1));
}

}  // namespace
}  // namespace wskconf::agent
