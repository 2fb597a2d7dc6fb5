// The IRP record by address (see internal/irp_tracker.h) and the leak
// report built from it.
#include "internal/irp_tracker.h"

#include <cstring>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

struct IrpTable {
  std::mutex mutex;
  std::unordered_map<const IRP*, IrpInfo> irps;
  std::uint64_t next_generation = 1;
};

IrpTable& Table() {
  static IrpTable* table = new IrpTable;  // never destroyed: used at exit
  return *table;
}

constexpr unsigned char kFreedIrpFill = 0xDF;

// The offset of the first byte of a freed, filled IRP that is no longer the
// fill; marks it reported. Caller holds the table lock.
std::optional<std::size_t> FindWriteLocked(const IRP* irp, IrpInfo& info) {
  if (info.write_reported) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(irp);
  for (std::size_t i = 0; i < info.poisoned_bytes; ++i) {
    if (bytes[i] != kFreedIrpFill) {
      info.write_reported = true;
      return i;
    }
  }
  return std::nullopt;
}

void ReportIrpWrite(const void* irp, std::size_t bytes, std::size_t offset) {
  WskconfReportViolation(WskconfRuleIrpWrittenAfterFree, irp,
                         "IRP %p (%zu bytes) was written at offset %zu%s after "
                         "IoFreeIrp",
                         irp, bytes, offset,
                         offset < sizeof(IRP) ? " (in the IRP header)"
                                              : " (in a stack location)");
}

}  // namespace

void TrackIrp(const IRP* irp, bool owns_memory) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  IrpInfo& info = table.irps[irp];
  info.state = IrpState::kIdle;
  info.poisoned_bytes = 0;
  info.write_reported = false;
  info.owns_memory = owns_memory;
  info.generation = table.next_generation++;
}

void SetIrpAllocationBytes(const IRP* irp, std::size_t bytes) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.irps.find(irp);
  if (it != table.irps.end()) it->second.alloc_bytes = bytes;
}

std::optional<IrpInfo> LookupIrp(const IRP* irp) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.irps.find(irp);
  if (it == table.irps.end()) return std::nullopt;
  return it->second;
}

std::uint64_t SetIrpState(const IRP* irp, IrpState state) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.irps.find(irp);
  if (it == table.irps.end() || it->second.state == IrpState::kFreed) return 0;
  it->second.state = state;
  it->second.generation = table.next_generation++;
  return it->second.generation;
}

void SetIrpStateIf(const IRP* irp, std::uint64_t generation, IrpState state) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.irps.find(irp);
  if (it == table.irps.end() || it->second.generation != generation) return;
  it->second.state = state;
  it->second.generation = table.next_generation++;
}

bool BeginSend(PIRP irp, const char* routine) {
  if (IsIrpFreed(irp)) {
    WskconfReportViolation(WskconfRuleIrpSentAfterFree, irp,
                           "%s: IRP %p was freed with IoFreeIrp", routine,
                           static_cast<void*>(irp));
    return false;
  }
  std::optional<IrpInfo> held = LookupIrp(irp);
  if (irp->CurrentLocation == 1 && held && held->state == IrpState::kInFlight &&
      std::strcmp(routine, "IoSetNextIrpStackLocation") == 0 &&
      IoGetCurrentIrpStackLocation(irp)->CompletionRoutine != nullptr) {
    // A provider taking an IRP that an earlier request still holds, with its
    // sender's completion routine waiting in the location it was given: the
    // client sent it again before that request completed. (Without a
    // routine it is a driver running out of locations: Irp.NoStackLocation.)
    WskconfReportViolation(WskconfRuleIrpSentWhilePending, irp,
                           "%s: IRP %p is sent again while the earlier request "
                           "with it has not completed",
                           routine, static_cast<void*>(irp));
    return false;
  }
  if (irp->CurrentLocation <= 1) {
    WskconfReportViolation(
        WskconfRuleIrpNoStackLocation, irp,
        "%s: IRP %p has no stack location left (StackCount %d, "
        "CurrentLocation %d)",
        routine, static_cast<void*>(irp), irp->StackCount,
        irp->CurrentLocation);
    return false;
  }
  // A completed IRP unwound to its creator is reinitialised before it is
  // sent again; a driver with a stack location of its own (a completion
  // routine that stopped completion) may send it on as it is.
  std::optional<IrpInfo> info = LookupIrp(irp);
  if (info && info->state == IrpState::kCompleted &&
      irp->CurrentLocation > irp->StackCount) {
    WskconfReportViolation(WskconfRuleIrpSentAgainWithoutReuse, irp,
                           "%s: IRP %p was completed and is sent again without "
                           "IoReuseIrp (or IoInitializeIrp) first",
                           routine, static_cast<void*>(irp));
  }
  SetIrpState(irp, IrpState::kInFlight);
  return true;
}

