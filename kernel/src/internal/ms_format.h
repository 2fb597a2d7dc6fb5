// Formatting with the Microsoft printf rules driver code is written for:
// `l` is 32 bits (LONG), I64/I32/I are explicit sizes, %s follows the
// function's character width and %S the other one, %ws/%ls are wide and %hs
// narrow, %Z/%hZ print an ANSI_STRING and %wZ a UNICODE_STRING, %p prints
// 16 upper-case hex digits, %n writes nothing. Used by DbgPrint and by
// ntstrsafe's printf family.
#ifndef WSKCONF_KERNEL_SRC_INTERNAL_MS_FORMAT_H_
#define WSKCONF_KERNEL_SRC_INTERNAL_MS_FORMAT_H_

#include <cstdarg>
#include <string>

#include <ntdef.h>

namespace wskconf::kernel::internal {

// The whole formatted text (no truncation).
std::string FormatMs(const char* format, va_list args);
std::wstring FormatMs(const wchar_t* format, va_list args);
// Appends to *out, consuming the arguments the format uses from *args (so a
// caller can format a message piece by piece).
void FormatMsAppend(std::string* out, const char* format, va_list* args);

}  // namespace wskconf::kernel::internal

#endif  // WSKCONF_KERNEL_SRC_INTERNAL_MS_FORMAT_H_
