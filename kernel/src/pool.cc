// The executive pool: blocks come from malloc and are tracked by address
// with their tag, size and type. Freed blocks go to the verifier's
// quarantine and are remembered as freed until evicted, so double frees and
// wild frees are reported without ever reading freed memory.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/buffer_holds.h"
#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/pool.h"
#include "internal/verifier.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define WSKCONF_POISON_(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define WSKCONF_UNPOISON_(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define WSKCONF_POISON_(p, n) ((void)(p), (void)(n))
#define WSKCONF_UNPOISON_(p, n) ((void)(p), (void)(n))
#endif

namespace wskconf::kernel::internal {
namespace {

// Filled into uninitialized allocations so code that assumes zeroed pool
// memory fails visibly.
constexpr int kUninitializedFill = 0xA5;
// Filled into freed blocks while they are quarantined: a byte that differs
// when the block leaves the quarantine (or at WskconfCheckLeaks) was written
// after the free.
constexpr unsigned char kFreedFill = 0xDF;
constexpr ULONG kTagNone = 0x656E6F4E;  // 'enoN': "None" in memory

struct Block {
  SIZE_T size;
  ULONG tag;
  bool paged;
  uint64_t sequence;
  bool filled = false;    // freed and filled with kFreedFill
  bool reported = false;  // a write after the free was reported
};

// A write into a freed block, found by CheckFreedLocked.
struct WriteAfterFree {
  void* block;
  SIZE_T size;
  ULONG tag;
  SIZE_T offset;
};

// The first byte of a filled freed block that is no longer kFreedFill.
// Caller holds the pool lock; the block must be unpoisoned (ASan).
std::optional<WriteAfterFree> CheckFreedLocked(void* p, Block& block) {
  if (!block.filled || block.reported) return std::nullopt;
  const auto* bytes = static_cast<const unsigned char*>(p);
  for (SIZE_T i = 0; i < block.size; ++i) {
    if (bytes[i] != kFreedFill) {
      block.reported = true;
      return WriteAfterFree{p, block.size, block.tag, i};
    }
  }
  return std::nullopt;
}

void ReportWriteAfterFree(const WriteAfterFree& write) {
  WskconfReportViolation(WskconfRulePoolWrittenAfterFree, write.block,
                         "pool block %p of %zu bytes with tag '%s' was written "
                         "at offset %zu after it was freed",
                         write.block, write.size,
                         PoolTagString(write.tag).c_str(), write.offset);
}

struct PoolState {
  std::mutex mutex;
  std::unordered_map<void*, Block> live;
  std::unordered_map<void*, Block> freed;  // quarantined, by address
  uint64_t next_sequence = 0;
};

PoolState& State() {
  static PoolState* state = new PoolState;  // used during exit; never freed
  return *state;
}

bool SameTag(ULONG a, ULONG b) {
  return (a & ~PROTECTED_POOL) == (b & ~PROTECTED_POOL);
}

// Called by the quarantine just before it returns the block to malloc: the
// last chance to see a write into it.
void ForgetFreedBlock(void* p) {
  PoolState& state = State();
  std::optional<WriteAfterFree> write;
  {
    std::lock_guard lock(state.mutex);
    auto it = state.freed.find(p);
    if (it == state.freed.end()) return;
    WSKCONF_UNPOISON_(p, it->second.size == 0 ? 1 : it->second.size);
    write = CheckFreedLocked(p, it->second);
    state.freed.erase(it);
  }
  if (write) ReportWriteAfterFree(*write);
}

// Shared by every allocator once the type is known to be valid.
PVOID Allocate(bool paged, bool cache_aligned, SIZE_T bytes, ULONG tag,
               bool zero, const char* routine) {
  CheckNoWaitAfterSet(routine);
  RequireAtMost(paged ? APC_LEVEL : DISPATCH_LEVEL, routine);
  if (ShouldFailAllocation(WskconfAllocPool)) return nullptr;
  const SIZE_T alignment = cache_aligned ? 64 : 16;
  if (bytes > (SIZE_MAX >> 1)) return nullptr;
  SIZE_T rounded = (bytes + alignment - 1) / alignment * alignment;
  if (rounded == 0) rounded = alignment;
  void* p = std::aligned_alloc(alignment, rounded);
  if (p == nullptr) return nullptr;
  std::memset(p, zero ? 0 : kUninitializedFill, rounded);
  PoolState& state = State();
  std::lock_guard lock(state.mutex);
  state.live[p] = Block{bytes, tag, paged, state.next_sequence++};
  return p;
}

void Free(PVOID p, bool check_tag, ULONG tag, const char* routine) {
  CheckNoWaitAfterSet(routine);
  if (!RequireNonNull(p, routine, "P")) return;
  PoolState& state = State();
  Block block{};
  {
    std::unique_lock lock(state.mutex);
    auto it = state.live.find(p);
    if (it == state.live.end()) {
      bool twice = state.freed.count(p) != 0;
      lock.unlock();
      if (twice) {
        WskconfReportViolation(WskconfRulePoolFreedTwice, p,
                               "%s(%p): block already freed", routine, p);
      } else {
        WskconfReportViolation(WskconfRulePoolFreeUnknown, p,
                               "%s(%p): not a live pool block", routine, p);
      }
      return;
    }
    block = it->second;
    state.live.erase(it);
    state.freed[p] = block;
  }
  CheckPoolNotHeld(p, block.size, routine);
  // Fill and poison, unless a dispatcher object in the block still has
  // waiters linked into it (reported; its memory must stay as it is).
  if (!ForgetObjectsIn(p, block.size, routine)) {
    std::lock_guard lock(state.mutex);
    auto it = state.freed.find(p);
    if (it != state.freed.end()) {
      std::memset(p, kFreedFill, block.size);
      it->second.filled = true;
      WSKCONF_POISON_(p, block.size == 0 ? 1 : block.size);
    }
  }
  RequireAtMost(block.paged ? APC_LEVEL : DISPATCH_LEVEL, routine);
  if (check_tag && !SameTag(tag, block.tag)) {
    WskconfReportViolation(
        WskconfRulePoolWrongTag, p, "%s(%p, '%s'): block was allocated with tag '%s'",
        routine, p, PoolTagString(tag).c_str(), PoolTagString(block.tag).c_str());
  }
  QuarantineFree(p, ForgetFreedBlock);
}

// Decodes a POOL_TYPE; false for the must-succeed and reserved types.
bool DecodePoolType(POOL_TYPE type, bool* paged, bool* cache_aligned) {
  const ULONG modifiers = POOL_QUOTA_FAIL_INSTEAD_OF_RAISE |
                          POOL_RAISE_IF_ALLOCATION_FAILURE |
                          POOL_COLD_ALLOCATION | POOL_NX_ALLOCATION |
                          32 /* session */;
  const ULONG base = static_cast<ULONG>(type) & ~modifiers;
  if (base != NonPagedPool && base != PagedPool &&
      base != NonPagedPoolCacheAligned && base != PagedPoolCacheAligned) {
    return false;
  }
  *paged = (base & 1) != 0;
  *cache_aligned = (base & 4) != 0;
  return true;
}

PVOID AllocateTyped(POOL_TYPE type, SIZE_T bytes, ULONG tag, bool zero,
                    const char* routine) {
  bool paged = false;
  bool cache_aligned = false;
  if (!DecodePoolType(type, &paged, &cache_aligned)) {
    WskconfReportViolation(WskconfRulePoolInvalidType, nullptr,
                           "%s: POOL_TYPE %d is reserved or unknown; nothing "
                           "allocated",
                           routine, static_cast<int>(type));
    return nullptr;
  }
  return Allocate(paged, cache_aligned, bytes, tag, zero, routine);
}

}  // namespace

std::string PoolTagString(ULONG tag) {
  std::string text;
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>((tag >> (8 * i)) & 0xFF);
    text.push_back(c >= 0x20 && c < 0x7F ? c : '.');
  }
  return text;
}

