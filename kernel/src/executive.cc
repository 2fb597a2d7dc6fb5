// Executive helpers: rundown protection (atomic count plus one shared
// condition variable for the rare final wait), lookaside lists that always
// go to the pool, spin-lock-protected list operations, processor and
// process queries, and KeBugCheckEx.
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/irql.h"
#include "internal/verifier.h"

struct _EPROCESS {
  int unused;
};

namespace wskconf::kernel::internal {
namespace {

constexpr ULONG_PTR kRundownActive = 1;
constexpr ULONG_PTR kRundownUnit = 2;

_EPROCESS system_process{0};

// Rundown waiters are rare: one lock and condition variable serve all.
struct RundownWaits {
  std::mutex mutex;
  std::condition_variable released;
};

RundownWaits& Rundowns() {
  static RundownWaits* waits = new RundownWaits;
  return *waits;
}

bool AcquireRundown(PEX_RUNDOWN_REF ref, ULONG count) {
  ULONG_PTR value = __atomic_load_n(&ref->Count, __ATOMIC_RELAXED);
  for (;;) {
    if ((value & kRundownActive) != 0) return false;
    ULONG_PTR wanted = value + kRundownUnit * count;
    if (__atomic_compare_exchange_n(&ref->Count, &value, wanted, true,
                                    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
      return true;
    }
  }
}

void ReleaseRundown(PEX_RUNDOWN_REF ref, ULONG count) {
  ULONG_PTR value = __atomic_load_n(&ref->Count, __ATOMIC_RELAXED);
  ULONG_PTR wanted = 0;
  do {
    if (value / kRundownUnit < count) {
      WskconfReportViolation(WskconfRuleRundownReleasedTooOften, ref,
                             "ExReleaseRundownProtection(%p): more releases "
                             "than acquires; ignored",
                             static_cast<void*>(ref));
      return;
    }
    wanted = value - kRundownUnit * count;
  } while (!__atomic_compare_exchange_n(&ref->Count, &value, wanted, true,
                                        __ATOMIC_RELEASE, __ATOMIC_RELAXED));
  if (wanted == kRundownActive) {
    RundownWaits& waits = Rundowns();
    std::lock_guard lock(waits.mutex);
    waits.released.notify_all();
  }
}

void InitializeLookaside(PGENERAL_LOOKASIDE_POOL list, POOL_TYPE type,
                         SIZE_T size, ULONG tag, USHORT depth) {
  RtlZeroMemory(list, sizeof(*list));
  InitializeSListHead(&list->ListHead);
  list->Depth = depth;
  list->MaximumDepth = depth;
  list->Type = type;
  list->Tag = tag;
  list->Size = static_cast<ULONG>(size);
  InitializeListHead(&list->ListEntry);
}

PVOID AllocateEntry(PGENERAL_LOOKASIDE_POOL list, PLOOKASIDE_LIST_EX ex) {
  __atomic_add_fetch(&list->TotalAllocates, 1u, __ATOMIC_RELAXED);
  __atomic_add_fetch(&list->AllocateMisses, 1u, __ATOMIC_RELAXED);
  if (ex != nullptr && list->AllocateEx != nullptr) {
    return list->AllocateEx(list->Type, list->Size, list->Tag, ex);
  }
  if (ex == nullptr && list->Allocate != nullptr) {
    return list->Allocate(list->Type, list->Size, list->Tag);
  }
  return ExAllocatePoolWithTag(list->Type, list->Size, list->Tag);
}

void FreeEntry(PGENERAL_LOOKASIDE_POOL list, PLOOKASIDE_LIST_EX ex,
               PVOID entry) {
  __atomic_add_fetch(&list->TotalFrees, 1u, __ATOMIC_RELAXED);
  __atomic_add_fetch(&list->FreeMisses, 1u, __ATOMIC_RELAXED);
  if (ex != nullptr && list->FreeEx != nullptr) {
    list->FreeEx(entry, ex);
  } else if (ex == nullptr && list->Free != nullptr) {
    list->Free(entry);
  } else {
    ExFreePoolWithTag(entry, list->Tag);
  }
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

VOID ExInitializeRundownProtection(PEX_RUNDOWN_REF RunRef) {
  if (!ki::RequireNonNull(RunRef, "ExInitializeRundownProtection", "RunRef")) {
    return;
  }
  __atomic_store_n(&RunRef->Count, ULONG_PTR{0}, __ATOMIC_RELEASE);
}

VOID ExReInitializeRundownProtection(PEX_RUNDOWN_REF RunRef) {
  ExInitializeRundownProtection(RunRef);
}

BOOLEAN ExAcquireRundownProtection(PEX_RUNDOWN_REF RunRef) {
  return ExAcquireRundownProtectionEx(RunRef, 1);
}

BOOLEAN ExAcquireRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count) {
  if (!ki::RequireNonNull(RunRef, "ExAcquireRundownProtection", "RunRef")) {
    return FALSE;
  }
  return ki::AcquireRundown(RunRef, Count) ? TRUE : FALSE;
}

VOID ExReleaseRundownProtection(PEX_RUNDOWN_REF RunRef) {
  ExReleaseRundownProtectionEx(RunRef, 1);
}

VOID ExReleaseRundownProtectionEx(PEX_RUNDOWN_REF RunRef, ULONG Count) {
  if (!ki::RequireNonNull(RunRef, "ExReleaseRundownProtection", "RunRef")) {
    return;
  }
  ki::ReleaseRundown(RunRef, Count);
}

VOID ExWaitForRundownProtectionRelease(PEX_RUNDOWN_REF RunRef) {
  if (!ki::RequireNonNull(RunRef, "ExWaitForRundownProtectionRelease",
                          "RunRef")) {
    return;
  }
  ki::RequirePassive("ExWaitForRundownProtectionRelease");
  __atomic_fetch_or(&RunRef->Count, ki::kRundownActive, __ATOMIC_ACQ_REL);
  ki::RundownWaits& waits = ki::Rundowns();
  std::unique_lock lock(waits.mutex);
  waits.released.wait(lock, [&] {
    return __atomic_load_n(&RunRef->Count, __ATOMIC_ACQUIRE) ==
           ki::kRundownActive;
  });
}

VOID ExRundownCompleted(PEX_RUNDOWN_REF RunRef) {
  if (!ki::RequireNonNull(RunRef, "ExRundownCompleted", "RunRef")) return;
  __atomic_store_n(&RunRef->Count, ki::kRundownActive, __ATOMIC_RELEASE);
}

VOID ExInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside,
                                     PALLOCATE_FUNCTION Allocate,
                                     PFREE_FUNCTION Free, ULONG Flags,
                                     SIZE_T Size, ULONG Tag, USHORT Depth) {
  if (!ki::RequireNonNull(Lookaside, "ExInitializeNPagedLookasideList",
                          "Lookaside")) {
    return;
  }
  POOL_TYPE type = (Flags & POOL_NX_ALLOCATION) != 0 ? NonPagedPoolNx
                                                     : NonPagedPool;
  ki::InitializeLookaside(&Lookaside->L, type, Size, Tag, Depth);
  Lookaside->L.Allocate = Allocate;
  Lookaside->L.Free = Free;
}

PVOID ExAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside) {
  if (!ki::RequireNonNull(Lookaside, "ExAllocateFromNPagedLookasideList",
                          "Lookaside")) {
    return nullptr;
  }
  return ki::AllocateEntry(&Lookaside->L, nullptr);
}

VOID ExFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside,
                                 PVOID Entry) {
  if (!ki::RequireNonNull(Lookaside, "ExFreeToNPagedLookasideList",
                          "Lookaside")) {
    return;
  }
  ki::FreeEntry(&Lookaside->L, nullptr, Entry);
}

