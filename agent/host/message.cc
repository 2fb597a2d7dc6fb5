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
