// System and interrupt time, KeDelayExecutionThread, and the debug output
// routines (DbgPrint, DbgPrintEx, RtlAssert) that go to stderr.
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <string>
#include <thread>

#include <wskconf/ke.h>
#include <wskconf/verifier.h>

#include "internal/dispatcher.h"
#include "internal/irql.h"
#include "internal/ms_format.h"
#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

// 100 ns intervals between 1601-01-01 and 1970-01-01.
constexpr LONGLONG kUnixEpochIn100ns = 116444736000000000LL;
// Longer waits than this (~31 years) are treated as infinite, which also
// keeps steady_clock arithmetic far from overflow.
constexpr LONGLONG kForeverIn100ns = 10000000LL * 3600 * 24 * 365 * 31;
// 15.625 ms, the default Windows clock tick, in 100 ns units.
constexpr ULONG kTimeIncrement = 156250;

using Hundreds = std::chrono::duration<LONGLONG, std::ratio<1, 10000000>>;

std::chrono::steady_clock::time_point StartTime() {
  static const auto start = std::chrono::steady_clock::now();
  return start;
}

// Touch the start time while the library loads so interrupt time counts
// from then.
[[maybe_unused]] const auto kStartAtLoad = StartTime();

}  // namespace

LONGLONG SystemTimeNow() {
  auto since_unix = std::chrono::duration_cast<Hundreds>(
      std::chrono::system_clock::now().time_since_epoch());
  return kUnixEpochIn100ns + since_unix.count();
}

Deadline DeadlineFromTimeout(const LARGE_INTEGER* timeout) {
  Deadline deadline;
  if (timeout == nullptr) return deadline;
  LONGLONG value = timeout->QuadPart;
  if (value == 0) {
    deadline.poll = true;
    return deadline;
  }
  LONGLONG delta = 0;
  if (value < 0) {
    delta = value == INT64_MIN ? kForeverIn100ns : -value;
  } else {
    delta = value - SystemTimeNow();
    if (delta < 0) delta = 0;
  }
  if (delta >= kForeverIn100ns) return deadline;
  deadline.at = std::chrono::steady_clock::now() + Hundreds(delta);
  return deadline;
}

}  // namespace wskconf::kernel::internal

namespace ki = wskconf::kernel::internal;

extern "C" {

VOID KeQuerySystemTime(PLARGE_INTEGER CurrentTime) {
  if (!ki::RequireNonNull(CurrentTime, "KeQuerySystemTime", "CurrentTime")) {
    return;
  }
  CurrentTime->QuadPart = ki::SystemTimeNow();
}

VOID KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime) {
  if (!ki::RequireNonNull(CurrentTime, "KeQuerySystemTimePrecise",
                          "CurrentTime")) {
    return;
  }
  CurrentTime->QuadPart = ki::SystemTimeNow();
}

ULONGLONG KeQueryInterruptTime(VOID) {
  auto elapsed = std::chrono::steady_clock::now() - ki::StartTime();
  return static_cast<ULONGLONG>(
      std::chrono::duration_cast<ki::Hundreds>(elapsed).count());
}

ULONGLONG KeQueryInterruptTimePrecise(PULONG64 QpcTimeStamp) {
  ULONGLONG now = KeQueryInterruptTime();
  if (QpcTimeStamp != nullptr) *QpcTimeStamp = now;
  return now;
}

VOID KeQueryTickCount(PLARGE_INTEGER CurrentCount) {
  if (!ki::RequireNonNull(CurrentCount, "KeQueryTickCount", "CurrentCount")) {
    return;
  }
  CurrentCount->QuadPart =
      static_cast<LONGLONG>(KeQueryInterruptTime() / ki::kTimeIncrement);
}

ULONG KeQueryTimeIncrement(VOID) { return ki::kTimeIncrement; }

NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
                                PLARGE_INTEGER Interval) {
  (void)WaitMode;
  (void)Alertable;
  if (!ki::RequireNonNull(Interval, "KeDelayExecutionThread", "Interval")) {
    return STATUS_INVALID_PARAMETER;
  }
  if (KeGetCurrentIrql() >= DISPATCH_LEVEL && Interval->QuadPart != 0) {
    WskconfReportViolation(WskconfRuleIrqlWaitAtDispatch, nullptr,
                           "KeDelayExecutionThread at IRQL %u",
                           static_cast<unsigned>(KeGetCurrentIrql()));
  }
  ki::Deadline deadline = ki::DeadlineFromTimeout(Interval);
  if (deadline.poll) {
    std::this_thread::yield();
  } else if (deadline.at.has_value()) {
    std::this_thread::sleep_until(*deadline.at);
  } else {
    // A "forever" delay: sleep in long slices, as the thread never wakes.
    for (;;) std::this_thread::sleep_for(std::chrono::hours(24));
  }
  return STATUS_SUCCESS;
}

ULONG DbgPrint(PCSTR Format, ...) {
  if (Format == nullptr) return STATUS_SUCCESS;
  va_list args;
  va_start(args, Format);
  std::string text = wskconf::kernel::internal::FormatMs(Format, args);
  va_end(args);
  std::fputs(text.c_str(), stderr);
  return STATUS_SUCCESS;
}

ULONG vDbgPrintEx(ULONG ComponentId, ULONG Level, PCCH Format,
                  va_list arglist) {
  if (Format == nullptr) return STATUS_SUCCESS;
  std::string text = wskconf::kernel::internal::FormatMs(Format, arglist);
  std::fprintf(stderr, "[%u:%u] %s", ComponentId, Level, text.c_str());
  return STATUS_SUCCESS;
}

ULONG DbgPrintEx(ULONG ComponentId, ULONG Level, PCSTR Format, ...) {
  va_list args;
  va_start(args, Format);
  ULONG status = vDbgPrintEx(ComponentId, Level, Format, args);
  va_end(args);
  return status;
}

VOID DbgBreakPoint(VOID) {
  std::fprintf(stderr, "wskconf: DbgBreakPoint reached (no debugger)\n");
}

VOID RtlAssert(PVOID VoidFailedAssertion, PVOID VoidFileName, ULONG LineNumber,
               PSTR MutableMessage) {
  const char* expression = static_cast<const char*>(VoidFailedAssertion);
  const char* file = static_cast<const char*>(VoidFileName);
  std::fprintf(stderr, "wskconf: ASSERT failed: %s%s%s%s at %s:%u\n",
               expression != nullptr ? expression : "?",
               MutableMessage != nullptr ? " (" : "",
               MutableMessage != nullptr ? MutableMessage : "",
               MutableMessage != nullptr ? ")" : "",
               file != nullptr ? file : "?", LineNumber);
}

}  // extern "C"