ULONG CheckFreedPool() {
  std::vector<WriteAfterFree> writes;
  {
    PoolState& state = State();
    std::lock_guard lock(state.mutex);
    for (auto& [p, block] : state.freed) {
      WSKCONF_UNPOISON_(p, block.size == 0 ? 1 : block.size);
      std::optional<WriteAfterFree> write = CheckFreedLocked(p, block);
      WSKCONF_POISON_(p, block.size == 0 ? 1 : block.size);
      if (write) writes.push_back(*write);
    }
  }
  for (const WriteAfterFree& write : writes) ReportWriteAfterFree(write);
  return static_cast<ULONG>(writes.size());
}

bool IsLivePoolBlock(const void* p) {
  PoolState& state = State();
  std::lock_guard lock(state.mutex);
  return state.live.count(const_cast<void*>(p)) != 0;
}

void ReportPoolLeaks(ULONG* count) {
  std::vector<std::pair<void*, Block>> leaks;
  {
    PoolState& state = State();
    std::lock_guard lock(state.mutex);
    leaks.assign(state.live.begin(), state.live.end());
  }
  std::sort(leaks.begin(), leaks.end(), [](const auto& a, const auto& b) {
    return a.second.sequence < b.second.sequence;
  });
  for (const auto& [p, block] : leaks) {
    WskconfReportViolation(WskconfRuleLeakPool, p,
                           "%s pool block %p of %zu bytes with tag '%s' was "
                           "never freed",
                           block.paged ? "paged" : "nonpaged", p, block.size,
                           PoolTagString(block.tag).c_str());
  }
  if (count != nullptr) *count += static_cast<ULONG>(leaks.size());
}

}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                            ULONG Tag) {
  return ki::AllocateTyped(PoolType, NumberOfBytes, Tag, false,
                           "ExAllocatePoolWithTag");
}

PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes) {
  return ki::AllocateTyped(PoolType, NumberOfBytes, ki::kTagNone, false,
                           "ExAllocatePool");
}

PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag) {
  return ki::AllocateTyped(PoolType, NumberOfBytes, Tag, true,
                           "ExAllocatePoolZero");
}

PVOID ExAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                  ULONG Tag) {
  return ki::AllocateTyped(PoolType, NumberOfBytes, Tag, false,
                           "ExAllocatePoolUninitialized");
}

PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag) {
  const POOL_FLAGS kinds =
      POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED;
  const POOL_FLAGS known_required =
      POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_SESSION |
      POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_RAISE_ON_FAILURE | kinds;
  const POOL_FLAGS required_range = 0xFFFFFFFFULL;
  const POOL_FLAGS kind = Flags & kinds;
  // Exactly one memory kind, and no reserved or unknown required bit.
  // Unknown optional bits (above 32) are ignored, as documented for them.
  if (kind == 0 || (kind & (kind - 1)) != 0 ||
      (Flags & required_range & ~known_required) != 0) {
    WskconfReportViolation(WskconfRulePoolInvalidType, nullptr,
                           "ExAllocatePool2: flags 0x%llx name no memory kind, "
                           "several, or a reserved bit; nothing allocated",
                           static_cast<unsigned long long>(Flags));
    return nullptr;
  }
  return ki::Allocate(kind == POOL_FLAG_PAGED,
                      (Flags & POOL_FLAG_CACHE_ALIGNED) != 0, NumberOfBytes,
                      Tag, (Flags & POOL_FLAG_UNINITIALIZED) == 0,
                      "ExAllocatePool2");
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag) {
  ki::Free(P, true, Tag, "ExFreePoolWithTag");
}

VOID ExFreePool(PVOID P) { ki::Free(P, false, 0, "ExFreePool"); }

SIZE_T WskconfPoolLiveBytes(ULONG Tag) {
  ki::PoolState& state = ki::State();
  std::lock_guard lock(state.mutex);
  SIZE_T total = 0;
  for (const auto& [p, block] : state.live) {
    if (Tag == 0 || ki::SameTag(block.tag, Tag)) total += block.size;
  }
  return total;
}

ULONG WskconfPoolLiveCount(ULONG Tag) {
  ki::PoolState& state = ki::State();
  std::lock_guard lock(state.mutex);
  ULONG count = 0;
  for (const auto& [p, block] : state.live) {
    if (Tag == 0 || ki::SameTag(block.tag, Tag)) ++count;
  }
  return count;
}

}  // extern "C"
