// The IRP record by address (see internal/irp_tracker.h) and the leak
// report built from it.
#include "internal/irp_tracker.h"

#include <mutex>
#include <unordered_map>
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

}  // namespace

void TrackIrp(const IRP* irp, bool owns_memory) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  IrpInfo& info = table.irps[irp];
  info.state = IrpState::kIdle;
  info.owns_memory = owns_memory;
  info.generation = table.next_generation++;
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

void ForgetFreedIrp(void* irp) {
  IrpTable& table = Table();
  std::lock_guard lock(table.mutex);
  auto it = table.irps.find(static_cast<const IRP*>(irp));
  if (it != table.irps.end() && it->second.state == IrpState::kFreed) {
    table.irps.erase(it);
  }
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
