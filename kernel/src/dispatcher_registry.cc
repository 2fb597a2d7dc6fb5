// Which dispatcher objects are initialised and alive (see
// internal/dispatcher.h): an event, timer, mutex or semaphore that was never
// initialised, or whose memory has been freed, is reported under a rule
// instead of being followed into garbage by the wait engine.
#include <cstdint>
#include <mutex>
#include <set>
#include <vector>

#include <wskconf/verifier.h>

#include "internal/dispatcher.h"

namespace wskconf::kernel::internal {
namespace {

// Both guarded by DispatcherLock(). `freed` remembers addresses until they
// are initialised again, bounded so it cannot grow without limit.
struct Registry {
  std::set<std::uintptr_t> live;
  std::set<std::uintptr_t> freed;
};
constexpr size_t kFreedLimit = 1 << 16;

Registry& Objects() {
  static Registry* registry = new Registry;  // used at exit
  return *registry;
}

std::uintptr_t Key(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace

void RegisterObjectLocked(const DISPATCHER_HEADER* header) {
  Registry& registry = Objects();
  registry.freed.erase(Key(header));
  registry.live.insert(Key(header));
}

bool IsKnownObjectType(UCHAR type) {
  return type == NotificationEvent || type == SynchronizationEvent ||
         type == kMutantObjectType || type == kSemaphoreObjectType ||
         type == kThreadObjectType || type == kTimerNotificationObjectType ||
         type == kTimerSynchronizationObjectType;
}

ObjectState ObjectStateLocked(const DISPATCHER_HEADER* header) {
  Registry& registry = Objects();
  if (registry.live.count(Key(header)) != 0) {
    // The address held an initialised object, but memory the registry never
    // saw freed (a stack frame, a heap block) may hold a new one now: it is
    // live only while its header still reads as KeInitializeXxx left it.
    return header->Size != 0 && IsKnownObjectType(header->Type)
               ? ObjectState::kLive
               : ObjectState::kNeverInitialized;
  }
  if (registry.freed.count(Key(header)) != 0) return ObjectState::kFreed;
  return ObjectState::kNeverInitialized;
}

bool ReportUnlessLive(ObjectState state, const void* object,
                      const char* routine) {
  switch (state) {
    case ObjectState::kLive:
      return true;
    case ObjectState::kFreed:
      WskconfReportViolation(WskconfRuleDispatcherObjectFreed, object,
                             "%s: dispatcher object %p lives in memory that "
                             "was freed; not touched",
                             routine, object);
      return false;
    case ObjectState::kNeverInitialized:
      break;
  }
  WskconfReportViolation(WskconfRuleDispatcherObjectNotInitialized, object,
                         "%s: %p is not an initialised dispatcher object "
                         "(no KeInitializeEvent, KeInitializeTimer, "
                         "KeInitializeMutex or KeInitializeSemaphore); not "
                         "touched",
                         routine, object);
  return false;
}

bool RequireLiveObject(const DISPATCHER_HEADER* header, const char* routine) {
  ObjectState state;
  {
    std::lock_guard lock(DispatcherLock());
    state = ObjectStateLocked(header);
  }
  return ReportUnlessLive(state, header, routine);
}

bool ForgetObjectsIn(const void* start, size_t size, const char* routine) {
  std::vector<const void*> waited_on;
  {
    std::lock_guard lock(DispatcherLock());
    Registry& registry = Objects();
    auto it = registry.live.lower_bound(Key(start));
    while (it != registry.live.end() && *it < Key(start) + size) {
      auto* header = reinterpret_cast<DISPATCHER_HEADER*>(*it);
      const LIST_ENTRY* head = &header->WaitListHead;
      if (head->Flink != nullptr && head->Flink != head) {
        waited_on.push_back(header);
      }
      if (registry.freed.size() < kFreedLimit) registry.freed.insert(*it);
      it = registry.live.erase(it);
    }
  }
  for (const void* object : waited_on) {
    WskconfReportViolation(WskconfRuleDispatcherObjectFreed, object,
                           "%s: the memory of dispatcher object %p is freed "
                           "while threads wait on it",
                           routine, object);
  }
  return !waited_on.empty();
}

}  // namespace wskconf::kernel::internal
