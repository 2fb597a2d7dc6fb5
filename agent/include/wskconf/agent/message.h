// Protocol messages on the runner's side: a decoded message that owns its
// bytes, and a builder that owns the blobs it sets. Thin C++ over the C
// codec of wskconf_agent_protocol.h, which does every check.
#ifndef WSKCONF_AGENT_MESSAGE_H_
#define WSKCONF_AGENT_MESSAGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wskconf/status.h"
#include "wskconf_agent_protocol.h"

namespace wskconf::agent {

using conformance::Status;
using conformance::StatusOr;
using Bytes = std::vector<uint8_t>;

// A decoded message. Copies share the bytes, so blobs stay valid.
class Message {
 public:
  // Decodes one whole frame; the error names the field and offset
  // ("agent message: field SOCKET (tag 9): wrong size 2 at byte 22").
  static StatusOr<Message> Decode(Bytes frame);

  const WSKA_MESSAGE& raw() const { return m_; }
  const WSKA_MESSAGE* operator->() const { return &m_; }
  bool Has(uint32_t tag) const { return WskaHas(&m_, tag) != 0; }
  // The blob of `tag` as bytes (empty when absent).
  Bytes Blob(uint32_t tag) const;
  // One line for logs: "RETURN #7 WskBind STATUS=0x00000103 ...".
  std::string Describe() const;
  // This message with `data` as its DATA and without CHUNKED: a COMPLETION
  // whose bytes came in CHUNK messages (protocol version 5), once
  // ChunkAssembler has put them together.
  Message WithData(Bytes data) const;

 private:
  std::shared_ptr<const Bytes> bytes_;
  std::shared_ptr<const Bytes> data_;  // WithData's bytes
  WSKA_MESSAGE m_{};
};

// Puts the agent's CHUNK messages (protocol version 5) back together: fed
// every message from the agent in arrival order, it keeps the CHUNKs of
// one request and gives back the COMPLETION that says CHUNKED with the
// assembled bytes as its DATA. The checks are the codec's
// (WskaChunkAccept, WskaChunkFinish), as on the agent's side; at most
// WSKA_MAX_CHUNKED bytes are held.
class ChunkAssembler {
 public:
  // nullopt for a CHUNK kept; the message itself (with its DATA when it
  // says CHUNKED) otherwise; an error naming the request and what is wrong
  // for a CHUNK in a `version` before 5, one out of order, repeated,
  // oversized, another request's while one is open, or a COMPLETION whose
  // chunks are missing or short. The agent's stream cannot be trusted
  // after such an error.
  StatusOr<std::optional<Message>> Take(Message message, uint32_t version);
  // Bytes held for the open assembly.
  size_t held() const { return buffer_.size(); }

 private:
  WSKA_ASSEMBLY assembly_{};
  Bytes buffer_;
};

// Builds a CALL (or HELLO): Set/SetBlob by tag, then Encode.
class MessageBuilder {
 public:
  MessageBuilder(uint32_t type, uint32_t function);
  static MessageBuilder Call(uint32_t function) {
    return MessageBuilder(WSKA_MSG_CALL, function);
  }

  MessageBuilder& Set(uint32_t tag, uint64_t value);
  MessageBuilder& SetBlob(uint32_t tag, Bytes value);
  MessageBuilder& SetBlob(uint32_t tag, std::string_view value) {
    return SetBlob(tag, Bytes(value.begin(), value.end()));
  }
  // The call's data: in DATA when one message carries it, else (protocol
  // version 3) in CHUNK messages ahead of the call, which then says
  // CHUNKED. Encode writes the chunks and the call as one frame sequence.
  // The same for a COMPLETION's received bytes (version 5; fake agents).
  MessageBuilder& SetData(Bytes value);
  uint32_t type() const { return m_.type; }
  uint32_t function() const { return m_.function; }

  // The frame with `request_id` in protocol `version` (a session's
  // version()), or the codec's reason for refusing it (e.g. a field that
  // version lacks).
  StatusOr<Bytes> Encode(uint32_t request_id,
                         uint32_t version = WSKA_PROTOCOL_VERSION) const;

 private:
  WSKA_MESSAGE m_{};
  std::vector<std::pair<uint32_t, std::shared_ptr<const Bytes>>> blobs_;
  std::shared_ptr<const Bytes> chunked_;  // SetData's bytes over one message
};

}  // namespace wskconf::agent

#endif  // WSKCONF_AGENT_MESSAGE_H_
