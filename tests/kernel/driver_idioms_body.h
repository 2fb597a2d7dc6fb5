/* Driver code as WDK authors write it, compiled twice: as C11 by
 * driver_idioms_c.c and as C++20 by driver_idioms_cpp.cc, so every idiom
 * is checked in both languages (and with Clang by the driver_idioms_clang_*
 * tests). WSKCONF_IDIOMS_ENTRY names the table function of each build.
 * Each case returns 0 or the line of the failed IDIOM_CHECK. */
#include <ntddk.h>
#include <intrin.h>
#include <ntstrsafe.h>
#include <mstcpip.h>
#include <wsk.h>
#include <string.h>
#include <wchar.h>
#include <wskconf/kernel.h>

#include "driver_idioms.h"

#define IDIOM_CHECK(e)        \
  do {                        \
    if (!(e)) return __LINE__; \
  } while (0)

/* ---- SAL: every annotation of the SAL 2.0 and driver references expands
 * to nothing (an undefined one would stringize to its own name). --------- */
#define WSKCONF_SAL_STR2_(...) #__VA_ARGS__
#define WSKCONF_SAL_STR_(...) WSKCONF_SAL_STR2_(__VA_ARGS__)
#define X(a) C_ASSERT(sizeof(WSKCONF_SAL_STR_(a)) == 1);
#include "sal_annotations.inc"
#undef X

/* A driver-style declaration set using annotations in place. */
typedef struct _IDIOM_BUFFER {
  _Field_range_(0, 64) ULONG Count;
  _Field_size_part_(64, Count) UCHAR Bytes[64];
  _Guarded_by_(Lock) LONG Guarded;
  KSPIN_LOCK Lock;
} IDIOM_BUFFER, *PIDIOM_BUFFER;

_IRQL_requires_max_(DISPATCH_LEVEL)
_When_(return >= 0, _Post_satisfies_(Buffer->Count <= 64))
_Must_inspect_result_
static NTSTATUS IdiomFill(_Inout_ PIDIOM_BUFFER Buffer,
                          _In_reads_bytes_(Length) const UCHAR *Source,
                          _In_range_(0, 64) ULONG Length,
                          _Out_opt_ PULONG Written) {
  if (Length > sizeof(Buffer->Bytes)) return STATUS_INVALID_PARAMETER;
  RtlCopyMemory(Buffer->Bytes, Source, Length);
  Buffer->Count = Length;
  if (Written != NULL) *Written = Length;
  return STATUS_SUCCESS;
}

_Function_class_(DRIVER_DISPATCH)
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
_IRQL_requires_same_
static NTSTATUS IdiomDispatch(_In_ PDEVICE_OBJECT DeviceObject,
                              _Inout_ PIRP Irp) {
  UNREFERENCED_PARAMETER(DeviceObject);
  UNREFERENCED_PARAMETER(Irp);
  return STATUS_SUCCESS;
}

_Requires_lock_not_held_(*Lock) _Acquires_lock_(*Lock)
_IRQL_raises_(DISPATCH_LEVEL) _IRQL_saves_global_(OldIrql, Lock)
static KIRQL IdiomLock(_Inout_ PKSPIN_LOCK Lock) {
  KIRQL old;
  KeAcquireSpinLock(Lock, &old);
  return old;
}

_Requires_lock_held_(*Lock) _Releases_lock_(*Lock)
_IRQL_restores_global_(OldIrql, Lock)
static VOID IdiomUnlock(_Inout_ PKSPIN_LOCK Lock, _In_ _IRQL_restores_ KIRQL Old) {
  KeReleaseSpinLock(Lock, Old);
}

static int IdiomSalAnnotatedCode(void) {
  IDIOM_BUFFER buffer;
  static const UCHAR kSource[3] = {1, 2, 3};
  ULONG written = 0;
  KIRQL old;
  RtlZeroMemory(&buffer, sizeof(buffer));
  KeInitializeSpinLock(&buffer.Lock);
  IDIOM_CHECK(IdiomFill(&buffer, kSource, 3, &written) == STATUS_SUCCESS);
  IDIOM_CHECK(written == 3 && buffer.Count == 3 && buffer.Bytes[2] == 3);
  IDIOM_CHECK(IdiomDispatch(NULL, NULL) == STATUS_SUCCESS);
  old = IdiomLock(&buffer.Lock);
  buffer.Guarded++;
  IdiomUnlock(&buffer.Lock, old);
  IDIOM_CHECK(buffer.Guarded == 1 && KeGetCurrentIrql() == PASSIVE_LEVEL);
  return 0;
}

#include "driver_idioms_basics.inc"
#include "driver_idioms_seh.inc"
#include "driver_idioms_helpers.inc"
#include "driver_idioms_strings.inc"
#include "driver_idioms_avl.inc"
#include "driver_idioms_socket.inc"

/* ---- The table ---------------------------------------------------------- */
#define IDIOM_CASE(name) {#name, Idiom##name}
static const WskconfIdiomCase kIdiomCases[] = {
    IDIOM_CASE(SalAnnotatedCode),
    IDIOM_CASE(NtdefLimits),
    IDIOM_CASE(NtdefHelpers),
    IDIOM_CASE(Declspecs),
    IDIOM_CASE(Intrinsics),
    IDIOM_CASE(SehExceptRunsOnRaise),
    IDIOM_CASE(SehNoExceptionSkipsHandler),
    IDIOM_CASE(SehContinueSearchReachesOuter),
    IDIOM_CASE(SehContinueExecutionIsNoncontinuable),
    IDIOM_CASE(SehFinallyOnLeave),
    IDIOM_CASE(SehFinallyDuringUnwind),
    IDIOM_CASE(SehReturnAndNesting),
    IDIOM_CASE(SehProbeAndLockPages),
    IDIOM_CASE(SehProbeForReadWrite),
    IDIOM_CASE(CancelSafeQueue),
    IDIOM_CASE(RemoveLock),
    IDIOM_CASE(SocketApiHelpers),
    IDIOM_CASE(AnsiUnicodeConversions),
    IDIOM_CASE(NtStrSafe),
    IDIOM_CASE(MicrosoftFormats),
    IDIOM_CASE(CountedStringSafe),
    IDIOM_CASE(AvlTable),
    IDIOM_CASE(AddrInfoAndAddresses),
    IDIOM_CASE(ExecutiveWorkItem),
    IDIOM_CASE(DeviceIoControlRequest),
    IDIOM_CASE(InitializedWorkItem),
    IDIOM_LANGUAGE_CASES
};

EXTERN_C const WskconfIdiomCase *WSKCONF_IDIOMS_ENTRY(size_t *Count) {
  *Count = RTL_NUMBER_OF(kIdiomCases);
  return kIdiomCases;
}
