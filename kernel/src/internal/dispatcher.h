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

// DISPATCHER_HEADER.Type of a thread object (events use their EVENT_TYPE).
inline constexpr UCHAR kThreadObjectType = 6;

// Guards SignalState and WaitListHead of every dispatcher object.
std::mutex& DispatcherLock();

// Makes the object signalled and releases its waiters as a notification
// object does (all of them). Caller holds DispatcherLock().
void SignalNotificationLocked(DISPATCHER_HEADER* header);

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
