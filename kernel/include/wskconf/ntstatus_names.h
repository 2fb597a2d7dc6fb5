/* NTSTATUS values by name, so tests and reports print
 * `STATUS_INVALID_PARAMETER (0xC000000D)` instead of a bare number. Covers
 * every status defined in <ntstatus.h>. Any IRQL; no allocation. */
#ifndef WSKCONF_WSKCONF_NTSTATUS_NAMES_H_
#define WSKCONF_WSKCONF_NTSTATUS_NAMES_H_

#include <ntdef.h>
#include <ntstatus.h>

EXTERN_C_START

/* The name of Status ("STATUS_INVALID_PARAMETER"), a static string, or NULL
 * when <ntstatus.h> does not define it. A value with two names answers with
 * the one WSK uses (0 is STATUS_SUCCESS, not STATUS_WAIT_0). */
NTKERNELAPI const char *WskconfNtStatusName(NTSTATUS Status);

/* Writes "NAME (0xXXXXXXXX)", or "0xXXXXXXXX" for an unknown value, into
 * Buffer (always NUL-terminated when BufferSize > 0; truncated if short).
 * Buffer may be NULL when BufferSize is 0. Returns the length of the full
 * text without the NUL, as snprintf does. */
NTKERNELAPI SIZE_T WskconfFormatNtStatus(NTSTATUS Status, char *Buffer,
                                         SIZE_T BufferSize);

EXTERN_C_END

#endif /* WSKCONF_WSKCONF_NTSTATUS_NAMES_H_ */
