// Routines WSK clients call around the socket API
// (<wskconf/wdm_helpers.h>): the performance counter, MDL mapping with a
// cache type, referencing an object by pointer, the driver-runtime opt-in.
#include <atomic>
#include <ctime>

#include <wskconf/wdm_helpers.h>

namespace {

constexpr LONGLONG kPerformanceFrequency = 10'000'000;  // 100 ns ticks
std::atomic<ULONG> g_runtime_flags{0};

}  // namespace

LARGE_INTEGER KeQueryPerformanceCounter(PLARGE_INTEGER PerformanceFrequency) {
  if (PerformanceFrequency != nullptr) {
    PerformanceFrequency->QuadPart = kPerformanceFrequency;
  }
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  LARGE_INTEGER counter;
  counter.QuadPart = static_cast<LONGLONG>(now.tv_sec) * kPerformanceFrequency +
                     now.tv_nsec / 100;
  return counter;
}

PVOID MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
                                   KPROCESSOR_MODE AccessMode,
                                   MEMORY_CACHING_TYPE CacheType,
                                   PVOID RequestedAddress,
                                   ULONG BugCheckOnFailure, ULONG Priority) {
  (void)CacheType;
  (void)RequestedAddress;
  (void)BugCheckOnFailure;
  if (AccessMode != KernelMode) return nullptr;
  return MmGetSystemAddressForMdlSafe(MemoryDescriptorList, Priority);
}

VOID MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList) {
  if (MemoryDescriptorList == nullptr ||
      MemoryDescriptorList->MappedSystemVa != BaseAddress) {
    return;
  }
  // The pages stay where they are; only the mapping is forgotten.
  MemoryDescriptorList->MdlFlags &= ~MDL_MAPPED_TO_SYSTEM_VA;
}

NTSTATUS ObReferenceObjectByPointer(PVOID Object, ACCESS_MASK DesiredAccess,
                                    POBJECT_TYPE ObjectType,
                                    KPROCESSOR_MODE AccessMode) {
  (void)DesiredAccess;
  (void)AccessMode;
  if (Object == nullptr) return STATUS_INVALID_PARAMETER;
  if (ObjectType != nullptr && ObjectType != *PsThreadType) {
    return STATUS_OBJECT_TYPE_MISMATCH;
  }
  ObfReferenceObject(Object);
  return STATUS_SUCCESS;
}

VOID ExInitializeDriverRuntime(ULONG RuntimeFlags) {
  g_runtime_flags.fetch_or(RuntimeFlags);
}

ULONG WskconfDriverRuntimeFlags(VOID) { return g_runtime_flags.load(); }
