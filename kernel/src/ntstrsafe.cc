// ntstrsafe.h: bounded copy, concatenation, printf and length for char and
// WCHAR strings and for counted UNICODE_STRINGs. One template per routine
// family serves both character widths.
#include <ntstrsafe.h>

#include <string>

#include "internal/ms_format.h"

namespace wskconf::kernel::internal {
namespace {

template <typename Char>
bool SizeIsValid(SIZE_T cch) {
  return cch != 0 && cch <= NTSTRSAFE_MAX_CCH;
}

// Copies at most `limit` characters of src (stopping at its terminator)
// into dest[0, cch) and terminates it.
template <typename Char>
NTSTATUS CopyN(Char* dest, SIZE_T cch, const Char* src, SIZE_T limit) {
  if (dest == nullptr || !SizeIsValid<Char>(cch)) {
    return STATUS_INVALID_PARAMETER;
  }
  if (src == nullptr || limit > NTSTRSAFE_MAX_CCH) {
    dest[0] = 0;
    return STATUS_INVALID_PARAMETER;
  }
  SIZE_T i = 0;
  for (; i < limit && src[i] != 0; ++i) {
    if (i + 1 == cch) {
      dest[i] = 0;
      return STATUS_BUFFER_OVERFLOW;
    }
    dest[i] = src[i];
  }
  dest[i] = 0;
  return STATUS_SUCCESS;
}

template <typename Char>
NTSTATUS Length(const Char* s, SIZE_T cch_max, SIZE_T* length) {
  if (length != nullptr) *length = 0;
  if (s == nullptr || !SizeIsValid<Char>(cch_max)) {
    return STATUS_INVALID_PARAMETER;
  }
  for (SIZE_T i = 0; i < cch_max; ++i) {
    if (s[i] == 0) {
      if (length != nullptr) *length = i;
      return STATUS_SUCCESS;
    }
  }
  return STATUS_INVALID_PARAMETER;
}

template <typename Char>
NTSTATUS CatN(Char* dest, SIZE_T cch, const Char* src, SIZE_T limit) {
  SIZE_T used = 0;
  NTSTATUS status = Length(dest, cch, &used);
  if (!NT_SUCCESS(status)) return status;
  return CopyN(dest + used, cch - used, src, limit);
}

template <typename Char>
NTSTATUS VPrintf(Char* dest, SIZE_T cch, const Char* format, va_list args) {
  if (dest == nullptr || !SizeIsValid<Char>(cch)) {
    return STATUS_INVALID_PARAMETER;
  }
  if (format == nullptr) {
    dest[0] = 0;
    return STATUS_INVALID_PARAMETER;
  }
  auto text = FormatMs(format, args);
  return CopyN(dest, cch, text.c_str(), text.size());
}

constexpr SIZE_T kMaxUnicodeBytes =
    NTSTRSAFE_UNICODE_STRING_MAX_CCH * sizeof(WCHAR);

bool CountedIsValid(PCUNICODE_STRING s) {
  return s != nullptr && s->Length <= s->MaximumLength &&
         s->Length % sizeof(WCHAR) == 0 &&
         s->MaximumLength % sizeof(WCHAR) == 0 &&
         s->MaximumLength <= kMaxUnicodeBytes &&
         (s->Buffer != nullptr || s->MaximumLength == 0);
}

// Writes `count` characters of src after `keep` characters of dest,
// cutting to its capacity.
NTSTATUS CountedPut(PUNICODE_STRING dest, SIZE_T keep, const WCHAR* src,
                    SIZE_T count) {
  if (!CountedIsValid(dest)) return STATUS_INVALID_PARAMETER;
  SIZE_T capacity = dest->MaximumLength / sizeof(WCHAR);
  SIZE_T room = capacity - keep;
  SIZE_T take = count < room ? count : room;
  for (SIZE_T i = 0; i < take; ++i) dest->Buffer[keep + i] = src[i];
  dest->Length = static_cast<USHORT>((keep + take) * sizeof(WCHAR));
  return take < count ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

SIZE_T WideLength(PCWSTR s, SIZE_T max) {
  SIZE_T n = 0;
  while (n <= max && s[n] != 0) ++n;
  return n;
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

extern "C" {

NTSTATUS RtlStringCchCopyA(PSTR d, SIZE_T n, PCSTR s) {
  return internal::CopyN(d, n, s, NTSTRSAFE_MAX_CCH);
}
NTSTATUS RtlStringCchCopyW(PWSTR d, SIZE_T n, PCWSTR s) {
  return internal::CopyN(d, n, s, NTSTRSAFE_MAX_CCH);
}
NTSTATUS RtlStringCbCopyA(PSTR d, SIZE_T cb, PCSTR s) {
  return internal::CopyN(d, cb, s, NTSTRSAFE_MAX_CCH);
}
NTSTATUS RtlStringCbCopyW(PWSTR d, SIZE_T cb, PCWSTR s) {
  return internal::CopyN(d, cb / sizeof(WCHAR), s, NTSTRSAFE_MAX_CCH);
}
NTSTATUS RtlStringCchCopyNA(PSTR d, SIZE_T n, PCSTR s, SIZE_T m) {
  return internal::CopyN(d, n, s, m);
}
NTSTATUS RtlStringCchCopyNW(PWSTR d, SIZE_T n, PCWSTR s, SIZE_T m) {
  return internal::CopyN(d, n, s, m);
}
NTSTATUS RtlStringCbCopyNA(PSTR d, SIZE_T cb, PCSTR s, SIZE_T m) {
  return internal::CopyN(d, cb, s, m);
}
NTSTATUS RtlStringCbCopyNW(PWSTR d, SIZE_T cb, PCWSTR s, SIZE_T m) {
  return internal::CopyN(d, cb / sizeof(WCHAR), s, m / sizeof(WCHAR));
}
NTSTATUS RtlStringCchCatA(PSTR d, SIZE_T n, PCSTR s) {
  return internal::CatN(d, n, s, NTSTRSAFE_MAX_CCH);
}
NTSTATUS RtlStringCchCatW(PWSTR d, SIZE_T n, PCWSTR s) {
  return internal::CatN(d, n, s, NTSTRSAFE_MAX_CCH);
}
NTSTATUS RtlStringCbCatA(PSTR d, SIZE_T cb, PCSTR s) {
  return internal::CatN(d, cb, s, NTSTRSAFE_MAX_CCH);
}
NTSTATUS RtlStringCbCatW(PWSTR d, SIZE_T cb, PCWSTR s) {
  return internal::CatN(d, cb / sizeof(WCHAR), s, NTSTRSAFE_MAX_CCH);
}
NTSTATUS RtlStringCchCatNA(PSTR d, SIZE_T n, PCSTR s, SIZE_T m) {
  return internal::CatN(d, n, s, m);
}
NTSTATUS RtlStringCchCatNW(PWSTR d, SIZE_T n, PCWSTR s, SIZE_T m) {
  return internal::CatN(d, n, s, m);
}
NTSTATUS RtlStringCbCatNA(PSTR d, SIZE_T cb, PCSTR s, SIZE_T m) {
  return internal::CatN(d, cb, s, m);
}
NTSTATUS RtlStringCbCatNW(PWSTR d, SIZE_T cb, PCWSTR s, SIZE_T m) {
  return internal::CatN(d, cb / sizeof(WCHAR), s, m / sizeof(WCHAR));
}

NTSTATUS RtlStringCchVPrintfA(PSTR d, SIZE_T n, PCSTR f, va_list a) {
  return internal::VPrintf(d, n, f, a);
}
NTSTATUS RtlStringCchVPrintfW(PWSTR d, SIZE_T n, PCWSTR f, va_list a) {
  return internal::VPrintf(d, n, f, a);
}
NTSTATUS RtlStringCbVPrintfA(PSTR d, SIZE_T cb, PCSTR f, va_list a) {
  return internal::VPrintf(d, cb, f, a);
}
NTSTATUS RtlStringCbVPrintfW(PWSTR d, SIZE_T cb, PCWSTR f, va_list a) {
  return internal::VPrintf(d, cb / sizeof(WCHAR), f, a);
}

#define WSKCONF_VARARGS_(call) \
  va_list args;                \
  va_start(args, f);           \
  NTSTATUS status = call;      \
  va_end(args);                \
  return status

NTSTATUS RtlStringCchPrintfA(PSTR d, SIZE_T n, PCSTR f, ...) {
  WSKCONF_VARARGS_(internal::VPrintf(d, n, f, args));
}
NTSTATUS RtlStringCchPrintfW(PWSTR d, SIZE_T n, PCWSTR f, ...) {
  WSKCONF_VARARGS_(internal::VPrintf(d, n, f, args));
}
NTSTATUS RtlStringCbPrintfA(PSTR d, SIZE_T cb, PCSTR f, ...) {
  WSKCONF_VARARGS_(internal::VPrintf(d, cb, f, args));
}
NTSTATUS RtlStringCbPrintfW(PWSTR d, SIZE_T cb, PCWSTR f, ...) {
  WSKCONF_VARARGS_(internal::VPrintf(d, cb / sizeof(WCHAR), f, args));
}

NTSTATUS RtlStringCchLengthA(PCSTR s, SIZE_T n, SIZE_T* out) {
  return internal::Length(s, n, out);
}
NTSTATUS RtlStringCchLengthW(PCWSTR s, SIZE_T n, SIZE_T* out) {
  return internal::Length(s, n, out);
}
NTSTATUS RtlStringCbLengthA(PCSTR s, SIZE_T cb, SIZE_T* out) {
  return internal::Length(s, cb, out);
}
NTSTATUS RtlStringCbLengthW(PCWSTR s, SIZE_T cb, SIZE_T* out) {
  NTSTATUS status = internal::Length(s, cb / sizeof(WCHAR), out);
  if (out != nullptr) *out *= sizeof(WCHAR);
  return status;
}

NTSTATUS RtlUnicodeStringValidate(PCUNICODE_STRING s) {
  return internal::CountedIsValid(s) ? STATUS_SUCCESS
                                     : STATUS_INVALID_PARAMETER;
}

NTSTATUS RtlUnicodeStringInit(PUNICODE_STRING d, PCWSTR s) {
  if (d == nullptr) return STATUS_INVALID_PARAMETER;
  *d = UNICODE_STRING{0, 0, nullptr};
  if (s == nullptr) return STATUS_SUCCESS;
  SIZE_T n = internal::WideLength(s, NTSTRSAFE_UNICODE_STRING_MAX_CCH);
  if (n > NTSTRSAFE_UNICODE_STRING_MAX_CCH) return STATUS_INVALID_PARAMETER;
  d->Buffer = const_cast<PWCH>(s);
  d->Length = static_cast<USHORT>(n * sizeof(WCHAR));
  d->MaximumLength = d->Length;
  return STATUS_SUCCESS;
}

NTSTATUS RtlUnicodeStringCopy(PUNICODE_STRING d, PCUNICODE_STRING s) {
  if (!internal::CountedIsValid(s)) return STATUS_INVALID_PARAMETER;
  return internal::CountedPut(d, 0, s->Buffer, s->Length / sizeof(WCHAR));
}

NTSTATUS RtlUnicodeStringCopyString(PUNICODE_STRING d, PCWSTR s) {
  if (s == nullptr) return STATUS_INVALID_PARAMETER;
  return internal::CountedPut(
      d, 0, s, internal::WideLength(s, NTSTRSAFE_UNICODE_STRING_MAX_CCH));
}

NTSTATUS RtlUnicodeStringCat(PUNICODE_STRING d, PCUNICODE_STRING s) {
  if (!internal::CountedIsValid(s) || !internal::CountedIsValid(d)) {
    return STATUS_INVALID_PARAMETER;
  }
  return internal::CountedPut(d, d->Length / sizeof(WCHAR), s->Buffer,
                              s->Length / sizeof(WCHAR));
}

NTSTATUS RtlUnicodeStringCatString(PUNICODE_STRING d, PCWSTR s) {
  if (s == nullptr || !internal::CountedIsValid(d)) {
    return STATUS_INVALID_PARAMETER;
  }
  return internal::CountedPut(
      d, d->Length / sizeof(WCHAR), s,
      internal::WideLength(s, NTSTRSAFE_UNICODE_STRING_MAX_CCH));
}

NTSTATUS RtlUnicodeStringVPrintf(PUNICODE_STRING d, PCWSTR f, va_list a) {
  if (f == nullptr) return STATUS_INVALID_PARAMETER;
  std::wstring text = internal::FormatMs(f, a);
  return internal::CountedPut(d, 0, text.data(), text.size());
}

NTSTATUS RtlUnicodeStringPrintf(PUNICODE_STRING d, PCWSTR f, ...) {
  WSKCONF_VARARGS_(RtlUnicodeStringVPrintf(d, f, args));
}

}  // extern "C"
