// The buffers pending IRPs use (WskconfIrpHold*): the hooks the MDL, pool
// and IRP code call so a release before completion is reported under
// Irp.BufferReleasedBeforeCompletion.
#ifndef WSKCONF_KERNEL_SRC_INTERNAL_BUFFER_HOLDS_H_
#define WSKCONF_KERNEL_SRC_INTERNAL_BUFFER_HOLDS_H_

#include <wdm.h>

#include <cstddef>

namespace wskconf::kernel::internal {

// Reports when `mdl` is used by a pending IRP; `routine` names the caller
// (IoFreeMdl, MmUnlockPages). Cheap when nothing is held.
void CheckMdlNotHeld(const MDL* mdl, const char* routine);

// Reports when a held buffer starts inside the `size` bytes at `block`.
void CheckPoolNotHeld(const void* block, std::size_t size, const char* routine);

// Ends every hold of `irp`.
void ReleaseIrpHolds(const IRP* irp);

}  // namespace wskconf::kernel::internal

#endif  // WSKCONF_KERNEL_SRC_INTERNAL_BUFFER_HOLDS_H_
