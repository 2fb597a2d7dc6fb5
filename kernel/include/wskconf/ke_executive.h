/* Executive helpers drivers build their own objects with: rundown
 * protection, lookaside lists, spin-lock-protected list operations, and a
 * few processor/process queries and the bug check. Included by ke.h. */
#ifndef WSKCONF_KE_EXECUTIVE_H_
#define WSKCONF_KE_EXECUTIVE_H_

#include <ntdef.h>
#include <wskconf/ke.h> /* the whole surface, whichever header comes first */

EXTERN_C_START

/* ------------------------------------------------------------------------
 * Rundown protection: many short holders, one final waiter that blocks new
 * holders and waits for the current ones to leave. Count is twice the
 * number of holders, plus 1 once rundown has started.
 * ---------------------------------------------------------------------- */
typedef struct _EX_RUNDOWN_REF {
  union {
    volatile ULONG_PTR Count;
    volatile PVOID Ptr;
  };
} EX_RUNDOWN_REF, *PEX_RUNDOWN_REF;

/* Any IRQL. */
NTKERNELAPI VOID ExInitializeRundownProtection(PEX_RUNDOWN_REF RunRef);
NTKERNELAPI VOID ExReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef);
/* TRUE (and one more holder) unless rundown has started. IRQL <=
 * DISPATCH_LEVEL. */
NTKERNELAPI BOOLEAN ExAcquireRundownProtection(PEX_RUNDOWN_REF RunRef);
NTKERNELAPI BOOLEAN ExAcquireRundownProtectionEx(PEX_RUNDOWN_REF RunRef,
                                                 ULONG Count);
/* Drops one (Count) holder(s); the last one wakes the rundown waiter. A
 * release without a holder is reported (Rundown.ReleasedMoreThanAcquired)
 * and ignored. IRQL <= DISPATCH_LEVEL. */
NTKERNELAPI VOID ExReleaseRundownProtection(PEX_RUNDOWN_REF RunRef);
NTKERNELAPI VOID ExReleaseRundownProtectionEx(PEX_RUNDOWN_REF RunRef,
                                              ULONG Count);
/* Starts rundown and blocks until every holder has released. Later
 * acquires fail. PASSIVE_LEVEL (else Irql.PassiveOnlyCallAtRaisedIrql). */
NTKERNELAPI VOID ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef);
/* Marks rundown as complete (acquires keep failing). */
NTKERNELAPI VOID ExRundownCompleted(PEX_RUNDOWN_REF RunRef);

/* ------------------------------------------------------------------------
 * Lookaside lists. This runtime never caches freed entries: every entry is
 * a pool block of the list's type, size and tag, so pool accounting, leak
 * reports and double-free checks see each one.
 * ---------------------------------------------------------------------- */
typedef PVOID ALLOCATE_FUNCTION(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                ULONG Tag);
typedef ALLOCATE_FUNCTION *PALLOCATE_FUNCTION;
typedef VOID FREE_FUNCTION(PVOID Buffer);
typedef FREE_FUNCTION *PFREE_FUNCTION;

struct _LOOKASIDE_LIST_EX;
typedef PVOID ALLOCATE_FUNCTION_EX(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                   ULONG Tag,
                                   struct _LOOKASIDE_LIST_EX *Lookaside);
typedef ALLOCATE_FUNCTION_EX *PALLOCATE_FUNCTION_EX;
typedef VOID FREE_FUNCTION_EX(PVOID Buffer,
                              struct _LOOKASIDE_LIST_EX *Lookaside);
typedef FREE_FUNCTION_EX *PFREE_FUNCTION_EX;

/* x64 layout (96 bytes). */
typedef struct _GENERAL_LOOKASIDE_POOL {
  SLIST_HEADER ListHead;
  USHORT Depth;
  USHORT MaximumDepth;
  ULONG TotalAllocates;
  ULONG AllocateMisses;
  ULONG TotalFrees;
  ULONG FreeMisses;
  POOL_TYPE Type;
  ULONG Tag;
  ULONG Size;
  union {
    PALLOCATE_FUNCTION_EX AllocateEx;
    PALLOCATE_FUNCTION Allocate;
  };
  union {
    PFREE_FUNCTION_EX FreeEx;
    PFREE_FUNCTION Free;
  };
  LIST_ENTRY ListEntry;
  ULONG LastTotalAllocates;
  ULONG LastAllocateMisses;
  ULONG Future[2];
} GENERAL_LOOKASIDE_POOL, *PGENERAL_LOOKASIDE_POOL;

typedef struct DECLSPEC_CACHEALIGN _NPAGED_LOOKASIDE_LIST {
  GENERAL_LOOKASIDE_POOL L;
} NPAGED_LOOKASIDE_LIST, *PNPAGED_LOOKASIDE_LIST, PAGED_LOOKASIDE_LIST,
    *PPAGED_LOOKASIDE_LIST;

typedef struct _LOOKASIDE_LIST_EX {
  GENERAL_LOOKASIDE_POOL L;
} LOOKASIDE_LIST_EX, *PLOOKASIDE_LIST_EX;

