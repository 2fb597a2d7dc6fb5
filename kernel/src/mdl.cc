// MDLs: allocation and freeing with use-after-free tracking, building for
// nonpaged pool, probe-and-lock (with a real check that the range is mapped,
// instead of Windows' exception) and the system-address mapping.
#include <wdm.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "internal/buffer_holds.h"
#include "internal/irp_tracker.h"
#include "internal/irql.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

struct MdlTable {
  std::mutex mutex;
  std::unordered_map<const MDL*, bool> freed_by_mdl;  // value: freed
  // Bytes allocated for each MDL from IoAllocateMdl (its PFN capacity; the
  // CSHORT Size field cannot hold it for large buffers).
  std::unordered_map<const MDL*, SIZE_T> allocated_bytes;
};

MdlTable& Table() {
  static MdlTable* table = new MdlTable;  // never destroyed: used at exit
  return *table;
}

void ForgetFreedMdl(void* mdl) {
  MdlTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.freed_by_mdl.find(static_cast<const MDL*>(mdl));
  if (it != table.freed_by_mdl.end() && it->second) {
    table.freed_by_mdl.erase(it);
    table.allocated_bytes.erase(static_cast<const MDL*>(mdl));
  }
}

bool IsMdlFreed(const MDL* mdl) {
  MdlTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.freed_by_mdl.find(mdl);
  return it != table.freed_by_mdl.end() && it->second;
}

// NULL and freed MDLs are reported; true when `mdl` may be used.
bool RequireLiveMdl(const MDL* mdl, const char* routine) {
  if (!RequireNonNull(mdl, routine, "MemoryDescriptorList")) return false;
  if (!IsMdlFreed(mdl)) return true;
  WskconfReportViolation(WskconfRuleMdlUsedAfterFree, mdl,
                         "%s: MDL %p was freed with IoFreeMdl", routine,
                         static_cast<const void*>(mdl));
  return false;
}

// Bytes available for `mdl`'s header and PFN array.
SIZE_T MdlCapacity(const MDL* mdl) {
  MdlTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.allocated_bytes.find(mdl);
  if (it != table.allocated_bytes.end()) return it->second;
  return static_cast<USHORT>(mdl->Size);  // caller memory (MmInitializeMdl)
}

void FillPfnArray(PMDL mdl) {
  ULONG pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(MmGetMdlVirtualAddress(mdl),
                                               mdl->ByteCount);
  PPFN_NUMBER pfn = MmGetMdlPfnArray(mdl);
  PFN_NUMBER first = reinterpret_cast<ULONG_PTR>(mdl->StartVa) >> PAGE_SHIFT;
  for (ULONG i = 0; i < pages; ++i) pfn[i] = first + i;
}

std::string ReadProcSelfMaps() {
  std::string text;
  std::FILE* file = std::fopen("/proc/self/maps", "r");
  if (file == nullptr) return text;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    text.append(buffer, got);
  }
  std::fclose(file);
  return text;
}

// True when every byte of [start, start + length) is mapped readable (and
// writable if `write`), according to the kernel's own map of the process.
bool RangeIsAccessible(std::uintptr_t start, std::size_t length, bool write) {
  if (start < PAGE_SIZE) return false;
  std::uintptr_t end = start + length;
  if (end < start) return false;
  if (length == 0) return true;
  std::string maps = ReadProcSelfMaps();
  std::uintptr_t covered = start;
  const char* line = maps.c_str();
  while (*line != '\0') {
    std::uintptr_t low = 0, high = 0;
    char perms[5] = {};
    if (std::sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %4s", &low, &high,
                    perms) == 3 &&
        high > covered) {
      if (low > covered) return false;  // a hole
      if (perms[0] != 'r' || (write && perms[1] != 'w')) return false;
      covered = high;
      if (covered >= end) return true;
    }
    const char* newline = std::strchr(line, '\n');
    if (newline == nullptr) break;
    line = newline + 1;
  }
  return false;
}

}  // namespace

void ReportMdlLeaks(ULONG* count) {
  std::vector<const MDL*> live;
  {
    MdlTable& table = Table();
    std::lock_guard lock(table.mutex);
    for (const auto& [mdl, freed] : table.freed_by_mdl) {
      if (!freed) live.push_back(mdl);
    }
  }
  for (const MDL* mdl : live) {
    WskconfReportViolation(WskconfRuleLeakMdl, mdl,
                           "MDL %p from IoAllocateMdl was never freed with "
                           "IoFreeMdl",
                           static_cast<const void*>(mdl));
  }
  *count += static_cast<ULONG>(live.size());
}

}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

