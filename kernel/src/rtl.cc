// Rtl helpers that are functions rather than macros: RtlCompareMemory and the
// counted-string routines.
#include <cwchar>

#include <wskconf/ke.h>

#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

// The largest even byte count a USHORT Length can hold with room for a
// terminator in MaximumLength.
constexpr SIZE_T kMaxUnicodeBytes = 0xFFFC;
constexpr SIZE_T kMaxAnsiBytes = 0xFFFE;

WCHAR FoldAscii(WCHAR c) { return (c >= L'a' && c <= L'z') ? c - 32 : c; }

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

SIZE_T RtlCompareMemory(const VOID* Source1, const VOID* Source2,
                        SIZE_T Length) {
  if (Length == 0) return 0;
  if (!ki::RequireNonNull(Source1, "RtlCompareMemory", "Source1") ||
      !ki::RequireNonNull(Source2, "RtlCompareMemory", "Source2")) {
    return 0;
  }
  const auto* a = static_cast<const UCHAR*>(Source1);
  const auto* b = static_cast<const UCHAR*>(Source2);
  SIZE_T i = 0;
  while (i < Length && a[i] == b[i]) ++i;
  return i;
}

VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString,
                          PCWSTR SourceString) {
  if (!ki::RequireNonNull(DestinationString, "RtlInitUnicodeString",
                          "DestinationString")) {
    return;
  }
  DestinationString->Buffer = const_cast<PWCH>(SourceString);
  if (SourceString == nullptr) {
    DestinationString->Length = 0;
    DestinationString->MaximumLength = 0;
    return;
  }
  SIZE_T bytes = std::wcslen(SourceString) * sizeof(WCHAR);
  const SIZE_T max_bytes = ki::kMaxUnicodeBytes / sizeof(WCHAR) * sizeof(WCHAR);
  if (bytes > max_bytes - sizeof(WCHAR)) bytes = max_bytes - sizeof(WCHAR);
  DestinationString->Length = static_cast<USHORT>(bytes);
  DestinationString->MaximumLength = static_cast<USHORT>(bytes + sizeof(WCHAR));
}

VOID RtlInitAnsiString(PANSI_STRING DestinationString, PCSZ SourceString) {
  if (!ki::RequireNonNull(DestinationString, "RtlInitAnsiString",
                          "DestinationString")) {
    return;
  }
  DestinationString->Buffer = const_cast<PCHAR>(SourceString);
  if (SourceString == nullptr) {
    DestinationString->Length = 0;
    DestinationString->MaximumLength = 0;
    return;
  }
  SIZE_T bytes = __builtin_strlen(SourceString);
  if (bytes > ki::kMaxAnsiBytes - 1) bytes = ki::kMaxAnsiBytes - 1;
  DestinationString->Length = static_cast<USHORT>(bytes);
  DestinationString->MaximumLength = static_cast<USHORT>(bytes + 1);
}

VOID RtlInitString(PSTRING DestinationString, PCSZ SourceString) {
  RtlInitAnsiString(DestinationString, SourceString);
}

BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1,
                              PCUNICODE_STRING String2,
                              BOOLEAN CaseInSensitive) {
  if (!ki::RequireNonNull(String1, "RtlEqualUnicodeString", "String1") ||
      !ki::RequireNonNull(String2, "RtlEqualUnicodeString", "String2")) {
    return FALSE;
  }
  if (String1->Length != String2->Length) return FALSE;
  const SIZE_T count = String1->Length / sizeof(WCHAR);
  for (SIZE_T i = 0; i < count; ++i) {
    WCHAR a = String1->Buffer[i];
    WCHAR b = String2->Buffer[i];
    if (CaseInSensitive) {
      a = ki::FoldAscii(a);
      b = ki::FoldAscii(b);
    }
    if (a != b) return FALSE;
  }
  return TRUE;
}

VOID RtlCopyUnicodeString(PUNICODE_STRING DestinationString,
                          PCUNICODE_STRING SourceString) {
  if (!ki::RequireNonNull(DestinationString, "RtlCopyUnicodeString",
                          "DestinationString")) {
    return;
  }
  if (SourceString == nullptr) {
    DestinationString->Length = 0;
    return;
  }
  USHORT bytes = SourceString->Length;
  if (bytes > DestinationString->MaximumLength) {
    bytes = DestinationString->MaximumLength;
  }
  bytes = static_cast<USHORT>(bytes / sizeof(WCHAR) * sizeof(WCHAR));
  if (bytes != 0) {
    __builtin_memmove(DestinationString->Buffer, SourceString->Buffer, bytes);
  }
  DestinationString->Length = bytes;
  // Terminate when there is room, as Windows does.
  if (bytes + sizeof(WCHAR) <= DestinationString->MaximumLength) {
    DestinationString->Buffer[bytes / sizeof(WCHAR)] = L'\0';
  }
}

}  // extern "C"
