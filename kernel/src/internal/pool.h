// Private pool helpers: the leak reporter WskconfCheckLeaks calls, and a
// way for other parts of the runtime to describe a tag.
#ifndef WSKCONF_KERNEL_SRC_INTERNAL_POOL_H_
#define WSKCONF_KERNEL_SRC_INTERNAL_POOL_H_

#include <string>

#include <wskconf/ke.h>

namespace wskconf::kernel::internal {

// Reports Leak.Pool once per live pool block (oldest first; the message shows
// address, size and tag) and adds the number of blocks to *count.
void ReportPoolLeaks(ULONG* count);

// Reports Pool.WrittenAfterFree once for each quarantined freed block that
// was written since its free; returns how many were reported.
ULONG CheckFreedPool();

// True when `p` is the start of a live (allocated, not freed) pool block.
// Lets owners of pool-backed objects check a pointer before reading it.
bool IsLivePoolBlock(const void* p);

// The tag as the four characters a debugger shows ('kWoI' -> "IoWk");
// unprintable bytes become '.'.
std::string PoolTagString(ULONG tag);

}  // namespace wskconf::kernel::internal

#endif  // WSKCONF_KERNEL_SRC_INTERNAL_POOL_H_
