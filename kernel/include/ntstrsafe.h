/* ntstrsafe.h: bounded string routines that always terminate what they
 * write and say when they truncated. Cch counts characters, Cb bytes; the A
 * forms take char, the W forms WCHAR. Each returns STATUS_SUCCESS,
 * STATUS_BUFFER_OVERFLOW (the result was cut to fit, still terminated) or
 * STATUS_INVALID_PARAMETER (a NULL pointer, a size of 0 or above
 * NTSTRSAFE_MAX_CCH, a destination without a terminator for Cat). The
 * printf forms follow the Microsoft format rules (%wZ, %ws, `l` = 32 bits).
 * The RtlUnicodeString* forms work on counted UNICODE_STRINGs, which they do
 * not terminate. The Ex variants (flags, end pointers) are not provided.
 * Any IRQL for the non-printf forms; printf at PASSIVE_LEVEL on Windows. */
#ifndef WSKCONF_NTSTRSAFE_H_
#define WSKCONF_NTSTRSAFE_H_

#include <stdarg.h>

#include <ntdef.h>
#include <ntstatus.h>

#define NTSTRSAFE_MAX_CCH 2147483647
#define NTSTRSAFE_MAX_LENGTH (NTSTRSAFE_MAX_CCH - 1)
/* The longest UNICODE_STRING in characters: 32767 on Windows, fewer here
 * because WCHAR is 4 bytes and Length counts bytes in a USHORT. */
#define NTSTRSAFE_UNICODE_STRING_MAX_CCH (0xFFFE / sizeof(WCHAR))

EXTERN_C_START

NTSYSAPI NTSTATUS RtlStringCchCopyA(PSTR pszDest, SIZE_T cchDest, PCSTR pszSrc);
NTSYSAPI NTSTATUS RtlStringCchCopyW(PWSTR pszDest, SIZE_T cchDest, PCWSTR pszSrc);
NTSYSAPI NTSTATUS RtlStringCbCopyA(PSTR pszDest, SIZE_T cbDest, PCSTR pszSrc);
NTSYSAPI NTSTATUS RtlStringCbCopyW(PWSTR pszDest, SIZE_T cbDest, PCWSTR pszSrc);
/* At most cchToCopy (cbToCopy) characters (bytes) of the source. */
NTSYSAPI NTSTATUS RtlStringCchCopyNA(PSTR pszDest, SIZE_T cchDest,
                                     PCSTR pszSrc, SIZE_T cchToCopy);
NTSYSAPI NTSTATUS RtlStringCchCopyNW(PWSTR pszDest, SIZE_T cchDest,
                                     PCWSTR pszSrc, SIZE_T cchToCopy);
NTSYSAPI NTSTATUS RtlStringCbCopyNA(PSTR pszDest, SIZE_T cbDest, PCSTR pszSrc,
                                    SIZE_T cbToCopy);
NTSYSAPI NTSTATUS RtlStringCbCopyNW(PWSTR pszDest, SIZE_T cbDest,
                                    PCWSTR pszSrc, SIZE_T cbToCopy);
NTSYSAPI NTSTATUS RtlStringCchCatA(PSTR pszDest, SIZE_T cchDest, PCSTR pszSrc);
NTSYSAPI NTSTATUS RtlStringCchCatW(PWSTR pszDest, SIZE_T cchDest, PCWSTR pszSrc);
NTSYSAPI NTSTATUS RtlStringCbCatA(PSTR pszDest, SIZE_T cbDest, PCSTR pszSrc);
NTSYSAPI NTSTATUS RtlStringCbCatW(PWSTR pszDest, SIZE_T cbDest, PCWSTR pszSrc);
NTSYSAPI NTSTATUS RtlStringCchCatNA(PSTR pszDest, SIZE_T cchDest, PCSTR pszSrc,
                                    SIZE_T cchToAppend);
NTSYSAPI NTSTATUS RtlStringCchCatNW(PWSTR pszDest, SIZE_T cchDest,
                                    PCWSTR pszSrc, SIZE_T cchToAppend);
NTSYSAPI NTSTATUS RtlStringCbCatNA(PSTR pszDest, SIZE_T cbDest, PCSTR pszSrc,
                                   SIZE_T cbToAppend);