VOID ExDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside) {
  // Nothing is cached, so there is nothing to give back.
  ki::RequireNonNull(Lookaside, "ExDeleteNPagedLookasideList", "Lookaside");
}

VOID ExInitializePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside,
                                    PALLOCATE_FUNCTION Allocate,
                                    PFREE_FUNCTION Free, ULONG Flags,
                                    SIZE_T Size, ULONG Tag, USHORT Depth) {
  (void)Flags;
  if (!ki::RequireNonNull(Lookaside, "ExInitializePagedLookasideList",
                          "Lookaside")) {
    return;
  }
  ki::RequireAtMost(APC_LEVEL, "ExInitializePagedLookasideList");
  ki::InitializeLookaside(&Lookaside->L, PagedPool, Size, Tag, Depth);
  Lookaside->L.Allocate = Allocate;
  Lookaside->L.Free = Free;
}

PVOID ExAllocateFromPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside) {
  return ExAllocateFromNPagedLookasideList(Lookaside);
}

VOID ExFreeToPagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside,
                                PVOID Entry) {
  ExFreeToNPagedLookasideList(Lookaside, Entry);
}

VOID ExDeletePagedLookasideList(PPAGED_LOOKASIDE_LIST Lookaside) {
  ki::RequireNonNull(Lookaside, "ExDeletePagedLookasideList", "Lookaside");
}

NTSTATUS ExInitializeLookasideListEx(PLOOKASIDE_LIST_EX Lookaside,
                                     PALLOCATE_FUNCTION_EX Allocate,
                                     PFREE_FUNCTION_EX Free,
                                     POOL_TYPE PoolType, ULONG Flags,
                                     SIZE_T Size, ULONG Tag, USHORT Depth) {
  (void)Flags;
  if (!ki::RequireNonNull(Lookaside, "ExInitializeLookasideListEx",
                          "Lookaside")) {
    return STATUS_INVALID_PARAMETER;
  }
  if (Size == 0) return STATUS_INVALID_PARAMETER;
  ki::InitializeLookaside(&Lookaside->L, PoolType, Size, Tag, Depth);
  Lookaside->L.AllocateEx = Allocate;
  Lookaside->L.FreeEx = Free;
  return STATUS_SUCCESS;
}

