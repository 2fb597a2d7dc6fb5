// Private dispatcher: the one lock that guards the state and wait lists of
// every waitable object (events, threads), and the timeout conversions waits
// and delays share.
#ifndef WSKCONF_KERNEL_SRC_INTERNAL_DISPATCHER_H_
#define WSKCONF_KERNEL_SRC_INTERNAL_DISPATCHER_H_

#include <chrono>
#include <mutex>
#include <optional>

#include <wskconf/ke.h>

namespace wskconf::kernel::internal {

// DISPATCHER_HEADER.Type values (events use their EVENT_TYPE, 0 and 1).
inline constexpr UCHAR kMutantObjectType = 2;
inline constexpr UCHAR kSemaphoreObjectType = 5;
inline constexpr UCHAR kThreadObjectType = 6;
inline constexpr UCHAR kTimerNotificationObjectType = 8;
inline constexpr UCHAR kTimerSynchronizationObjectType = 9;

// Whether `type` is the DISPATCHER_HEADER.Type of an object the runtime
// initialises (events, mutexes, semaphores, threads, timers).
bool IsKnownObjectType(UCHAR type);

// Guards SignalState, WaitListHead (and a mutex's owner) of every dispatcher
// object.
std::mutex& DispatcherLock();

// A zeroed object that was never initialised gets an empty wait list.
void EnsureWaitListLocked(DISPATCHER_HEADER* header);

// The registry of dispatcher objects initialised by KeInitializeXxx (and the
// runtime's thread objects), so a use of one that was never initialised, or
// whose memory was freed, is reported instead of followed into garbage.
enum class ObjectState { kLive, kNeverInitialized, kFreed };
// Records `header` as a live object (again). Caller holds DispatcherLock().
void RegisterObjectLocked(const DISPATCHER_HEADER* header);
// The state of `header`: kLive only for a registered address whose header
// still has a known Type and a non-zero Size (a zeroed or overwritten object
// at an address an earlier object used is kNeverInitialized). Caller holds
// DispatcherLock().
ObjectState ObjectStateLocked(const DISPATCHER_HEADER* header);
// Reports Dispatcher.ObjectNotInitialized or Dispatcher.ObjectFreed for a
// `state` other than kLive and returns false; true for kLive. Call it after
// releasing DispatcherLock().
bool ReportUnlessLive(ObjectState state, const void* object,
                      const char* routine);
// Takes DispatcherLock(), checks `header` and reports: the usual check of
// a routine that is about to act on an object.
bool RequireLiveObject(const DISPATCHER_HEADER* header, const char* routine);
// Memory [start, start + size) is being freed: objects in it are no longer
// live. Returns true when one of them still has waiters (its memory must
// then stay intact: the waiters' wait blocks are linked into it); reports
// Dispatcher.ObjectFreed for each such object. Takes DispatcherLock().
bool ForgetObjectsIn(const void* start, size_t size, const char* routine);

// After the object's state rose, completes every waiter that can now be
// satisfied, in wait order (consuming the object as its type requires).
// Caller holds DispatcherLock().
void WakeWaitersLocked(DISPATCHER_HEADER* header);

// KeWaitForSingleObject without the IRQL check, for routines of the runtime
// that already checked (and reported) their caller's IRQL themselves.
NTSTATUS WaitUnchecked(DISPATCHER_HEADER* object, PLARGE_INTEGER timeout);

// Makes the object signalled and releases its waiters as a notification
// object does (all of them). Caller holds DispatcherLock().
void SignalNotificationLocked(DISPATCHER_HEADER* header);

// KeSetEvent with Wait TRUE promises that the same thread calls KeWaitXxx
// next. Routines of the runtime that such a thread must not reach first
// call CheckNoWaitAfterSet, which reports Event.SetWithWaitNotFollowedByWait
// (once) and forgets the promise; KeWaitXxx keeps it.
void CheckNoWaitAfterSet(const char* routine);

// System time now, in 100 ns units since 1601-01-01 UTC.
LONGLONG SystemTimeNow();

// What a KeWaitXxx / KeDelayExecutionThread timeout means.
struct Deadline {
  bool poll = false;  // zero timeout: do not block
  std::optional<std::chrono::steady_clock::time_point> at;  // empty: forever
};
// NULL: forever; negative: relative 100 ns units; positive: absolute system
// time; zero: poll. Intervals beyond ~30 years count as forever.
Deadline DeadlineFromTimeout(const LARGE_INTEGER* timeout);

}  // namespace wskconf::kernel::internal

#endif  // WSKCONF_KERNEL_SRC_INTERNAL_DISPATCHER_H_
