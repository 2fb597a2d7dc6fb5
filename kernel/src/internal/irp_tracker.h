// The verifier's record of every IRP the runtime knows, by address: where it
// is in its life (idle, in flight, completing, completed, freed) and whether
// its creator must stop completion with STATUS_MORE_PROCESSING_REQUIRED.
// Freed IRPs stay recorded (their memory quarantined) so a later use is
// reported, never dereferenced.
#ifndef WSKCONF_KERNEL_SRC_INTERNAL_IRP_TRACKER_H_
#define WSKCONF_KERNEL_SRC_INTERNAL_IRP_TRACKER_H_

#include <wdm.h>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace wskconf::kernel::internal {

enum class IrpState { kIdle, kInFlight, kCompleting, kCompleted, kFreed };

struct IrpInfo {
  IrpState state = IrpState::kIdle;
  bool owns_memory = false;  // from IoAllocateIrp: IoFreeIrp may free it
  // Every transition bumps the generation, so code that let go of the IRP
  // (a completion routine ran) can tell whether someone else has since.
  std::uint64_t generation = 0;
  // Freed: how many bytes of its memory were filled with the freed pattern,
  // and whether a write into them was reported.
  std::size_t alloc_bytes = 0;  // from IoAllocateIrp: how much it allocated
  std::size_t poisoned_bytes = 0;
  bool write_reported = false;
};

// Starts (or restarts) tracking `irp` as idle and caller-allocated; an
// allocation size recorded before is kept.
void TrackIrp(const IRP* irp, bool owns_memory);

// Records how many bytes IoAllocateIrp allocated for `irp`.
void SetIrpAllocationBytes(const IRP* irp, std::size_t bytes);

// The record of `irp`, if the runtime knows it.
std::optional<IrpInfo> LookupIrp(const IRP* irp);

// Moves `irp` to `state` (if known) and returns the new generation, or 0.
std::uint64_t SetIrpState(const IRP* irp, IrpState state);

// Moves `irp` to `state` only if it is still at `generation`.
void SetIrpStateIf(const IRP* irp, std::uint64_t generation, IrpState state);

// The checks a "send" (IoCallDriver, IoSetNextIrpStackLocation) makes before
// touching the IRP: not freed, a next stack location left. Reports and
// returns false when the send must not go on; otherwise marks it in flight.
bool BeginSend(PIRP irp, const char* routine);

// Marks `irp` freed; returns its record before the change (nullopt if the
// IRP was unknown, in which case nothing changes).
std::optional<IrpInfo> MarkIrpFreed(const IRP* irp);

// True if `irp` is recorded as freed.
bool IsIrpFreed(const IRP* irp);

// Fills the first `bytes` of freed IRP `irp` with the freed pattern, so a
// later write into it is seen (Irp.WrittenAfterFree).
void PoisonFreedIrp(PIRP irp, std::size_t bytes);

// Quarantine eviction hook: reports a write into the freed IRP, then
// forgets its address.
void ForgetFreedIrp(void* irp);

// Reports Irp.WrittenAfterFree once for each quarantined IRP written since
// IoFreeIrp; returns how many were reported.
ULONG CheckFreedIrps();

}  // namespace wskconf::kernel::internal

#endif  // WSKCONF_KERNEL_SRC_INTERNAL_IRP_TRACKER_H_
