// Protocol version 4 in the codec: RELEASE with INDICATION 0 (the client's
// NULL list) is a version-4 call, refused by the encoder and the decoder in
// an older message with the field and the version named; malformed
// RELEASE calls are refused with the reason; a version past 4 is refused.
#include <gtest/gtest.h>

#include <string>

#include "wskconf/agent/message.h"
#include "wskconf_agent_protocol.h"

namespace wskconf::agent {
namespace {

// A RELEASE call of socket 7 naming `indication`, encoded in `version`
// (the encoder's checks bypassed by writing the header version after).
Bytes ReleaseFrame(uint32_t indication, uint32_t version) {
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_RELEASE);
  call.Set(WSKA_TAG_SOCKET, 7).Set(WSKA_TAG_INDICATION, indication);
  auto frame = call.Encode(9, WSKA_PROTOCOL_VERSION);
  EXPECT_TRUE(frame.ok()) << frame.status().message();
  Bytes bytes = frame.ok() ? *frame : Bytes();
  if (bytes.size() >= WSKA_HEADER_SIZE) {
    bytes[4] = static_cast<uint8_t>(version);
    bytes[5] = static_cast<uint8_t>(version >> 8);
  }
  return bytes;
}

std::string IndicationField() {
  return "INDICATION (tag " + std::to_string(WSKA_TAG_INDICATION) + ")";
}

struct Decoded {
  uint32_t code;
  std::string text;
  WSKA_MESSAGE m;
};

Decoded Decode(const Bytes& wire) {
  Decoded d{};
  WSKA_RESULT r;
  d.code = WskaDecode(wire.data(), wire.size(), &d.m, &r);
  d.text = r.text;
  return d;
}

// The byte offset of field `tag`'s value in a frame (fields in tag order).
size_t ValueOffset(const Bytes& wire, uint32_t tag) {
  size_t at = WSKA_HEADER_SIZE;
  while (at + WSKA_FIELD_HEADER_SIZE <= wire.size()) {
    const uint32_t t = wire[at] | (wire[at + 1] << 8);
    const uint32_t size = wire[at + 2] | (wire[at + 3] << 8) |
                          (wire[at + 4] << 16) | (uint32_t(wire[at + 5]) << 24);
    if (t == tag) return at + WSKA_FIELD_HEADER_SIZE;
    at += WSKA_FIELD_HEADER_SIZE + size;
  }
  ADD_FAILURE() << "no field " << tag;
  return 0;
}

TEST(AgentProtocolV4, VersionFourIsStillSpoken) {
  EXPECT_GE(WSKA_PROTOCOL_VERSION, 4u);  // 5 since CHUNKs from the agent
  EXPECT_EQ(WSKA_PROTOCOL_VERSION_MIN, 1u);
}

TEST(AgentProtocolV4, ANullListReleaseDecodesInVersionFour) {
  const Decoded d = Decode(ReleaseFrame(0, 4));
  ASSERT_EQ(d.code, WSKA_E_OK) << d.text;
  EXPECT_EQ(d.m.function, WSKA_FN_RELEASE);
  EXPECT_TRUE(WskaHas(&d.m, WSKA_TAG_INDICATION));
  EXPECT_EQ(d.m.indication, 0u);
}

TEST(AgentProtocolV4, ANullListReleaseIsRefusedInOlderVersions) {
  for (uint32_t version = 1; version < 4; ++version) {
    SCOPED_TRACE(version);
    const Decoded d = Decode(ReleaseFrame(0, version));
    EXPECT_EQ(d.code, WSKA_E_BAD_VALUE);
    EXPECT_NE(d.text.find(IndicationField() +
                          ": 0 (a NULL list) needs protocol version 4"),
              std::string::npos)
        << d.text;
    // A retained list's handle is fine in every version.
    EXPECT_EQ(Decode(ReleaseFrame(5, version)).code, WSKA_E_OK);
  }
}

TEST(AgentProtocolV4, TheEncoderRefusesANullListInAnOlderMessage) {
  MessageBuilder call = MessageBuilder::Call(WSKA_FN_RELEASE);
  call.Set(WSKA_TAG_SOCKET, 7).Set(WSKA_TAG_INDICATION, 0);
  auto old = call.Encode(9, 3);
  ASSERT_FALSE(old.ok());
  EXPECT_NE(std::string(old.status().message())
                .find("0 (a NULL list) needs protocol version 4"),
            std::string::npos)
      << old.status().message();
  EXPECT_TRUE(call.Encode(9, 4).ok());
}

TEST(AgentProtocolV4, MalformedReleaseCallsAreRefusedWithTheReason) {
  // Without INDICATION.
  MessageBuilder bare = MessageBuilder::Call(WSKA_FN_RELEASE);
  bare.Set(WSKA_TAG_SOCKET, 7);
  WSKA_MESSAGE m;
  WSKA_RESULT r;
  auto encoded = bare.Encode(9, 4);
  ASSERT_FALSE(encoded.ok());
  EXPECT_NE(std::string(encoded.status().message()).find("INDICATION"),
            std::string::npos);
  // INDICATION 2 bytes long: the size field shrunk, the frame shortened.
  Bytes wire = ReleaseFrame(0, 4);
  const size_t value = ValueOffset(wire, WSKA_TAG_INDICATION);
  wire[value - 4] = 2;
  wire.erase(wire.begin() + static_cast<long>(value) + 2,
             wire.begin() + static_cast<long>(value) + 4);
  wire[8] = static_cast<uint8_t>(wire[8] - 2);
  EXPECT_EQ(WskaDecode(wire.data(), wire.size(), &m, &r),
            WSKA_E_BAD_FIELD_SIZE);
  EXPECT_NE(std::string(r.text).find(IndicationField() + ": wrong size 2"),
            std::string::npos)
      << r.text;
  // Every truncation of a valid version-4 call is refused as such.
  const Bytes whole = ReleaseFrame(0, 4);
  for (size_t n = 0; n < whole.size(); ++n) {
    EXPECT_EQ(WskaDecode(whole.data(), n, &m, &r), WSKA_E_TRUNCATED) << n;
  }
  // A version past the newest.
  EXPECT_EQ(Decode(ReleaseFrame(5, WSKA_PROTOCOL_VERSION + 1)).code,
            WSKA_E_BAD_VERSION);
}

}  // namespace
}  // namespace wskconf::agent
