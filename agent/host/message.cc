// Message and MessageBuilder: ownership around the C codec.
#include "wskconf/agent/message.h"

#include <fmt/format.h>

#include <algorithm>

namespace wskconf::agent {

StatusOr<Message> Message::Decode(Bytes frame) {
  Message message;
  auto bytes = std::make_shared<const Bytes>(std::move(frame));
  WSKA_RESULT result;
  uint32_t code = WskaDecode(bytes->data(), bytes->size(), &message.m_,
                             &result);
  if (code != WSKA_E_OK) {
    return conformance::InvalidArgumentError(
        fmt::format("agent message: {} ({}) at byte {}", result.text,
                    WskaErrorName(code), result.offset));
  }
  message.bytes_ = std::move(bytes);
  return message;
}

Bytes Message::Blob(uint32_t tag) const {
  WSKA_BLOB blob{};
  if (!WskaGetBlob(&m_, tag, &blob) || blob.size == 0) return {};
  return Bytes(blob.data, blob.data + blob.size);
}

std::string Message::Describe() const {
  std::string out = fmt::format("{} #{}", WskaTypeName(m_.type), m_.request_id);
  for (uint32_t tag = 1; tag < WSKA_TAG_LIMIT; ++tag) {
    uint64_t value = 0;
    WSKA_BLOB blob{};
    if (tag == WSKA_TAG_FUNCTION && Has(tag)) {
      out += fmt::format(" {}", WskaFunctionName(m_.function));
    } else if (tag == WSKA_TAG_TEXT && Has(tag)) {
      Bytes text = Blob(tag);
      out += fmt::format(" TEXT=\"{}\"", std::string(text.begin(), text.end()));
    } else if (WskaGetScalar(&m_, tag, &value)) {
      out += fmt::format(" {}=0x{:x}", WskaTagName(tag), value);
    } else if (WskaGetBlob(&m_, tag, &blob)) {
      out += fmt::format(" {}=<{} bytes>", WskaTagName(tag), blob.size);
    }
  }
  return out;
}

Message Message::WithData(Bytes data) const {
  Message out = *this;
  out.data_ = std::make_shared<const Bytes>(std::move(data));
  WskaSetBlob(&out.m_, WSKA_TAG_DATA, out.data_->data(),
              static_cast<uint32_t>(out.data_->size()));
  out.m_.present &= ~(1ull << WSKA_TAG_CHUNKED);
  out.m_.chunked = 0;
  return out;
}

namespace {

Status ChunkError(const Message& m, const WSKA_RESULT& r, uint32_t code) {
  return conformance::InvalidArgumentError(fmt::format(
      "agent {} of request {}: {} ({})", WskaTypeName(m->type),
      m->request_id, r.text, WskaErrorName(code)));
}

}  // namespace

StatusOr<std::optional<Message>> ChunkAssembler::Take(Message message,
                                                      uint32_t version) {
  WSKA_RESULT r;
  const WSKA_MESSAGE& m = message.raw();
  if (m.type == WSKA_MSG_CHUNK) {
    if (version < 5) {
      return conformance::InvalidArgumentError(fmt::format(
          "agent CHUNK of request {}: chunks from the agent need protocol "
          "version 5, the session speaks {}",
          m.request_id, version));
    }
    int opened = 0;
    uint32_t code = WskaChunkAccept(&assembly_, &m, WSKA_MAX_CHUNKED, &opened,
                                    &r);
    if (code != WSKA_E_OK) return ChunkError(message, r, code);
    if (opened) buffer_.assign(m.length, 0);
    std::copy(m.data.data, m.data.data + m.data.size,
              buffer_.begin() + static_cast<ptrdiff_t>(m.position));
    return std::optional<Message>();
  }
  if (message.Has(WSKA_TAG_CHUNKED)) {
    uint32_t code = WskaChunkFinish(&assembly_, &m, &r);
    Bytes data = std::move(buffer_);
    buffer_ = Bytes();
    if (code != WSKA_E_OK) return ChunkError(message, r, code);
    return std::optional<Message>(message.WithData(std::move(data)));
  }
  if (assembly_.request_id != 0 && assembly_.request_id == m.request_id) {
    return conformance::InvalidArgumentError(fmt::format(
        "agent {} of request {}: its CHUNKs ({} of {} bytes) are followed by "
        "a message without CHUNKED",
        WskaTypeName(m.type), m.request_id, assembly_.filled,
        assembly_.length));
  }
  return std::optional<Message>(std::move(message));
}

MessageBuilder::MessageBuilder(uint32_t type, uint32_t function) {
  WskaInit(&m_, type, 0);
  if (type == WSKA_MSG_CALL) WskaSetScalar(&m_, WSKA_TAG_FUNCTION, function);
}

MessageBuilder& MessageBuilder::Set(uint32_t tag, uint64_t value) {
  WskaSetScalar(&m_, tag, value);
  return *this;
}

MessageBuilder& MessageBuilder::SetBlob(uint32_t tag, Bytes value) {
  auto owned = std::make_shared<const Bytes>(std::move(value));
  WskaSetBlob(&m_, tag, owned->data(), static_cast<uint32_t>(owned->size()));
  blobs_.emplace_back(tag, std::move(owned));
  return *this;
}

MessageBuilder& MessageBuilder::SetData(Bytes value) {
  if (value.size() <= WSKA_MAX_DATA) return SetBlob(WSKA_TAG_DATA, value);
  chunked_ = std::make_shared<const Bytes>(std::move(value));
  return Set(WSKA_TAG_CHUNKED, chunked_->size());
}

namespace {

// The CHUNK messages of `data` for request `request_id`, one after another.
StatusOr<Bytes> EncodeChunks(const Bytes& data, uint32_t request_id,
                             uint32_t version) {
  Bytes out;
  for (size_t at = 0; at < data.size(); at += WSKA_MAX_DATA) {
    WSKA_MESSAGE chunk;
    WskaInit(&chunk, WSKA_MSG_CHUNK, request_id);
    chunk.version = static_cast<uint16_t>(version);
    WskaSetScalar(&chunk, WSKA_TAG_POSITION, at);
    WskaSetScalar(&chunk, WSKA_TAG_LENGTH, data.size());
    const size_t size = std::min<size_t>(WSKA_MAX_DATA, data.size() - at);
    WskaSetBlob(&chunk, WSKA_TAG_DATA, data.data() + at,
                static_cast<uint32_t>(size));
    const size_t start = out.size();
    out.resize(start + WskaEncodedSize(&chunk));
    size_t written = 0;
    WSKA_RESULT result;
    uint32_t code = WskaEncode(&chunk, out.data() + start, out.size() - start,
                               &written, &result);
    if (code != WSKA_E_OK) {
      return conformance::InvalidArgumentError(fmt::format(
          "agent chunk at byte {} of {}: {} ({})", at, data.size(),
          result.text, WskaErrorName(code)));
    }
  }
  return out;
}

}  // namespace

StatusOr<Bytes> MessageBuilder::Encode(uint32_t request_id,
                                       uint32_t version) const {
  WSKA_MESSAGE m = m_;
  m.request_id = request_id;
  m.version = static_cast<uint16_t>(version);
  Bytes out(WskaEncodedSize(&m));
  size_t written = 0;
  WSKA_RESULT result;
  uint32_t code = WskaEncode(&m, out.data(), out.size(), &written, &result);
  if (code != WSKA_E_OK) {
    return conformance::InvalidArgumentError(fmt::format(
        "agent call {}: {} ({})", WskaFunctionName(m.function), result.text,
        WskaErrorName(code)));
  }
  out.resize(written);
  if (chunked_ == nullptr) return out;
  WSKCONF_ASSIGN_OR_RETURN(Bytes frames,
                           EncodeChunks(*chunked_, request_id, version));
  frames.insert(frames.end(), out.begin(), out.end());
  return frames;
}

}  // namespace wskconf::agent
