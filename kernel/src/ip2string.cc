// IPv4/IPv6 text conversions of ip2string.h, written by hand (not with the
// host's inet_ntop) so the output follows Windows' format. One template per
// routine serves the char and wchar_t variants.
#include <ip2string.h>

#include <cstdint>
#include <string>

#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

std::string FormatIpv4(const IN_ADDR& address) {
  const UCHAR* b = reinterpret_cast<const UCHAR*>(&address);
  return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." +
         std::to_string(b[2]) + "." + std::to_string(b[3]);
}

std::string Hex(unsigned value) {
  static const char kDigits[] = "0123456789abcdef";
  std::string text;
  do {
    text.insert(text.begin(), kDigits[value & 0xF]);
    value >>= 4;
  } while (value != 0);
  return text;
}

std::string FormatIpv6(const IN6_ADDR& address) {
  const UCHAR* b = address.u.Byte;
  unsigned words[8];
  for (int i = 0; i < 8; ++i) words[i] = (b[2 * i] << 8) | b[2 * i + 1];
  bool first_five_zero = true;
  for (int i = 0; i < 5; ++i) first_five_zero = first_five_zero && words[i] == 0;
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses
  // end in dotted decimal; :: and ::1 do not count as compatible.
  const bool mapped = first_five_zero && words[5] == 0xFFFF;
  const bool compatible = first_five_zero && words[5] == 0 && words[6] != 0;
  const int hex_words = (mapped || compatible) ? 6 : 8;
  int best_start = -1;
  int best_length = 1;  // only runs of two or more zero words are compressed
  for (int i = 0; i < hex_words;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < hex_words && words[j] == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  std::string text;
  for (int i = 0; i < hex_words; ++i) {
    if (i == best_start) {
      text += "::";
      i += best_length - 1;
      continue;
    }
    if (!text.empty() && text.back() != ':') text += ':';
    text += Hex(words[i]);
  }
  if (hex_words == 6) {
    if (!text.empty() && text.back() != ':') text += ':';
    IN_ADDR tail;
    for (int i = 0; i < 4; ++i) {
      reinterpret_cast<UCHAR*>(&tail)[i] = b[12 + i];
    }
    text += FormatIpv4(tail);
  }
  return text;
}

USHORT HostPort(USHORT network_port) {
  return static_cast<USHORT>((network_port >> 8) | (network_port << 8));
}

template <typename Char>
NTSTATUS CopyOut(const std::string& text, Char* out, PULONG length) {
  const ULONG needed = static_cast<ULONG>(text.size() + 1);
  if (*length < needed) {
    *length = needed;
    return STATUS_INVALID_PARAMETER;
  }
  for (size_t i = 0; i < text.size(); ++i) out[i] = static_cast<Char>(text[i]);
  out[text.size()] = Char{0};
  *length = needed;
  return STATUS_SUCCESS;
}

template <typename Char>
Char* WriteNul(const std::string& text, Char* out) {
  if (out == nullptr) return nullptr;
  for (size_t i = 0; i < text.size(); ++i) out[i] = static_cast<Char>(text[i]);
  out[text.size()] = Char{0};
  return out + text.size();
}

// Parses an unsigned number in `base` starting at *s; false on no digits or
// a value above `max`.
template <typename Char>
bool ParseNumber(const Char*& s, unsigned base, uint64_t max, uint64_t* out) {
  uint64_t value = 0;
  const Char* start = s;
  for (;; ++s) {
    unsigned digit = 0;
    Char c = *s;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      break;
    }
    if (digit >= base) break;
    value = value * base + digit;
    if (value > max) return false;
  }
  *out = value;
  return s != start;
}

template <typename Char>
bool ParseIpv4(const Char*& s, bool strict, IN_ADDR* address) {
  uint64_t parts[4];
  int count = 0;
  for (;;) {
    unsigned base = 10;
    if (!strict && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      s += 2;
    } else if (!strict && s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
      base = 8;
    }
    if (!ParseNumber(s, base, 0xFFFFFFFFull, &parts[count])) return false;
    ++count;
    if (count == 4 || *s != '.') break;
    ++s;
  }
  if (strict && count != 4) return false;
  // The last part fills the bytes the earlier parts leave (inet_aton).
  uint64_t value = 0;
  for (int i = 0; i < count - 1; ++i) {
    if (parts[i] > 255) return false;
    value |= parts[i] << (24 - 8 * i);
  }
  const int last_bits = 32 - 8 * (count - 1);
  if (last_bits < 32 && parts[count - 1] >= (uint64_t{1} << last_bits)) {
    return false;
  }
  value |= parts[count - 1];
  auto* bytes = reinterpret_cast<UCHAR*>(address);
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<UCHAR>(value >> (24 - 8 * i));
  return true;
}

