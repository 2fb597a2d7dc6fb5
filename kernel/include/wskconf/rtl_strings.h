/* Counted-string conversions and buffers drivers manage themselves: ANSI
 * <-> Unicode, the Rtl allocations they make and RtlFree*String, and the
 * RtlInitEmpty* initializers. Included by wdm.h.
 *
 * The ANSI code page is Latin-1 here: each byte is the character of the same
 * value, and a character above 0xFF becomes '?' on the way to ANSI. */
#ifndef WSKCONF_RTL_STRINGS_H_
#define WSKCONF_RTL_STRINGS_H_

#include <ntdef.h>
#include <ntstatus.h>

EXTERN_C_START

/* Pool tag of the buffers the conversions allocate ('Wstr' in memory). */
#define WSKCONF_RTL_STRING_TAG 'rtsW'

/* Converts SourceString into DestinationString. With
 * AllocateDestinationString, a buffer of the exact size plus a terminator
 * comes from paged pool (free it with RtlFreeUnicodeString); otherwise the
 * caller's buffer must hold the result (else STATUS_BUFFER_OVERFLOW and
 * nothing written), and it is terminated when there is room. Returns
 * STATUS_SUCCESS, STATUS_NO_MEMORY, STATUS_INVALID_PARAMETER_2 when the
 * result would not fit a UNICODE_STRING, STATUS_INVALID_PARAMETER for NULL
 * strings. IRQL == PASSIVE_LEVEL. */
NTSYSAPI NTSTATUS RtlAnsiStringToUnicodeString(
    PUNICODE_STRING DestinationString, PCANSI_STRING SourceString,
    BOOLEAN AllocateDestinationString);
/* The other way; characters above 0xFF become '?'. A caller's buffer that
 * is too small receives what fits, terminated, and STATUS_BUFFER_OVERFLOW
 * is returned (STATUS_BUFFER_OVERFLOW alone when MaximumLength is 0). */
NTSYSAPI NTSTATUS RtlUnicodeStringToAnsiString(
    PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
    BOOLEAN AllocateDestinationString);
/* Free a buffer the conversions allocated and zero the string. A NULL
 * Buffer is fine; a buffer from elsewhere is reported by the pool
 * (Pool.FreedUnknownPointer, Pool.FreedWithWrongTag or Pool.FreedTwice)
 * and not freed. IRQL == PASSIVE_LEVEL. */
NTSYSAPI VOID RtlFreeUnicodeString(PUNICODE_STRING UnicodeString);
NTSYSAPI VOID RtlFreeAnsiString(PANSI_STRING AnsiString);

/* An empty string over a caller's buffer of BufferSize bytes. */
FORCEINLINE VOID RtlInitEmptyUnicodeString(PUNICODE_STRING UnicodeString,
                                           PWCHAR Buffer, USHORT BufferSize) {
  UnicodeString->Length = 0;
  UnicodeString->MaximumLength = BufferSize;
  UnicodeString->Buffer = Buffer;
}
FORCEINLINE VOID RtlInitEmptyAnsiString(PANSI_STRING AnsiString, PCHAR Buffer,
                                        USHORT BufferSize) {
  AnsiString->Length = 0;
  AnsiString->MaximumLength = BufferSize;
  AnsiString->Buffer = Buffer;
}

EXTERN_C_END

#endif /* WSKCONF_RTL_STRINGS_H_ */
