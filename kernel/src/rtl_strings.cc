// ANSI <-> Unicode counted-string conversions and RtlFree*String
// (<wskconf/rtl_strings.h>). Latin-1 stands in for the ANSI code page.
#include <wskconf/ke.h>
#include <wskconf/rtl_strings.h>

namespace {

// `bytes` of paged pool under the tag RtlFree*String frees with.
template <typename Char>
Char* Allocate(SIZE_T bytes) {
  return static_cast<Char*>(
      ExAllocatePoolWithTag(PagedPool, bytes, WSKCONF_RTL_STRING_TAG));
}

}  // namespace

extern "C" {

NTSTATUS RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString,
                                      PCANSI_STRING SourceString,
                                      BOOLEAN AllocateDestinationString) {
  if (DestinationString == nullptr || SourceString == nullptr ||
      (SourceString->Buffer == nullptr && SourceString->Length != 0)) {
    return STATUS_INVALID_PARAMETER;
  }
  SIZE_T chars = SourceString->Length;
  SIZE_T bytes = chars * sizeof(WCHAR);
  if (bytes + sizeof(WCHAR) > MAXUSHORT) return STATUS_INVALID_PARAMETER_2;
  if (AllocateDestinationString) {
    DestinationString->Buffer = Allocate<WCHAR>(bytes + sizeof(WCHAR));
    if (DestinationString->Buffer == nullptr) return STATUS_NO_MEMORY;
    DestinationString->MaximumLength = static_cast<USHORT>(bytes + sizeof(WCHAR));
  } else if (bytes > DestinationString->MaximumLength ||
             (bytes != 0 && DestinationString->Buffer == nullptr)) {
    return STATUS_BUFFER_OVERFLOW;
  }
  for (SIZE_T i = 0; i < chars; ++i) {
    DestinationString->Buffer[i] =
        static_cast<unsigned char>(SourceString->Buffer[i]);
  }
  DestinationString->Length = static_cast<USHORT>(bytes);
  if (bytes + sizeof(WCHAR) <= DestinationString->MaximumLength) {
    DestinationString->Buffer[chars] = 0;
  }
  return STATUS_SUCCESS;
}

NTSTATUS RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString,
                                      PCUNICODE_STRING SourceString,
                                      BOOLEAN AllocateDestinationString) {
  if (DestinationString == nullptr || SourceString == nullptr ||
      (SourceString->Buffer == nullptr && SourceString->Length != 0)) {
    return STATUS_INVALID_PARAMETER;
  }
  SIZE_T chars = SourceString->Length / sizeof(WCHAR);
  if (chars + 1 > MAXUSHORT) return STATUS_INVALID_PARAMETER_2;
  NTSTATUS status = STATUS_SUCCESS;
  if (AllocateDestinationString) {
    DestinationString->Buffer = Allocate<CHAR>(chars + 1);
    if (DestinationString->Buffer == nullptr) return STATUS_NO_MEMORY;
    DestinationString->MaximumLength = static_cast<USHORT>(chars + 1);
  } else if (chars >= DestinationString->MaximumLength) {
    if (DestinationString->MaximumLength == 0 ||
        DestinationString->Buffer == nullptr) {
      return STATUS_BUFFER_OVERFLOW;
    }
    status = STATUS_BUFFER_OVERFLOW;
    chars = DestinationString->MaximumLength - 1;
  }
  for (SIZE_T i = 0; i < chars; ++i) {
    WCHAR c = SourceString->Buffer[i];
    DestinationString->Buffer[i] =
        static_cast<CHAR>(c >= 0 && c <= 0xFF ? c : L'?');
  }
  DestinationString->Buffer[chars] = 0;
  DestinationString->Length = static_cast<USHORT>(chars);
  return status;
}

VOID RtlFreeUnicodeString(PUNICODE_STRING UnicodeString) {
  if (UnicodeString == nullptr) return;
  if (UnicodeString->Buffer != nullptr) {
    ExFreePoolWithTag(UnicodeString->Buffer, WSKCONF_RTL_STRING_TAG);
  }
  *UnicodeString = UNICODE_STRING{0, 0, nullptr};
}

VOID RtlFreeAnsiString(PANSI_STRING AnsiString) {
  if (AnsiString == nullptr) return;
  if (AnsiString->Buffer != nullptr) {
    ExFreePoolWithTag(AnsiString->Buffer, WSKCONF_RTL_STRING_TAG);
  }
  *AnsiString = ANSI_STRING{0, 0, nullptr};
}

}  // extern "C"
