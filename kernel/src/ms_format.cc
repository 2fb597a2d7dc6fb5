// The Microsoft printf rules (internal/ms_format.h), on top of the host's
// snprintf for the number conversions.
#include "internal/ms_format.h"

#include <cstdio>
#include <cstdint>
#include <cwchar>
#include <type_traits>

namespace wskconf::kernel::internal {
namespace {

// One conversion specification, as parsed.
struct Spec {
  std::string flags;
  int width = -1;
  int precision = -1;
  enum class Size { kDefault, kChar, kShort, kLong32, kLong64, kPtr } size =
      Size::kDefault;
  bool narrow_text = false;  // h on s/c/Z
  bool wide_text = false;    // l or w on s/c/Z
  char conversion = 0;
};

template <typename Char>
const Char* ParseSpec(const Char* p, va_list* args, Spec* spec) {
  while (*p == '-' || *p == '+' || *p == ' ' || *p == '#' || *p == '0') {
    spec->flags.push_back(static_cast<char>(*p++));
  }
  if (*p == '*') {
    spec->width = va_arg(*args, int);
    if (spec->width < 0) {
      spec->flags.push_back('-');
      spec->width = -spec->width;
    }
    ++p;
  } else {
    for (; *p >= '0' && *p <= '9'; ++p) {
      spec->width = (spec->width < 0 ? 0 : spec->width * 10) + (*p - '0');
    }
  }
  if (*p == '.') {
    ++p;
    spec->precision = 0;
    if (*p == '*') {
      spec->precision = va_arg(*args, int);
      ++p;
    } else {
      for (; *p >= '0' && *p <= '9'; ++p) {
        spec->precision = spec->precision * 10 + (*p - '0');
      }
    }
  }
  for (;;) {
    if (*p == 'h') {
      spec->size = spec->size == Spec::Size::kShort ? Spec::Size::kChar
                                                    : Spec::Size::kShort;
      spec->narrow_text = true;
    } else if (*p == 'l') {
      spec->size = spec->size == Spec::Size::kLong32 ? Spec::Size::kLong64
                                                     : Spec::Size::kLong32;
      spec->wide_text = true;
    } else if (*p == 'w') {
      spec->wide_text = true;
    } else if (*p == 'z' || *p == 'j' || *p == 't') {
      spec->size = Spec::Size::kPtr;
    } else if (*p == 'L') {
      spec->size = Spec::Size::kLong64;
    } else if (*p == 'I') {
      if (p[1] == '6' && p[2] == '4') {
        spec->size = Spec::Size::kLong64;
        p += 2;
      } else if (p[1] == '3' && p[2] == '2') {
        spec->size = Spec::Size::kLong32;
        p += 2;
      } else {
        spec->size = Spec::Size::kPtr;
      }
    } else {
      break;
    }
    ++p;
  }
  spec->conversion = static_cast<char>(*p);
  return *p != 0 ? p + 1 : p;
}

// Appends text of `length` characters with the spec's width, precision and
// '-' flag applied.
template <typename Out, typename In>
void AppendText(Out* out, const In* text, size_t length, const Spec& spec) {
  if (spec.precision >= 0 && static_cast<size_t>(spec.precision) < length) {
    length = spec.precision;
  }
  size_t pad = spec.width > 0 && static_cast<size_t>(spec.width) > length
                   ? spec.width - length
                   : 0;
  bool left = spec.flags.find('-') != std::string::npos;
  if (!left) out->append(pad, ' ');
  for (size_t i = 0; i < length; ++i) {
    auto c = static_cast<std::make_unsigned_t<In>>(text[i]);
    using OutChar = typename Out::value_type;
    if (sizeof(OutChar) == 1 && c > 0xFF) c = '?';
    out->push_back(static_cast<OutChar>(c));
  }
  if (left) out->append(pad, ' ');
}

template <typename Out, typename In>
void AppendCString(Out* out, const In* text, const Spec& spec) {
  static const In kNull[] = {'(', 'n', 'u', 'l', 'l', ')', 0};
  if (text == nullptr) text = kNull;
  size_t length = 0;
  while (text[length] != 0 &&
         (spec.precision < 0 || length < static_cast<size_t>(spec.precision))) {
    ++length;
  }
  AppendText(out, text, length, spec);
}

// A number or float through the host's snprintf, with a rebuilt spec.
template <typename Out>
void AppendNumber(Out* out, const Spec& spec, va_list* args) {
  std::string format = "%" + spec.flags;
  if (spec.width >= 0) format += std::to_string(spec.width);
  if (spec.precision >= 0) {
    // Appended in two steps: GCC 12's -Wrestrict misfires on
    // "." + std::string at -O2 and above (its bug 105329).
    format.push_back('.');
    format += std::to_string(spec.precision);
  }
  char buffer[512];
  char c = spec.conversion;
  if (c == 'e' || c == 'E' || c == 'f' || c == 'F' || c == 'g' || c == 'G' ||
      c == 'a' || c == 'A') {
    format.push_back(c);
    std::snprintf(buffer, sizeof(buffer), format.c_str(), va_arg(*args, double));
  } else if (c == 'p') {
    std::snprintf(buffer, sizeof(buffer), "%016llX",
                  static_cast<unsigned long long>(
                      reinterpret_cast<uintptr_t>(va_arg(*args, void*))));
  } else {
    bool is_signed = c == 'd' || c == 'i';
    unsigned long long bits;
    switch (spec.size) {
      case Spec::Size::kLong64:
      case Spec::Size::kPtr:
        bits = va_arg(*args, unsigned long long);
        break;
      default:
        bits = va_arg(*args, unsigned int);
        if (spec.size == Spec::Size::kShort) bits &= 0xFFFF;
        if (spec.size == Spec::Size::kChar) bits &= 0xFF;
        if (is_signed) {
          long long v = static_cast<int>(bits);
          if (spec.size == Spec::Size::kShort) v = static_cast<short>(bits);
          if (spec.size == Spec::Size::kChar) v = static_cast<signed char>(bits);
          bits = static_cast<unsigned long long>(v);
        } else {
          bits &= 0xFFFFFFFFull;
        }
        break;
    }
    format += "ll";
    format.push_back(c);
    std::snprintf(buffer, sizeof(buffer), format.c_str(), bits);
  }
  for (const char* p = buffer; *p != 0; ++p) out->push_back(*p);
}

template <typename Out, typename Char>
void AppendConversion(Out* out, const Spec& spec, va_list* args) {
  constexpr bool kWideFunction = sizeof(Char) != 1;
  char c = spec.conversion;
  bool other_width = c == 'S' || c == 'C';
  bool wide = spec.wide_text || (!spec.narrow_text && (kWideFunction != other_width));
  if (c == 's' || c == 'S') {
    void* text = va_arg(*args, void*);
    if (wide) {
      AppendCString(out, static_cast<const wchar_t*>(text), spec);
    } else {
      AppendCString(out, static_cast<const char*>(text), spec);
    }
  } else if (c == 'c' || c == 'C') {
    wchar_t ch = static_cast<wchar_t>(va_arg(*args, int));
    if (!wide) ch = static_cast<unsigned char>(ch);
    AppendText(out, &ch, 1, spec);
  } else if (c == 'Z') {
    void* string = va_arg(*args, void*);
    if (string == nullptr) {
      AppendCString(out, static_cast<const char*>(nullptr), spec);
    } else if (spec.wide_text) {
      auto* u = static_cast<PCUNICODE_STRING>(string);
      AppendText(out, u->Buffer, u->Buffer ? u->Length / sizeof(WCHAR) : 0, spec);
    } else {
      auto* a = static_cast<const STRING*>(string);
      AppendText(out, a->Buffer, a->Buffer ? a->Length : 0, spec);
    }
  } else if (c == 'n') {
    (void)va_arg(*args, void*);  // never written, as with MS's default
  } else {
    AppendNumber(out, spec, args);
  }
}

// Formats into *out, consuming the arguments from *args.
template <typename Out, typename Char>
void FormatInto(Out* out, const Char* format, va_list* args) {
  if (format == nullptr) return;
  for (const Char* p = format; *p != 0;) {
    if (*p != '%') {
      out->push_back(*p++);
      continue;
    }
    ++p;
    if (*p == '%') {
      out->push_back('%');
      ++p;
      continue;
    }
    Spec spec;
    p = ParseSpec(p, args, &spec);
    if (spec.conversion == 0) break;
    if (std::string("diouxXeEfFgGaApsScCZn").find(spec.conversion) ==
        std::string::npos) {
      out->push_back('%');
      out->push_back(static_cast<Char>(spec.conversion));
      continue;
    }
    AppendConversion<Out, Char>(out, spec, args);
  }
}

template <typename Out, typename Char>
Out Format(const Char* format, va_list args_in) {
  Out out;
  va_list args;
  va_copy(args, args_in);
  FormatInto(&out, format, &args);
  va_end(args);
  return out;
}

}  // namespace

std::string FormatMs(const char* format, va_list args) {
  return Format<std::string>(format, args);
}

std::wstring FormatMs(const wchar_t* format, va_list args) {
  return Format<std::wstring>(format, args);
}

void FormatMsAppend(std::string* out, const char* format, va_list* args) {
  FormatInto(out, format, args);
}

}  // namespace wskconf::kernel::internal
