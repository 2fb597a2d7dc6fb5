// Byte-level checks on spec files; see input_guard.h.
#include "internal/input_guard.h"

#include <cstdint>
#include <fmt/format.h>

#include "wskconf/spec.h"

namespace wskconf::conformance::internal {
namespace {

int LineAt(std::string_view bytes, std::size_t offset) {
  int line = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n') ++line;
  }
  return line;
}

Status ErrorAt(std::string_view bytes, std::string_view path,
               std::size_t offset, std::string_view what) {
  return InvalidArgumentError(
      fmt::format("{}:{}: {}", path, LineAt(bytes, offset), what));
}

// Decodes one UTF-8 sequence at `i`; returns its length, or 0 if invalid
// (overlong forms, surrogates and values above U+10FFFF are invalid).
std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t* out) {
  const auto b = [&](std::size_t k) {
    return static_cast<unsigned char>(s[i + k]);
  };
  const unsigned char c = b(0);
  std::size_t len;
  char32_t cp;
  if (c < 0x80) {
    *out = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  *out = cp;
  return len;
}

bool ForbiddenInXml(char32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n' && cp != '\r';
  return cp == 0xFFFE || cp == 0xFFFF;
}

}  // namespace

Status CheckSpecBytes(std::string_view bytes, std::string_view path) {
  if (bytes.size() > kMaxSpecFileBytes) {
    return ResourceExhaustedError(fmt::format(
        "{}:1: file is {} bytes, larger than the limit of {} bytes", path,
        bytes.size(), kMaxSpecFileBytes));
  }
  if (bytes.empty()) {
    return InvalidArgumentError(
        fmt::format("{}:1: empty file, expected a <spec> document", path));
  }
  for (std::size_t i = 0; i < bytes.size();) {
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(bytes, i, &cp);
    if (len == 0) {
      return ErrorAt(bytes, path, i,
                     fmt::format("invalid UTF-8 byte 0x{:02x}",
                                 static_cast<unsigned char>(bytes[i])));
    }
    if (ForbiddenInXml(cp)) {
      return ErrorAt(bytes, path, i,
                     fmt::format("character U+{:04X} is not allowed in XML",
                                 static_cast<std::uint32_t>(cp)));
    }
    i += len;
  }
  // DOCTYPE and ENTITY declarations, outside comments.
  for (std::size_t i = bytes.find("<!"); i != std::string_view::npos;
       i = bytes.find("<!", i + 2)) {
    const std::string_view rest = bytes.substr(i);
    if (rest.starts_with("<!--")) {
      const std::size_t end = bytes.find("-->", i + 4);
      if (end == std::string_view::npos) break;  // the parser reports it
      i = end;
      continue;
    }
    if (rest.starts_with("<!DOCTYPE") || rest.starts_with("<!ENTITY")) {
      return ErrorAt(bytes, path, i,
                     "DOCTYPE and entity declarations are not allowed in "
                     "spec files");
    }
  }
  return OkStatus();
}

}  // namespace wskconf::conformance::internal
