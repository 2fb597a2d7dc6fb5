// The protocol between a conformance test binary (linked with
// wskconf_case_main) and the `wskconf run` supervisor: the records the child
// appends to the file named by WSKCONF_RESULT_FILE, one line each.
//
//   start<TAB>name=Suite.Test/Param
//   end<TAB>name=...<TAB>result=pass|fail|skip<TAB>seconds=0.012
//      <TAB>message=...<TAB>prop.clause=...<TAB>prop.strength=... (any keys)
//
// A record is one line ending in '\n', written with a single write(2) so a
// crash after it loses nothing and a crash during it leaves an unterminated
// line that the reader ignores. Fields are `key=value`; keys and values are
// percent-escaped (EscapeField) so they never hold a TAB, a newline or any
// other control byte; every other byte, valid UTF-8 or not, passes as is.
// "prop.<key>" fields carry what the test recorded with RecordProperty (the
// contract keys: clause, strength, spec_file, spec_line, family, expected,
// actual).
#ifndef WSKCONF_CHILD_PROTOCOL_H_
#define WSKCONF_CHILD_PROTOCOL_H_

#include <optional>
#include <string>
#include <string_view>

namespace wskconf::conformance::child_protocol {

// The environment variable naming the record file.
inline constexpr char kResultFileEnv[] = "WSKCONF_RESULT_FILE";
// The case's time limit in milliseconds, set by the supervisor. Shortly
// before it, a case still waiting on an IRP the implementation never
// completed is ended as a FAIL naming that IRP (wskconf/outstanding.h)
// instead of being killed as a hang.
inline constexpr char kCaseTimeoutEnv[] = "WSKCONF_CASE_TIMEOUT_MS";
// The exit status of a test process ended that way.
inline constexpr int kWatchdogExitStatus = 4;
inline constexpr char kStartRecord[] = "start";
inline constexpr char kEndRecord[] = "end";
inline constexpr char kPropertyPrefix[] = "prop.";

// '%' followed by two uppercase hex digits for '%', '=', bytes below 0x20 and
// 0x7F; every other byte unchanged.
inline std::string EscapeField(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '%' || c == '=') {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

// The inverse of EscapeField; nullopt for a '%' not followed by two hex
// digits (a damaged record).
inline std::optional<std::string> UnescapeField(std::string_view escaped) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] != '%') {
      out += escaped[i];
      continue;
    }
    if (i + 2 >= escaped.size()) return std::nullopt;
    const int high = hex(escaped[i + 1]);
    const int low = hex(escaped[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

}  // namespace wskconf::conformance::child_protocol

#endif  // WSKCONF_CHILD_PROTOCOL_H_