template <typename Char>
bool ParseIpv6(const Char*& s, IN6_ADDR* address) {
  unsigned words[8] = {};
  int count = 0;
  int gap = -1;  // index where "::" stands
  if (s[0] == ':' && s[1] == ':') {
    gap = 0;
    s += 2;
  }
  while (count < 8) {
    const Char* part = s;
    IN_ADDR tail;
    if (count <= 6 && ParseIpv4(part, true, &tail)) {
      const UCHAR* b = reinterpret_cast<const UCHAR*>(&tail);
      words[count++] = (b[0] << 8) | b[1];
      words[count++] = (b[2] << 8) | b[3];
      s = part;
      break;
    }
    uint64_t word = 0;
    const Char* digits = s;
    if (!ParseNumber(s, 16, 0xFFFF, &word)) {
      if (gap == count && count > 0) break;  // "a::" ends here
      if (gap == 0 && count == 0) break;     // "::" alone
      return false;
    }
    if (s - digits > 4) return false;
    words[count++] = static_cast<unsigned>(word);
    if (s[0] == ':' && s[1] == ':' && gap < 0) {
      gap = count;
      s += 2;
    } else if (s[0] == ':' && count < 8) {
      ++s;
    } else {
      break;
    }
  }
  if (gap < 0 && count != 8) return false;
  if (gap >= 0 && count > 7) return false;
  unsigned full[8] = {};
  const int tail = gap < 0 ? 0 : count - gap;
  for (int i = 0; i < (gap < 0 ? count : gap); ++i) full[i] = words[i];
  for (int i = 0; i < tail; ++i) full[8 - tail + i] = words[gap + i];
  for (int i = 0; i < 8; ++i) {
    address->u.Byte[2 * i] = static_cast<UCHAR>(full[i] >> 8);
    address->u.Byte[2 * i + 1] = static_cast<UCHAR>(full[i]);
  }
  return true;
}

template <typename Char>
bool ParsePort(const Char*& s, PUSHORT port) {
  uint64_t value = 0;
  if (!ParseNumber(s, 10, 0xFFFF, &value)) return false;
  *port = HostPort(static_cast<USHORT>(value));
  return true;
}