std::optional<IrpInfo> MarkIrpFreed(const IRP* irp) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.irps.find(irp);
  if (it == table.irps.end()) return std::nullopt;
  IrpInfo before = it->second;
  if (before.state != IrpState::kFreed && before.owns_memory) {
    it->second.state = IrpState::kFreed;
    it->second.generation = table.next_generation++;
  }
  return before;
}

bool IsIrpFreed(const IRP* irp) {
  std::optional<IrpInfo> info = LookupIrp(irp);
  return info && info->state == IrpState::kFreed;
}

void PoisonFreedIrp(PIRP irp, std::size_t bytes) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.irps.find(irp);
  if (it == table.irps.end() || it->second.state != IrpState::kFreed) return;
  std::memset(static_cast<void*>(irp), kFreedIrpFill, bytes);
  it->second.poisoned_bytes = bytes;
}

void ForgetFreedIrp(void* irp) {
  std::optional<std::size_t> written;
  std::size_t bytes = 0;
  {
    IrpTable& table = Table();
    std::lock_guard lock(table.mutex);
    auto it = table.irps.find(static_cast<const IRP*>(irp));
    if (it == table.irps.end() || it->second.state != IrpState::kFreed) return;
    written = FindWriteLocked(static_cast<const IRP*>(irp), it->second);
    bytes = it->second.poisoned_bytes;
    table.irps.erase(it);
  }
  if (written) ReportIrpWrite(irp, bytes, *written);
}

ULONG CheckFreedIrps() {
  std::vector<std::pair<const IRP*, std::size_t>> writes;
  std::vector<std::size_t> sizes;
  {
    IrpTable& table = Table();
    std::lock_guard lock(table.mutex);
    for (auto& [irp, info] : table.irps) {
      if (info.state != IrpState::kFreed) continue;
      if (std::optional<std::size_t> at = FindWriteLocked(irp, info)) {
        writes.emplace_back(irp, *at);
        sizes.push_back(info.poisoned_bytes);
      }
    }
  }
  for (std::size_t i = 0; i < writes.size(); ++i) {
    ReportIrpWrite(writes[i].first, sizes[i], writes[i].second);
  }
  return static_cast<ULONG>(writes.size());
}

void ReportIrpLeaks(ULONG* count) {
  std::vector<const IRP*> live;
  {
    IrpTable& table = Table();
    std::lock_guard lock(table.mutex);
    for (const auto& [irp, info] : table.irps) {
      if (info.owns_memory && info.state != IrpState::kFreed) {
        live.push_back(irp);
      }
    }
  }
  for (const IRP* irp : live) {
    WskconfReportViolation(WskconfRuleLeakIrp, irp,
                           "IRP %p from IoAllocateIrp was never freed with "
                           "IoFreeIrp",
                           static_cast<const void*>(irp));
  }
  *count += static_cast<ULONG>(live.size());
}

}  // namespace wskconf::kernel::internal

EXTERN_C_START

ULONG WskconfLiveIrpCount(VOID) {
  namespace internal = wskconf::kernel::internal;
  internal::IrpTable& table = internal::Table();
  std::lock_guard lock(table.mutex);
  ULONG live = 0;
  for (const auto& [irp, info] : table.irps) {
    if (info.owns_memory && info.state != internal::IrpState::kFreed) ++live;
  }
  return live;
}

EXTERN_C_END
