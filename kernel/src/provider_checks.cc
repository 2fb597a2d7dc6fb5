// What a WSK provider checks on a client's buffers at its entry points: the
// WSK_BUF rules (spec/buffers.xml) and the buffers a pending request holds
// until its IRP completes (Irp.BufferReleasedBeforeCompletion).
#include <wskconf/provider_checks.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "internal/buffer_holds.h"

namespace wskconf::kernel::internal {
namespace {

// One held object: an MDL (mdl set) or a memory range starting at `start`.
struct Hold {
  const MDL* mdl = nullptr;
  std::uintptr_t start = 0;
  SIZE_T length = 0;
};

struct HoldTable {
  std::mutex mutex;
  std::unordered_map<const IRP*, std::vector<Hold>> by_irp;
  std::unordered_multimap<const MDL*, const IRP*> mdls;
  std::multimap<std::uintptr_t, const IRP*> ranges;  // by start address
  std::atomic<std::size_t> count{0};  // holds recorded: a fast path when 0
};

HoldTable& Table() {
  static HoldTable* table = new HoldTable;  // never destroyed: used at exit
  return *table;
}

void AddHold(const IRP* irp, const Hold& hold) {
  HoldTable& table = Table();
  std::lock_guard lock(table.mutex);
  table.by_irp[irp].push_back(hold);
  if (hold.mdl != nullptr) {
    table.mdls.emplace(hold.mdl, irp);
  } else {
    table.ranges.emplace(hold.start, irp);
  }
  table.count.fetch_add(1, std::memory_order_relaxed);
}

template <typename Map, typename Key>
void EraseOne(Map& map, const Key& key, const IRP* irp) {
  auto [first, last] = map.equal_range(key);
  for (auto it = first; it != last; ++it) {
    if (it->second == irp) {
      map.erase(it);
      return;
    }
  }
}

bool FlagsLockedOrNonPaged(const MDL* mdl) {
  return (mdl->MdlFlags & (MDL_PAGES_LOCKED | MDL_SOURCE_IS_NONPAGED_POOL |
                           MDL_PARTIAL)) != 0;
}

}  // namespace

void CheckMdlNotHeld(const MDL* mdl, const char* routine) {
  HoldTable& table = Table();
  if (table.count.load(std::memory_order_relaxed) == 0) return;
  const IRP* irp = nullptr;
  {
    std::lock_guard lock(table.mutex);
    auto it = table.mdls.find(mdl);
    if (it == table.mdls.end()) return;
    irp = it->second;
  }
  WskconfReportViolation(WskconfRuleIrpBufferReleasedBeforeCompletion, mdl,
                         "%s: MDL %p is used by the pending request of IRP %p, "
                         "which has not completed",
                         routine, static_cast<const void*>(mdl),
                         static_cast<const void*>(irp));
}

void CheckPoolNotHeld(const void* block, std::size_t size, const char* routine) {
  HoldTable& table = Table();
  if (table.count.load(std::memory_order_relaxed) == 0) return;
  const auto start = reinterpret_cast<std::uintptr_t>(block);
  const IRP* irp = nullptr;
  std::uintptr_t held = 0;
  {
    std::lock_guard lock(table.mutex);
    auto it = table.ranges.lower_bound(start);
    if (it == table.ranges.end() || it->first >= start + (size == 0 ? 1 : size)) {
      return;
    }
    irp = it->second;
    held = it->first;
  }
  WskconfReportViolation(WskconfRuleIrpBufferReleasedBeforeCompletion, block,
                         "%s(%p): the block holds buffer %p of the pending "
                         "request of IRP %p, which has not completed",
                         routine, block, reinterpret_cast<void*>(held),
                         static_cast<const void*>(irp));
}

void ReleaseIrpHolds(const IRP* irp) {
  HoldTable& table = Table();
  if (table.count.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(table.mutex);
  auto it = table.by_irp.find(irp);
  if (it == table.by_irp.end()) return;
  for (const Hold& hold : it->second) {
    if (hold.mdl != nullptr) {
      EraseOne(table.mdls, hold.mdl, irp);
    } else {
      EraseOne(table.ranges, hold.start, irp);
    }
  }
  table.count.fetch_sub(it->second.size(), std::memory_order_relaxed);
  table.by_irp.erase(it);
}

}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

EXTERN_C_START

NTSTATUS WskconfCheckWskBuf(const WSK_BUF* Buffer, const char* Routine,
                            const void* Object) {
  const char* routine = Routine != nullptr ? Routine : "WskconfCheckWskBuf";
  if (Buffer == nullptr) {
    WskconfReportViolation(WskconfRuleClientCallWskBufInvalid, Object,
                           "%s: Buffer is NULL", routine);
    return STATUS_INVALID_PARAMETER;
  }
  if (Buffer->Length == 0) return STATUS_SUCCESS;  // WSK_BUF.OffsetIgnoredWhenMdlNull
  if (Buffer->Mdl == nullptr) {
    WskconfReportViolation(WskconfRuleClientCallWskBufInvalid, Object,
                           "%s: WSK_BUF has Mdl NULL and Length %zu; Mdl may "
                           "be NULL only when Length is 0",
                           routine, static_cast<size_t>(Buffer->Length));
    return STATUS_INVALID_PARAMETER;
  }
  if (!WskconfMdlChainIsUsable(Buffer->Mdl, routine)) return STATUS_INVALID_PARAMETER;
  if (Buffer->Offset >= MmGetMdlByteCount(Buffer->Mdl)) {
    WskconfReportViolation(WskconfRuleClientCallWskBufInvalid, Object,
                           "%s: WSK_BUF Offset %lu is not inside its first MDL "
                           "(%lu bytes)",
                           routine, static_cast<unsigned long>(Buffer->Offset),
                           static_cast<unsigned long>(MmGetMdlByteCount(Buffer->Mdl)));
    return STATUS_INVALID_PARAMETER;
  }
  SIZE_T skip = Buffer->Offset;
  SIZE_T available = 0;
  const MDL* unlocked = nullptr;
  for (PMDL mdl = Buffer->Mdl; mdl != nullptr && available < Buffer->Length;
       mdl = mdl->Next) {
    const SIZE_T size = MmGetMdlByteCount(mdl);
    if (unlocked == nullptr && !internal::FlagsLockedOrNonPaged(mdl)) unlocked = mdl;
    available += size > skip ? size - skip : 0;
    skip = 0;
  }
  if (available < Buffer->Length) {
    WskconfReportViolation(WskconfRuleClientCallWskBufInvalid, Object,
                           "%s: WSK_BUF Offset %lu + Length %zu exceeds the "
                           "%zu bytes its MDL chain describes from Offset",
                           routine, static_cast<unsigned long>(Buffer->Offset),
                           static_cast<size_t>(Buffer->Length),
                           static_cast<size_t>(available));
    return STATUS_INVALID_PARAMETER;
  }
  if (unlocked != nullptr) {
    WskconfReportViolation(WskconfRuleClientCallWskBufInvalid, Object,
                           "%s: MDL %p of the WSK_BUF is neither locked "
                           "(MmProbeAndLockPages) nor built for nonpaged pool",
                           routine, static_cast<const void*>(unlocked));
  }
  return STATUS_SUCCESS;
}

VOID WskconfIrpHoldWskBuf(PIRP Irp, const WSK_BUF* Buffer) {
  if (Irp == nullptr || Buffer == nullptr || Buffer->Length == 0 ||
      Buffer->Mdl == nullptr || !WskconfMdlChainIsUsable(Buffer->Mdl, "WskconfIrpHoldWskBuf")) {
    return;
  }
  SIZE_T want = Buffer->Offset + Buffer->Length;
  for (PMDL mdl = Buffer->Mdl; mdl != nullptr && want > 0; mdl = mdl->Next) {
    internal::AddHold(Irp, internal::Hold{mdl, 0, 0});
    const SIZE_T size = MmGetMdlByteCount(mdl);
    if (size > 0) {
      internal::AddHold(
          Irp, internal::Hold{nullptr,
                              reinterpret_cast<std::uintptr_t>(MmGetMdlVirtualAddress(mdl)),
                              size});
    }
    want = want > size ? want - size : 0;
  }
}

VOID WskconfIrpHoldBuffer(PIRP Irp, const VOID* Buffer, SIZE_T Length) {
  if (Irp == nullptr || Buffer == nullptr || Length == 0) return;
  internal::AddHold(Irp, internal::Hold{nullptr, reinterpret_cast<std::uintptr_t>(Buffer),
                                        Length});
}

EXTERN_C_END