EXTERN_C_START

SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length) {
  return sizeof(MDL) +
         sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES(Base, Length);
}

PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
                   BOOLEAN ChargeQuota, struct _IRP* Irp) {
  internal::RequireAtMost(DISPATCH_LEVEL, "IoAllocateMdl");
  if (ChargeQuota || (SecondaryBuffer && Irp == nullptr)) {
    // Mdl.AllocateMdlArguments: ChargeQuota is reserved (FALSE), and a
    // secondary buffer is chained to an IRP's MDL list.
    WskconfReportViolation(WskconfRuleKernelInvalidParameter, nullptr,
                           "IoAllocateMdl: %s", ChargeQuota
                               ? "ChargeQuota is reserved for system use and must be FALSE"
                               : "SecondaryBuffer TRUE needs an Irp to chain the MDL to");
  }
  if (Length > 0xFFFFFFFFull + 1 - PAGE_SIZE) return nullptr;
  if (Irp != nullptr && internal::IsIrpFreed(Irp)) {
    WskconfReportViolation(WskconfRuleIrpSentAfterFree, Irp,
                           "IoAllocateMdl: IRP %p was freed with IoFreeIrp",
                           static_cast<void*>(Irp));
    return nullptr;
  }
  if (internal::ShouldFailAllocation(WskconfAllocMdl)) return nullptr;
  SIZE_T size = MmSizeOfMdl(VirtualAddress, Length);
  PMDL mdl = static_cast<PMDL>(std::calloc(1, size));
  if (mdl == nullptr) return nullptr;
  MmInitializeMdl(mdl, VirtualAddress, Length);
  mdl->MdlFlags |= MDL_ALLOCATED_FIXED_SIZE;
  {
    internal::MdlTable& table = internal::Table();
    std::lock_guard lock(table.mutex);
    table.freed_by_mdl[mdl] = false;
    table.allocated_bytes[mdl] = size;
  }
  if (Irp != nullptr) {
    if (!SecondaryBuffer || Irp->MdlAddress == nullptr) {
      Irp->MdlAddress = mdl;
    } else {
      PMDL last = Irp->MdlAddress;
      while (last->Next != nullptr) last = last->Next;
      last->Next = mdl;
    }
  }
  return mdl;
}

VOID IoFreeMdl(PMDL Mdl) {
  if (!internal::RequireNonNull(Mdl, "IoFreeMdl", "Mdl")) return;
  bool known = false;
  bool was_live = false;
  {
    internal::MdlTable& table = internal::Table();
    std::lock_guard lock(table.mutex);
    auto it = table.freed_by_mdl.find(Mdl);
    known = it != table.freed_by_mdl.end();
    if (known && !it->second) {
      it->second = true;
      was_live = true;
    }
  }
  if (!was_live) {
    WskconfReportViolation(
        WskconfRuleMdlUsedAfterFree, Mdl,
        known ? "IoFreeMdl: MDL %p was already freed"
              : "IoFreeMdl: %p is not an MDL from IoAllocateMdl (never "
                "allocated, or freed long ago); not freed",
        static_cast<void*>(Mdl));
    return;
  }
  internal::CheckMdlNotHeld(Mdl, "IoFreeMdl");
  if ((Mdl->MdlFlags & MDL_PAGES_LOCKED) &&
      !(Mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)) {
    WskconfReportViolation(WskconfRuleMdlLockImbalance, Mdl,
                           "IoFreeMdl: MDL %p still has its pages locked "
                           "(MmUnlockPages was not called)",
                           static_cast<void*>(Mdl));
  }
  internal::QuarantineFree(Mdl, internal::ForgetFreedMdl);
}

VOID MmBuildMdlForNonPagedPool(PMDL MemoryDescriptorList) {
  if (!internal::RequireLiveMdl(MemoryDescriptorList,
                                "MmBuildMdlForNonPagedPool")) {
    return;
  }
  PMDL mdl = MemoryDescriptorList;
  mdl->MdlFlags |= MDL_SOURCE_IS_NONPAGED_POOL;
  mdl->MappedSystemVa = MmGetMdlVirtualAddress(mdl);
  internal::FillPfnArray(mdl);
}

