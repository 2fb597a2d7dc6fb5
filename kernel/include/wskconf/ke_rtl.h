/* Rtl memory and string helpers, system time and delays, debug output
 * (DbgPrint, KdPrint) and the checks drivers sprinkle in code (ASSERT,
 * NT_ASSERT, PAGED_CODE). Included by <wskconf/ke.h>. */
#ifndef WSKCONF_KE_RTL_H_
#define WSKCONF_KE_RTL_H_

#include <stdarg.h>

#include <ntdef.h>
#include <wskconf/ke.h> /* the whole surface, whichever header comes first */

EXTERN_C_START

/* ------------------------------------------------------------------------
 * Memory helpers. Any IRQL (for nonpaged memory).
 * ---------------------------------------------------------------------- */
#define RtlZeroMemory(Destination, Length) \
  ((void)__builtin_memset((Destination), 0, (Length)))
#define RtlFillMemory(Destination, Length, Fill) \
  ((void)__builtin_memset((Destination), (int)(Fill), (Length)))
#define RtlCopyMemory(Destination, Source, Length) \
  ((void)__builtin_memcpy((Destination), (Source), (Length)))
#define RtlMoveMemory(Destination, Source, Length) \
  ((void)__builtin_memmove((Destination), (Source), (Length)))
#define RtlEqualMemory(Source1, Source2, Length) \
  (!__builtin_memcmp((Source1), (Source2), (Length)))

/* Zeroes Length bytes through volatile stores the compiler cannot drop;
 * returns Ptr. */
FORCEINLINE PVOID RtlSecureZeroMemory(PVOID Ptr, SIZE_T Length) {
  volatile UCHAR *p = (volatile UCHAR *)Ptr;
  while (Length-- != 0) *p++ = 0;
  return Ptr;
}

/* Number of leading bytes that are equal in Source1 and Source2 (Length when
 * the blocks match). */
NTSYSAPI SIZE_T RtlCompareMemory(const VOID *Source1, const VOID *Source2,
                                 SIZE_T Length);

/* ------------------------------------------------------------------------
 * Counted strings. Lengths are in bytes and exclude the terminator.
 * ---------------------------------------------------------------------- */

/* Points DestinationString at SourceString (not copied): Length = bytes
 * before the terminator, MaximumLength = Length + sizeof(WCHAR). NULL
 * SourceString gives an empty string with a NULL Buffer. Strings longer than
 * a USHORT can count are cut to the longest length that fits. */
NTSYSAPI VOID RtlInitUnicodeString(PUNICODE_STRING DestinationString,
                                   PCWSTR SourceString);
NTSYSAPI VOID RtlInitAnsiString(PANSI_STRING DestinationString,
                                PCSZ SourceString);
NTSYSAPI VOID RtlInitString(PSTRING DestinationString, PCSZ SourceString);

/* TRUE when both strings have the same length and characters (ASCII case
 * folded when CaseInSensitive). */
NTSYSAPI BOOLEAN RtlEqualUnicodeString(PCUNICODE_STRING String1,
                                       PCUNICODE_STRING String2,
                                       BOOLEAN CaseInSensitive);

/* Copies as much of SourceString as fits in DestinationString's buffer;
 * NULL SourceString sets DestinationString->Length to 0. */
NTSYSAPI VOID RtlCopyUnicodeString(PUNICODE_STRING DestinationString,
                                   PCUNICODE_STRING SourceString);

/* ------------------------------------------------------------------------
 * Time. System time counts 100 ns intervals since 1601-01-01 UTC;
 * interrupt time counts 100 ns intervals since the runtime started.
 * ---------------------------------------------------------------------- */
NTKERNELAPI VOID KeQuerySystemTime(PLARGE_INTEGER CurrentTime);
NTKERNELAPI VOID KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime);
NTKERNELAPI ULONGLONG KeQueryInterruptTime(VOID);
NTKERNELAPI ULONGLONG KeQueryInterruptTimePrecise(PULONG64 QpcTimeStamp);
/* Clock ticks since start, and the 100 ns length of one tick (156250). */
NTKERNELAPI VOID KeQueryTickCount(PLARGE_INTEGER CurrentCount);
NTKERNELAPI ULONG KeQueryTimeIncrement(VOID);

