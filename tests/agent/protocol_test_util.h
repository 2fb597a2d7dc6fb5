// Shared by the codec tests of agent/protocol (label agent) and the Wine
// route's data tests: splitting a byte stream into frames, sample field
// values, encoding a message, and raw frames the encoder would refuse to
// produce, decoded to the code and reason the decoder gives.
#ifndef WSKCONF_TESTS_AGENT_PROTOCOL_TEST_UTIL_H_
#define WSKCONF_TESTS_AGENT_PROTOCOL_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "wskconf_agent_protocol.h"

namespace wskconf::agent {

using Bytes = std::vector<uint8_t>;

// The frames of a byte stream (chunks and calls), one by one; stops at
// the first header the decoder refuses or a frame cut short.
inline std::vector<Bytes> SplitFrames(const Bytes& stream) {
  std::vector<Bytes> frames;
  for (size_t at = 0; at + WSKA_HEADER_SIZE <= stream.size();) {
    uint32_t payload = 0;
    WSKA_RESULT r;
    if (WskaPeekHeader(stream.data() + at, WSKA_HEADER_SIZE, &payload, &r) !=
        WSKA_E_OK) {
      break;
    }
    const size_t size = WSKA_HEADER_SIZE + payload;
    if (at + size > stream.size()) break;
    frames.emplace_back(stream.begin() + long(at),
                        stream.begin() + long(at + size));
    at += size;
  }
  return frames;
}

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

inline WSKA_BLOB Blob(const Bytes& b) {
  return WSKA_BLOB{b.data(), static_cast<uint32_t>(b.size())};
}

// The frame of `m`; empty (with a test failure) when the encoder refuses.
inline Bytes Encode(const WSKA_MESSAGE& m) {
  Bytes out(WskaEncodedSize(&m));
  size_t written = 0;
  WSKA_RESULT r;
  uint32_t code = WskaEncode(&m, out.data(), out.size(), &written, &r);
  EXPECT_EQ(code, WSKA_E_OK) << WskaErrorName(code) << ": " << r.text;
  out.resize(code == WSKA_E_OK ? written : 0);
  return out;
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

// What the decoder says of `wire`: its code and reason.
inline Refusal Decode(const Bytes& wire) {
  WSKA_MESSAGE m;
  WSKA_RESULT r;
  uint32_t code = WskaDecode(wire.data(), wire.size(), &m, &r);
  EXPECT_EQ(code, r.code);
  return {code, r.text};
}

// WskListen on socket 5: a call every check accepts.
inline Raw ListenCall() {
  Raw raw;
  raw.U32(WSKA_TAG_FUNCTION, WSKA_FN_LISTEN).U32(WSKA_TAG_SOCKET, 5);
  return raw;
}

}  // namespace wskconf::agent

#endif  // WSKCONF_TESTS_AGENT_PROTOCOL_TEST_UTIL_H_