VOID MmProbeAndLockPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode,
                         LOCK_OPERATION Operation) {
  UNREFERENCED_PARAMETER(AccessMode);
  internal::RequireAtMost(DISPATCH_LEVEL, "MmProbeAndLockPages");
  if (!internal::RequireLiveMdl(MemoryDescriptorList, "MmProbeAndLockPages")) {
    return;
  }
  PMDL mdl = MemoryDescriptorList;
  if (mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL) {
    WskconfReportViolation(WskconfRuleMdlLockImbalance, mdl,
                           "MmProbeAndLockPages: MDL %p was built by "
                           "MmBuildMdlForNonPagedPool and must not be locked",
                           static_cast<void*>(mdl));
    return;
  }
  if (mdl->MdlFlags & MDL_PAGES_LOCKED) {
    WskconfReportViolation(WskconfRuleMdlLockImbalance, mdl,
                           "MmProbeAndLockPages: MDL %p is already locked",
                           static_cast<void*>(mdl));
    return;
  }
  auto start = reinterpret_cast<std::uintptr_t>(MmGetMdlVirtualAddress(mdl));
  bool write = Operation != IoReadAccess;
  if (!internal::RangeIsAccessible(start, mdl->ByteCount, write)) {
    // Windows raises; inside a __try that is the documented pattern.
    if (WskconfSehHandlerActive()) ExRaiseStatus(STATUS_ACCESS_VIOLATION);
    WskconfReportViolation(WskconfRuleMdlProbeInvalidAddress, mdl,
                           "MmProbeAndLockPages: MDL %p describes %u bytes at "
                           "%p, which are not mapped %s",
                           static_cast<void*>(mdl), mdl->ByteCount,
                           reinterpret_cast<void*>(start),
                           write ? "writable" : "readable");
    return;
  }
  mdl->MdlFlags |= MDL_PAGES_LOCKED;
  if (write) mdl->MdlFlags |= MDL_WRITE_OPERATION;
  internal::FillPfnArray(mdl);
}

VOID MmUnlockPages(PMDL MemoryDescriptorList) {
  if (!internal::RequireLiveMdl(MemoryDescriptorList, "MmUnlockPages")) return;
  PMDL mdl = MemoryDescriptorList;
  if (!(mdl->MdlFlags & MDL_PAGES_LOCKED) ||
      (mdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)) {
    WskconfReportViolation(WskconfRuleMdlLockImbalance, mdl,
                           "MmUnlockPages: MDL %p was not locked by "
                           "MmProbeAndLockPages",
                           static_cast<void*>(mdl));
    return;
  }
  internal::CheckMdlNotHeld(mdl, "MmUnlockPages");
  mdl->MdlFlags &=
      ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION | MDL_MAPPED_TO_SYSTEM_VA);
  mdl->MappedSystemVa = nullptr;
}

PVOID MmGetSystemAddressForMdlSafe(PMDL Mdl, ULONG Priority) {
  UNREFERENCED_PARAMETER(Priority);
  if (!internal::RequireLiveMdl(Mdl, "MmGetSystemAddressForMdlSafe")) {
    return nullptr;
  }
  if (Mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL |
                       MDL_PARENT_MAPPED_SYSTEM_VA)) {
    return Mdl->MappedSystemVa;
  }
  if (Mdl->MdlFlags & MDL_PARTIAL) {
    // The source is locked: map the part on demand, as Windows does.
    Mdl->MappedSystemVa = MmGetMdlVirtualAddress(Mdl);
    Mdl->MdlFlags |= MDL_PARTIAL_HAS_BEEN_MAPPED | MDL_MAPPED_TO_SYSTEM_VA;
    return Mdl->MappedSystemVa;
  }
  if (!(Mdl->MdlFlags & MDL_PAGES_LOCKED)) {
    WskconfReportViolation(WskconfRuleMdlLockImbalance, Mdl,
                           "MmGetSystemAddressForMdlSafe: MDL %p is neither "
                           "locked by MmProbeAndLockPages nor built by "
                           "MmBuildMdlForNonPagedPool",
                           static_cast<void*>(Mdl));
    return nullptr;
  }
  Mdl->MappedSystemVa = MmGetMdlVirtualAddress(Mdl);
  Mdl->MdlFlags |= MDL_MAPPED_TO_SYSTEM_VA;
  return Mdl->MappedSystemVa;
}