/* Puts the calling thread to sleep: a negative Interval is relative (100 ns
 * units), a positive one an absolute system time, zero yields. Returns
 * STATUS_SUCCESS. IRQL <= APC_LEVEL; a non-zero delay at DISPATCH_LEVEL or
 * above is reported as Irql.WaitAtDispatch (and still happens). NULL
 * Interval: Kernel.NullArgument and STATUS_INVALID_PARAMETER. */
NTKERNELAPI NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode,
                                            BOOLEAN Alertable,
                                            PLARGE_INTEGER Interval);

/* ------------------------------------------------------------------------
 * Debug output, to stderr. Any IRQL.
 * ---------------------------------------------------------------------- */
#define DPFLTR_ERROR_LEVEL 0
#define DPFLTR_WARNING_LEVEL 1
#define DPFLTR_TRACE_LEVEL 2
#define DPFLTR_INFO_LEVEL 3
#define DPFLTR_MASK 0x80000000

#define DPFLTR_SYSTEM_ID 0
#define DPFLTR_IHVDRIVER_ID 77
#define DPFLTR_IHVVIDEO_ID 78
#define DPFLTR_IHVAUDIO_ID 79
#define DPFLTR_IHVNETWORK_ID 80
#define DPFLTR_IHVSTREAMING_ID 81
#define DPFLTR_IHVBUS_ID 82
#define DPFLTR_DEFAULT_ID 101

/* printf-style output to stderr, with the Microsoft format rules driver
 * code is written for (%wZ for a UNICODE_STRING, %Z an ANSI_STRING, %ws a
 * wide string, `l` meaning 32 bits, I64...), so no GCC format attribute:
 * its checks would reject those. Return STATUS_SUCCESS. DbgPrintEx prints a
 * message whose Level is DPFLTR_ERROR_LEVEL..DPFLTR_INFO_LEVEL or a mask
 * (DPFLTR_MASK | bits); the ComponentId is shown. */
NTSYSAPI ULONG DbgPrint(PCSTR Format, ...);
NTSYSAPI ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...);
NTSYSAPI ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format,
                           va_list arglist);

/* KdPrint((fmt, ...)) and KdPrintEx((id, level, fmt, ...)) always print. */
#define KdPrint(_x_) DbgPrint _x_
#define KdPrintEx(_x_) DbgPrintEx _x_
#define KdBreakPoint() DbgBreakPoint()

/* Prints a "break point" line; never traps. */
NTSYSAPI VOID DbgBreakPoint(VOID);

/* Prints "wskconf: ASSERT failed: <expression> (<message>) at file:line" to
 * stderr and returns; execution continues. */
NTSYSAPI VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName,
                        ULONG LineNumber, PSTR MutableMessage);

/* ASSERT and friends evaluate their expression in every build, report a
 * failure through RtlAssert and yield the expression's truth. */
#define ASSERT(exp)                                                          \
  ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__, NULL), \
               FALSE)                                                        \
            : TRUE)
#define ASSERTMSG(msg, exp)                                                \
  ((!(exp)) ? (RtlAssert((PVOID) #exp, (PVOID)__FILE__, __LINE__,         \
                         (PSTR)(msg)),                                     \
               FALSE)                                                      \
            : TRUE)
#define NT_ASSERT(exp) ASSERT(exp)
#define NT_ASSERTMSG(msg, exp) ASSERTMSG(msg, exp)
#define NT_ASSERT_ASSUME(exp) ASSERT(exp)
#define NT_VERIFY(exp) ASSERT(exp)
#define NT_VERIFYMSG(msg, exp) ASSERTMSG(msg, exp)
#define RTL_SOFT_ASSERT(exp) ASSERT(exp)

/* PAGED_CODE(): the enclosing routine must run at IRQL <= APC_LEVEL; a
 * higher IRQL is reported as Irql.PassiveOnlyCallAtRaisedIrql naming the
 * routine. */
NTKERNELAPI VOID WskconfCheckPagedCode(const char *Routine);
#define PAGED_CODE() WskconfCheckPagedCode(__func__)
#define PAGED_CODE_LOCKED() ((void)0)

EXTERN_C_END

#endif /* WSKCONF_KE_RTL_H_ */
