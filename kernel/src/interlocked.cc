// Interlocked singly linked lists. Operations on one SLIST_HEADER are
// serialised by one of a fixed set of mutexes chosen by the header's
// address, which keeps them atomic with respect to each other without
// needing a 16-byte compare-exchange.
#include <cstdint>
#include <mutex>

#include <wskconf/ke.h>

#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

constexpr unsigned kStripes = 64;
constexpr ULONGLONG kDepthMask = 0xFFFF;

std::mutex& StripeFor(const SLIST_HEADER* header) {
  static std::mutex* stripes = new std::mutex[kStripes];
  auto address = reinterpret_cast<uintptr_t>(header);
  return stripes[(address >> 4) % kStripes];
}

PSLIST_ENTRY First(const SLIST_HEADER* header) {
  return reinterpret_cast<PSLIST_ENTRY>(static_cast<uintptr_t>(header->Region));
}

void SetFirst(SLIST_HEADER* header, PSLIST_ENTRY entry) {
  header->Region = reinterpret_cast<uintptr_t>(entry);
}

USHORT Depth(const SLIST_HEADER* header) {
  return static_cast<USHORT>(header->Alignment & kDepthMask);
}

// Depth in the low 16 bits, a sequence number above it (as the x64 layout),
// bumped on every change.
void SetDepth(SLIST_HEADER* header, ULONGLONG depth) {
  ULONGLONG sequence = (header->Alignment >> 16) + 1;
  header->Alignment = (sequence << 16) | (depth & kDepthMask);
}

}  // namespace
}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

VOID InitializeSListHead(PSLIST_HEADER SListHead) {
  if (!ki::RequireNonNull(SListHead, "InitializeSListHead", "SListHead")) {
    return;
  }
  std::lock_guard lock(ki::StripeFor(SListHead));
  SListHead->Alignment = 0;
  SListHead->Region = 0;
}

PSLIST_ENTRY InterlockedPushEntrySList(PSLIST_HEADER ListHead,
                                       PSLIST_ENTRY ListEntry) {
  if (!ki::RequireNonNull(ListHead, "InterlockedPushEntrySList", "ListHead") ||
      !ki::RequireNonNull(ListEntry, "InterlockedPushEntrySList",
                          "ListEntry")) {
    return nullptr;
  }
  std::lock_guard lock(ki::StripeFor(ListHead));
  PSLIST_ENTRY previous = ki::First(ListHead);
  ListEntry->Next = previous;
  ki::SetFirst(ListHead, ListEntry);
  USHORT depth = ki::Depth(ListHead);
  ki::SetDepth(ListHead, depth == 0xFFFF ? depth : depth + 1u);
  return previous;
}

PSLIST_ENTRY InterlockedPopEntrySList(PSLIST_HEADER ListHead) {
  if (!ki::RequireNonNull(ListHead, "InterlockedPopEntrySList", "ListHead")) {
    return nullptr;
  }
  std::lock_guard lock(ki::StripeFor(ListHead));
  PSLIST_ENTRY first = ki::First(ListHead);
  if (first == nullptr) return nullptr;
  ki::SetFirst(ListHead, first->Next);
  USHORT depth = ki::Depth(ListHead);
  ki::SetDepth(ListHead, depth == 0 ? 0 : depth - 1u);
  return first;
}

PSLIST_ENTRY InterlockedFlushSList(PSLIST_HEADER ListHead) {
  if (!ki::RequireNonNull(ListHead, "InterlockedFlushSList", "ListHead")) {
    return nullptr;
  }
  std::lock_guard lock(ki::StripeFor(ListHead));
  PSLIST_ENTRY first = ki::First(ListHead);
  ki::SetFirst(ListHead, nullptr);
  ki::SetDepth(ListHead, 0);
  return first;
}

USHORT QueryDepthSList(PSLIST_HEADER SListHead) {
  if (!ki::RequireNonNull(SListHead, "QueryDepthSList", "SListHead")) return 0;
  std::lock_guard lock(ki::StripeFor(SListHead));
  return ki::Depth(SListHead);
}

PSLIST_ENTRY FirstEntrySList(PSLIST_HEADER SListHead) {
  if (!ki::RequireNonNull(SListHead, "FirstEntrySList", "SListHead")) {
    return nullptr;
  }
  std::lock_guard lock(ki::StripeFor(SListHead));
  return ki::First(SListHead);
}

}  // extern "C"