VOID IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress,
                       ULONG Length) {
  if (!internal::RequireNonNull(SourceMdl, "IoBuildPartialMdl", "SourceMdl") ||
      !internal::RequireNonNull(TargetMdl, "IoBuildPartialMdl", "TargetMdl") ||
      !internal::RequireLiveMdl(SourceMdl, "IoBuildPartialMdl") ||
      !internal::RequireLiveMdl(TargetMdl, "IoBuildPartialMdl")) {
    return;
  }
  auto source_start =
      reinterpret_cast<std::uintptr_t>(MmGetMdlVirtualAddress(SourceMdl));
  std::uintptr_t source_end = source_start + SourceMdl->ByteCount;
  auto start = reinterpret_cast<std::uintptr_t>(VirtualAddress);
  if (start >= source_start && start <= source_end && Length == 0) {
    Length = static_cast<ULONG>(source_end - start);
  }
  if (start < source_start || start > source_end ||
      Length > source_end - start) {
    // Windows stops the system here; the runtime reports and refuses.
    WskconfReportViolation(WskconfRuleMdlPartialInvalid, TargetMdl,
                           "IoBuildPartialMdl: %u bytes at %p are not inside "
                           "source MDL %p (%u bytes at %p); target left alone",
                           Length, VirtualAddress,
                           static_cast<void*>(SourceMdl), SourceMdl->ByteCount,
                           reinterpret_cast<void*>(source_start));
    return;
  }
  if (MmSizeOfMdl(VirtualAddress, Length) > internal::MdlCapacity(TargetMdl)) {
    WskconfReportViolation(WskconfRuleMdlPartialInvalid, TargetMdl,
                           "IoBuildPartialMdl: target MDL %p is too small to "
                           "describe %u bytes at %p; target left alone",
                           static_cast<void*>(TargetMdl), Length,
                           VirtualAddress);
    return;
  }
  if (!(SourceMdl->MdlFlags &
        (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL))) {
    WskconfReportViolation(WskconfRuleMdlPartialInvalid, SourceMdl,
                           "IoBuildPartialMdl: source MDL %p is neither locked "
                           "nor built for nonpaged pool",
                           static_cast<void*>(SourceMdl));
  }
  CSHORT keep = TargetMdl->MdlFlags & MDL_ALLOCATED_FIXED_SIZE;
  CSHORT inherit = SourceMdl->MdlFlags & (MDL_SOURCE_IS_NONPAGED_POOL |
                                          MDL_IO_PAGE_READ | MDL_IO_SPACE);
  MmInitializeMdl(TargetMdl, VirtualAddress, Length);
  TargetMdl->MdlFlags = static_cast<CSHORT>(keep | inherit | MDL_PARTIAL);
  TargetMdl->Process = SourceMdl->Process;
  if (SourceMdl->MdlFlags &
      (MDL_SOURCE_IS_NONPAGED_POOL | MDL_MAPPED_TO_SYSTEM_VA)) {
    if (!(SourceMdl->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL)) {
      TargetMdl->MdlFlags |= MDL_PARENT_MAPPED_SYSTEM_VA;
    }
    TargetMdl->MappedSystemVa = VirtualAddress;
  }
  internal::FillPfnArray(TargetMdl);
}

VOID MmPrepareMdlForReuse(PMDL Mdl) {
  if (!internal::RequireLiveMdl(Mdl, "MmPrepareMdlForReuse")) return;
  if (Mdl->MdlFlags & MDL_PARTIAL_HAS_BEEN_MAPPED) {
    Mdl->MdlFlags &= ~(MDL_PARTIAL_HAS_BEEN_MAPPED | MDL_MAPPED_TO_SYSTEM_VA);
    Mdl->MappedSystemVa = nullptr;
  }
}

BOOLEAN WskconfMdlChainIsUsable(PMDL Mdl, const char* Routine) {
  const char* routine =
      Routine != nullptr ? Routine : "WskconfMdlChainIsUsable";
  for (PMDL mdl = Mdl; mdl != nullptr; mdl = mdl->Next) {
    if (internal::IsMdlFreed(mdl)) {
      WskconfReportViolation(WskconfRuleMdlUsedAfterFree, mdl,
                             "%s: MDL %p of the chain at %p was freed with "
                             "IoFreeMdl",
                             routine, static_cast<void*>(mdl),
                             static_cast<void*>(Mdl));
      return FALSE;
    }
  }
  return TRUE;
}

ULONG WskconfLiveMdlCount(VOID) {
  internal::MdlTable& table = internal::Table();
  std::lock_guard lock(table.mutex);
  ULONG live = 0;
  for (const auto& [mdl, freed] : table.freed_by_mdl) {
    if (!freed) ++live;
  }
  return live;
}

EXTERN_C_END