NTSYSAPI NTSTATUS RtlStringCbCatNW(PWSTR pszDest, SIZE_T cbDest, PCWSTR pszSrc,
                                   SIZE_T cbToAppend);
NTSYSAPI NTSTATUS RtlStringCchPrintfA(PSTR pszDest, SIZE_T cchDest,
                                      PCSTR pszFormat, ...);
NTSYSAPI NTSTATUS RtlStringCchPrintfW(PWSTR pszDest, SIZE_T cchDest,
                                      PCWSTR pszFormat, ...);
NTSYSAPI NTSTATUS RtlStringCbPrintfA(PSTR pszDest, SIZE_T cbDest,
                                     PCSTR pszFormat, ...);
NTSYSAPI NTSTATUS RtlStringCbPrintfW(PWSTR pszDest, SIZE_T cbDest,
                                     PCWSTR pszFormat, ...);
NTSYSAPI NTSTATUS RtlStringCchVPrintfA(PSTR pszDest, SIZE_T cchDest,
                                       PCSTR pszFormat, va_list argList);
NTSYSAPI NTSTATUS RtlStringCchVPrintfW(PWSTR pszDest, SIZE_T cchDest,
                                       PCWSTR pszFormat, va_list argList);
NTSYSAPI NTSTATUS RtlStringCbVPrintfA(PSTR pszDest, SIZE_T cbDest,
                                      PCSTR pszFormat, va_list argList);
NTSYSAPI NTSTATUS RtlStringCbVPrintfW(PWSTR pszDest, SIZE_T cbDest,
                                      PCWSTR pszFormat, va_list argList);
/* The length before the terminator, which must come within cchMax (cbMax
 * bytes); otherwise STATUS_INVALID_PARAMETER and 0. The out pointer is
 * optional. */
NTSYSAPI NTSTATUS RtlStringCchLengthA(PCSTR psz, SIZE_T cchMax,
                                      SIZE_T *pcchLength);
NTSYSAPI NTSTATUS RtlStringCchLengthW(PCWSTR psz, SIZE_T cchMax,
                                      SIZE_T *pcchLength);
NTSYSAPI NTSTATUS RtlStringCbLengthA(PCSTR psz, SIZE_T cbMax,
                                     SIZE_T *pcbLength);
NTSYSAPI NTSTATUS RtlStringCbLengthW(PCWSTR psz, SIZE_T cbMax,
                                     SIZE_T *pcbLength);

/* Counted strings. Validate: Length <= MaximumLength, both multiples of
 * sizeof(WCHAR) and within NTSTRSAFE_UNICODE_STRING_MAX_CCH, and a Buffer
 * unless MaximumLength is 0. Init points DestinationString at pszSrc
 * (STATUS_INVALID_PARAMETER if it is too long; NULL gives an empty one). */
NTSYSAPI NTSTATUS RtlUnicodeStringValidate(PCUNICODE_STRING SourceString);
NTSYSAPI NTSTATUS RtlUnicodeStringInit(PUNICODE_STRING DestinationString,
                                       PCWSTR pszSrc);
NTSYSAPI NTSTATUS RtlUnicodeStringCopy(PUNICODE_STRING DestinationString,
                                       PCUNICODE_STRING SourceString);
NTSYSAPI NTSTATUS RtlUnicodeStringCopyString(PUNICODE_STRING DestinationString,
                                             PCWSTR pszSrc);
NTSYSAPI NTSTATUS RtlUnicodeStringCat(PUNICODE_STRING DestinationString,
                                      PCUNICODE_STRING SourceString);
NTSYSAPI NTSTATUS RtlUnicodeStringCatString(PUNICODE_STRING DestinationString,
                                            PCWSTR pszSrc);
NTSYSAPI NTSTATUS RtlUnicodeStringPrintf(PUNICODE_STRING DestinationString,
                                         PCWSTR pszFormat, ...);
NTSYSAPI NTSTATUS RtlUnicodeStringVPrintf(PUNICODE_STRING DestinationString,
                                          PCWSTR pszFormat, va_list argList);

EXTERN_C_END

#endif /* WSKCONF_NTSTRSAFE_H_ */