template <typename Char>
NTSTATUS Ipv4StringToAddressEx(const Char* s, bool strict, IN_ADDR* address,
                               PUSHORT port) {
  if (s == nullptr || address == nullptr || port == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  *port = 0;
  if (!ParseIpv4(s, strict, address)) return STATUS_INVALID_PARAMETER;
  if (*s == ':') {
    ++s;
    if (!ParsePort(s, port)) return STATUS_INVALID_PARAMETER;
  }
  return *s == 0 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

template <typename Char>
NTSTATUS Ipv6StringToAddressEx(const Char* s, IN6_ADDR* address,
                               PULONG scope_id, PUSHORT port) {
  if (s == nullptr || address == nullptr || scope_id == nullptr ||
      port == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  *scope_id = 0;
  *port = 0;
  const bool bracketed = *s == '[';
  if (bracketed) ++s;
  if (!ParseIpv6(s, address)) return STATUS_INVALID_PARAMETER;
  if (*s == '%') {
    ++s;
    uint64_t scope = 0;
    if (!ParseNumber(s, 10, 0xFFFFFFFFull, &scope)) return STATUS_INVALID_PARAMETER;
    *scope_id = static_cast<ULONG>(scope);
  }
  if (bracketed) {
    if (*s++ != ']') return STATUS_INVALID_PARAMETER;
    if (*s == ':') {
      ++s;
      if (!ParsePort(s, port)) return STATUS_INVALID_PARAMETER;
    }
  }
  return *s == 0 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

// Appends piece by piece: GCC 12 at -O3 reports a false -Wrestrict on
// `"literal" + std::string` (GCC bug 105651).
std::string Ipv6Ex(const IN6_ADDR& address, ULONG scope_id, USHORT port) {
  std::string text;
  if (port != 0) text.push_back('[');
  text.append(FormatIpv6(address));
  if (scope_id != 0) text.append(1, '%').append(std::to_string(scope_id));
  if (port != 0) text.append("]:").append(std::to_string(HostPort(port)));
  return text;
}

std::string Ipv4Ex(const IN_ADDR& address, USHORT port) {
  std::string text = FormatIpv4(address);
  if (port != 0) text.append(1, ':').append(std::to_string(HostPort(port)));
  return text;
}

// The four Rtl*AddressToString{A,W}: check the arguments, write the text with
// its NUL, return the position of the NUL (or S when an argument is NULL).
template <typename Address, typename Char>
Char* AddressToString(const Address* address, Char* out, const char* routine,
                      std::string (*format)(const Address&)) {
  if (!RequireNonNull(address, routine, "Addr") ||
      !RequireNonNull(out, routine, "S")) {
    return out;
  }
  return WriteNul(format(*address), out);
}

// The four Rtl*AddressToStringEx{A,W}: NULL arguments are
// STATUS_INVALID_PARAMETER (as documented), else the text goes out through
// CopyOut, which also handles a buffer too small.
template <typename Address, typename Char, typename Format>
NTSTATUS AddressToStringEx(const Address* address, Char* out, PULONG length,
                           Format format) {
  if (address == nullptr || out == nullptr || length == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  return CopyOut(format(), out, length);
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

PSTR RtlIpv4AddressToStringA(const IN_ADDR* Addr, PSTR S) {
  return ki::AddressToString(Addr, S, "RtlIpv4AddressToStringA", ki::FormatIpv4);
}
PWSTR RtlIpv4AddressToStringW(const IN_ADDR* Addr, PWSTR S) {
  return ki::AddressToString(Addr, S, "RtlIpv4AddressToStringW", ki::FormatIpv4);
}
PSTR RtlIpv6AddressToStringA(const IN6_ADDR* Addr, PSTR S) {
  return ki::AddressToString(Addr, S, "RtlIpv6AddressToStringA", ki::FormatIpv6);
}
PWSTR RtlIpv6AddressToStringW(const IN6_ADDR* Addr, PWSTR S) {
  return ki::AddressToString(Addr, S, "RtlIpv6AddressToStringW", ki::FormatIpv6);
}

NTSTATUS RtlIpv4AddressToStringExA(const IN_ADDR* Address, USHORT Port,
                                   PSTR AddressString,
                                   PULONG AddressStringLength) {
  return ki::AddressToStringEx(Address, AddressString, AddressStringLength,
                               [&] { return ki::Ipv4Ex(*Address, Port); });
}

NTSTATUS RtlIpv4AddressToStringExW(const IN_ADDR* Address, USHORT Port,
                                   PWSTR AddressString,
                                   PULONG AddressStringLength) {
  return ki::AddressToStringEx(Address, AddressString, AddressStringLength,
                               [&] { return ki::Ipv4Ex(*Address, Port); });
}

NTSTATUS RtlIpv6AddressToStringExA(const IN6_ADDR* Address, ULONG ScopeId,
                                   USHORT Port, PSTR AddressString,
                                   PULONG AddressStringLength) {
  return ki::AddressToStringEx(
      Address, AddressString, AddressStringLength,
      [&] { return ki::Ipv6Ex(*Address, ScopeId, Port); });
}

NTSTATUS RtlIpv6AddressToStringExW(const IN6_ADDR* Address, ULONG ScopeId,
                                   USHORT Port, PWSTR AddressString,
                                   PULONG AddressStringLength) {
  return ki::AddressToStringEx(
      Address, AddressString, AddressStringLength,
      [&] { return ki::Ipv6Ex(*Address, ScopeId, Port); });
}

NTSTATUS RtlIpv4StringToAddressA(PCSTR S, BOOLEAN Strict, PCSTR* Terminator,
                                 IN_ADDR* Addr) {
  if (S == nullptr || Terminator == nullptr || Addr == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  bool ok = ki::ParseIpv4(S, Strict != FALSE, Addr);
  *Terminator = S;
  return ok ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS RtlIpv4StringToAddressW(PCWSTR S, BOOLEAN Strict, PCWSTR* Terminator,
                                 IN_ADDR* Addr) {
  if (S == nullptr || Terminator == nullptr || Addr == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  bool ok = ki::ParseIpv4(S, Strict != FALSE, Addr);
  *Terminator = S;
  return ok ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS RtlIpv6StringToAddressA(PCSTR S, PCSTR* Terminator, IN6_ADDR* Addr) {
  if (S == nullptr || Terminator == nullptr || Addr == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  bool ok = ki::ParseIpv6(S, Addr);
  *Terminator = S;
  return ok ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS RtlIpv6StringToAddressW(PCWSTR S, PCWSTR* Terminator,
                                 IN6_ADDR* Addr) {
  if (S == nullptr || Terminator == nullptr || Addr == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  bool ok = ki::ParseIpv6(S, Addr);
  *Terminator = S;
  return ok ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS RtlIpv4StringToAddressExA(PCSTR AddressString, BOOLEAN Strict,
                                   IN_ADDR* Address, PUSHORT Port) {
  return ki::Ipv4StringToAddressEx(AddressString, Strict != FALSE, Address,
                                   Port);
}
NTSTATUS RtlIpv4StringToAddressExW(PCWSTR AddressString, BOOLEAN Strict,
                                   IN_ADDR* Address, PUSHORT Port) {
  return ki::Ipv4StringToAddressEx(AddressString, Strict != FALSE, Address,
                                   Port);
}
NTSTATUS RtlIpv6StringToAddressExA(PCSTR AddressString, IN6_ADDR* Address,
                                   PULONG ScopeId, PUSHORT Port) {
  return ki::Ipv6StringToAddressEx(AddressString, Address, ScopeId, Port);
}
NTSTATUS RtlIpv6StringToAddressExW(PCWSTR AddressString, IN6_ADDR* Address,
                                   PULONG ScopeId, PUSHORT Port) {
  return ki::Ipv6StringToAddressEx(AddressString, Address, ScopeId, Port);
}

}  // extern "C"