#define EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL 0x00000001UL
#define EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE 0x00000002UL

/* Allocate/Free NULL: ExAllocatePoolWithTag / ExFreePoolWithTag with the
 * list's tag. Flags and Depth are accepted and ignored. Any IRQL <=
 * DISPATCH_LEVEL. */
NTKERNELAPI VOID ExInitializeNPagedLookasideList(
    PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
    PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth);
NTKERNELAPI PVOID ExAllocateFromNPagedLookasideList(
    PNPAGED_LOOKASIDE_LIST Lookaside);
NTKERNELAPI VOID ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside,
                                             PVOID Entry);
NTKERNELAPI VOID ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);

/* Paged variants: IRQL <= APC_LEVEL. */
NTKERNELAPI VOID ExInitializePagedLookasideList(
    PPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
    PFREE_FUNCTION Free, ULONG Flags, SIZE_T Size, ULONG Tag, USHORT Depth);
NTKERNELAPI PVOID ExAllocateFromPagedLookasideList(
    PPAGED_LOOKASIDE_LIST Lookaside);
NTKERNELAPI VOID ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside,
                                            PVOID Entry);
NTKERNELAPI VOID ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside);

/* Returns STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for a NULL list or a
 * zero Size. */
NTKERNELAPI NTSTATUS ExInitializeLookasideListEx(
    PLOOKASIDE_LIST_EX Lookaside, PALLOCATE_FUNCTION_EX Allocate,
    PFREE_FUNCTION_EX Free, POOL_TYPE PoolType, ULONG Flags, SIZE_T Size,
    ULONG Tag, USHORT Depth);
NTKERNELAPI PVOID ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside);
NTKERNELAPI VOID ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside,
                                         PVOID Entry);
NTKERNELAPI VOID ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside);

/* ------------------------------------------------------------------------
 * List operations made atomic by a caller-supplied spin lock. Any IRQL.
 * ---------------------------------------------------------------------- */
/* Return the former first (Head) / last (Tail) entry, NULL if the list was
 * empty. */
NTKERNELAPI PLIST_ENTRY ExInterlockedInsertHeadList(PLIST_ENTRY ListHead,
                                                    PLIST_ENTRY ListEntry,
                                                    PKSPIN_LOCK Lock);
NTKERNELAPI PLIST_ENTRY ExInterlockedInsertTailList(PLIST_ENTRY ListHead,
                                                    PLIST_ENTRY ListEntry,
                                                    PKSPIN_LOCK Lock);
/* The removed entry, or NULL when the list is empty. */
NTKERNELAPI PLIST_ENTRY ExInterlockedRemoveHeadList(PLIST_ENTRY ListHead,
                                                    PKSPIN_LOCK Lock);
NTKERNELAPI PSINGLE_LIST_ENTRY ExInterlockedPushEntryList(
    PSINGLE_LIST_ENTRY ListHead, PSINGLE_LIST_ENTRY ListEntry,
    PKSPIN_LOCK Lock);
NTKERNELAPI PSINGLE_LIST_ENTRY ExInterlockedPopEntryList(
    PSINGLE_LIST_ENTRY ListHead, PKSPIN_LOCK Lock);

/* ------------------------------------------------------------------------
 * Processors, processes, stalls and the bug check.
 * ---------------------------------------------------------------------- */
/* The host CPU the caller runs on (0 when unknown). */
NTKERNELAPI ULONG KeGetCurrentProcessorNumber(VOID);
/* Number of host CPUs; *ActiveProcessors (optional) gets one bit each. */
NTKERNELAPI ULONG KeQueryActiveProcessorCount(KAFFINITY *ActiveProcessors);
/* Waits MicroSeconds (the thread sleeps; it does not spin). Any IRQL. */
NTKERNELAPI VOID KeStallExecutionProcessor(ULONG MicroSeconds);

/* The one "system" process every thread of the runtime belongs to. */
NTKERNELAPI PEPROCESS PsGetCurrentProcess(VOID);
NTKERNELAPI HANDLE PsGetCurrentProcessId(VOID);

/* Prints the code and parameters to stderr and aborts the process (a
 * crash the runner records). Never returns. */
NTKERNELAPI DECLSPEC_NORETURN VOID KeBugCheckEx(ULONG BugCheckCode,
                                                ULONG_PTR BugCheckParameter1,
                                                ULONG_PTR BugCheckParameter2,
                                                ULONG_PTR BugCheckParameter3,
                                                ULONG_PTR BugCheckParameter4);
NTKERNELAPI DECLSPEC_NORETURN VOID KeBugCheck(ULONG BugCheckCode);

/* Byte order helpers. */
#define RtlUshortByteSwap(Source) ((USHORT)__builtin_bswap16((USHORT)(Source)))
#define RtlUlongByteSwap(Source) ((ULONG)__builtin_bswap32((ULONG)(Source)))
#define RtlUlonglongByteSwap(Source) \
  ((ULONGLONG)__builtin_bswap64((ULONGLONG)(Source)))

EXTERN_C_END

#endif /* WSKCONF_KE_EXECUTIVE_H_ */