PVOID ExAllocateFromLookasideListEx(PLOOKASIDE_LIST_EX Lookaside) {
  if (!ki::RequireNonNull(Lookaside, "ExAllocateFromLookasideListEx",
                          "Lookaside")) {
    return nullptr;
  }
  return ki::AllocateEntry(&Lookaside->L, Lookaside);
}

VOID ExFreeToLookasideListEx(PLOOKASIDE_LIST_EX Lookaside, PVOID Entry) {
  if (!ki::RequireNonNull(Lookaside, "ExFreeToLookasideListEx",
                          "Lookaside")) {
    return;
  }
  ki::FreeEntry(&Lookaside->L, Lookaside, Entry);
}

VOID ExDeleteLookasideListEx(PLOOKASIDE_LIST_EX Lookaside) {
  ki::RequireNonNull(Lookaside, "ExDeleteLookasideListEx", "Lookaside");
}

PLIST_ENTRY ExInterlockedInsertHeadList(PLIST_ENTRY ListHead,
                                        PLIST_ENTRY ListEntry,
                                        PKSPIN_LOCK Lock) {
  KeAcquireSpinLockAtDpcLevel(Lock);
  PLIST_ENTRY first = IsListEmpty(ListHead) ? nullptr : ListHead->Flink;
  InsertHeadList(ListHead, ListEntry);
  KeReleaseSpinLockFromDpcLevel(Lock);
  return first;
}

PLIST_ENTRY ExInterlockedInsertTailList(PLIST_ENTRY ListHead,
                                        PLIST_ENTRY ListEntry,
                                        PKSPIN_LOCK Lock) {
  KeAcquireSpinLockAtDpcLevel(Lock);
  PLIST_ENTRY last = IsListEmpty(ListHead) ? nullptr : ListHead->Blink;
  InsertTailList(ListHead, ListEntry);
  KeReleaseSpinLockFromDpcLevel(Lock);
  return last;
}

PLIST_ENTRY ExInterlockedRemoveHeadList(PLIST_ENTRY ListHead,
                                        PKSPIN_LOCK Lock) {
  KeAcquireSpinLockAtDpcLevel(Lock);
  PLIST_ENTRY entry = IsListEmpty(ListHead) ? nullptr : RemoveHeadList(ListHead);
  KeReleaseSpinLockFromDpcLevel(Lock);
  return entry;
}

PSINGLE_LIST_ENTRY ExInterlockedPushEntryList(PSINGLE_LIST_ENTRY ListHead,
                                              PSINGLE_LIST_ENTRY ListEntry,
                                              PKSPIN_LOCK Lock) {
  KeAcquireSpinLockAtDpcLevel(Lock);
  PSINGLE_LIST_ENTRY first = ListHead->Next;
  PushEntryList(ListHead, ListEntry);
  KeReleaseSpinLockFromDpcLevel(Lock);
  return first;
}

PSINGLE_LIST_ENTRY ExInterlockedPopEntryList(PSINGLE_LIST_ENTRY ListHead,
                                             PKSPIN_LOCK Lock) {
  KeAcquireSpinLockAtDpcLevel(Lock);
  PSINGLE_LIST_ENTRY first = PopEntryList(ListHead);
  KeReleaseSpinLockFromDpcLevel(Lock);
  return first;
}

ULONG KeGetCurrentProcessorNumber(VOID) {
  int cpu = sched_getcpu();
  return cpu < 0 ? 0u : static_cast<ULONG>(cpu);
}

ULONG KeQueryActiveProcessorCount(KAFFINITY *ActiveProcessors) {
  unsigned count = std::thread::hardware_concurrency();
  if (count == 0) count = 1;
  if (ActiveProcessors != nullptr) {
    *ActiveProcessors = count >= 64 ? ~KAFFINITY{0}
                                    : (KAFFINITY{1} << count) - 1;
  }
  return count;
}

VOID KeStallExecutionProcessor(ULONG MicroSeconds) {
  std::this_thread::sleep_for(std::chrono::microseconds(MicroSeconds));
}

PEPROCESS PsGetCurrentProcess(VOID) { return &ki::system_process; }

HANDLE PsGetCurrentProcessId(VOID) {
  return reinterpret_cast<HANDLE>(uintptr_t{4});
}

VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
                  ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
                  ULONG_PTR BugCheckParameter4) {
  std::fprintf(stderr,
               "wskconf: KeBugCheckEx(0x%08X, 0x%llX, 0x%llX, 0x%llX, "
               "0x%llX): the system would stop here; aborting\n",
               BugCheckCode,
               static_cast<unsigned long long>(BugCheckParameter1),
               static_cast<unsigned long long>(BugCheckParameter2),
               static_cast<unsigned long long>(BugCheckParameter3),
               static_cast<unsigned long long>(BugCheckParameter4));
  std::fflush(stderr);
  std::abort();
}

VOID KeBugCheck(ULONG BugCheckCode) { KeBugCheckEx(BugCheckCode, 0, 0, 0, 0); }

}  // extern "C"
