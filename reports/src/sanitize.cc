// SanitizeForXml: what XML 1.0 cannot carry, made visible as \xNN escapes.
#include <cstdint>
#include <string>
#include <string_view>

#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

// Length of the well-formed UTF-8 sequence starting at text[i] and its code
// point, or 0 if the byte there does not start one (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF).
int DecodeUtf8(std::string_view text, std::size_t i, char32_t* code_point) {
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint8_t>(text[k]);
  };
  const std::uint8_t lead = byte(i);
  int length = 0;
  char32_t value = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, value = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, value = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, value = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (int k = 1; k < length; ++k) {
    const std::uint8_t next = byte(i + k);
    if ((next & 0xC0) != 0x80) return 0;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < min || value > 0x10FFFF) return 0;
  if (value >= 0xD800 && value <= 0xDFFF) return 0;
  *code_point = value;
  return length;
}

void AppendHexByte(std::uint8_t b, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  *out += "\\x";
  *out += kHex[b >> 4];
  *out += kHex[b & 0xF];
}

}  // namespace

std::string SanitizeForXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t code_point = 0;
    const int length = DecodeUtf8(text, i, &code_point);
    if (length == 0) {
      AppendHexByte(static_cast<std::uint8_t>(text[i]), &out);
      ++i;
      continue;
    }
    if (code_point < 0x20 && code_point != '\t' && code_point != '\n' &&
        code_point != '\r') {
      AppendHexByte(static_cast<std::uint8_t>(code_point), &out);
    } else if (code_point == 0xFFFE) {
      out += "\\u{FFFE}";
    } else if (code_point == 0xFFFF) {
      out += "\\u{FFFF}";
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

}  // namespace wskconf::reports
