// Tests of kernel/src/rtl.cc and kernel/src/time_dbg.cc: Rtl memory and
// string helpers, system time, delays, debug output and ASSERT.
#include <chrono>
#include <cstring>
#include <ctime>
#include <cwchar>
#include <string>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using ::wskconf::testing::kExpectNoCompletion;
using RtlTest = ::wskconf::testing::KernelTest;

TEST_F(RtlTest, MemoryMacros) {
  unsigned char a[8];
  unsigned char b[8];
  RtlFillMemory(a, sizeof(a), 0x5A);
  RtlZeroMemory(b, sizeof(b));
  EXPECT_EQ(0x5A, a[7]);
  EXPECT_EQ(0, b[3]);
  EXPECT_FALSE(RtlEqualMemory(a, b, sizeof(a)));
  RtlCopyMemory(b, a, sizeof(a));
  EXPECT_TRUE(RtlEqualMemory(a, b, sizeof(a)));
  unsigned char overlap[6] = {1, 2, 3, 4, 5, 6};
  RtlMoveMemory(overlap + 1, overlap, 5);
  const unsigned char moved[6] = {1, 1, 2, 3, 4, 5};
  EXPECT_EQ(0, std::memcmp(moved, overlap, 6));
}

TEST_F(RtlTest, SecureZeroMemoryZeroesAndReturnsPointer) {
  char secret[16];
  std::memset(secret, 'x', sizeof(secret));
  EXPECT_EQ(secret, RtlSecureZeroMemory(secret, sizeof(secret)));
  for (char c : secret) EXPECT_EQ(0, c);
}

TEST_F(RtlTest, CompareMemoryCountsMatchingPrefix) {
  const char a[] = "abcdef";
  const char b[] = "abcxef";
  EXPECT_EQ(3u, RtlCompareMemory(a, b, 6));
  EXPECT_EQ(6u, RtlCompareMemory(a, a, 6));
  EXPECT_EQ(0u, RtlCompareMemory(a, b, 0));
}

TEST_F(RtlTest, InitUnicodeStringCountsBytes) {
  UNICODE_STRING s;
  RtlInitUnicodeString(&s, L"\\Device\\Wsk");
  EXPECT_EQ(11 * sizeof(WCHAR), s.Length);
  EXPECT_EQ(12 * sizeof(WCHAR), s.MaximumLength);
  EXPECT_EQ(0, std::wcscmp(L"\\Device\\Wsk", s.Buffer));
}

TEST_F(RtlTest, InitUnicodeStringWithNullIsEmpty) {
  UNICODE_STRING s;
  s.Length = 7;
  RtlInitUnicodeString(&s, nullptr);
  EXPECT_EQ(0, s.Length);
  EXPECT_EQ(0, s.MaximumLength);
  EXPECT_EQ(nullptr, s.Buffer);
}

TEST_F(RtlTest, InitUnicodeStringCapsVeryLongStrings) {
  std::wstring long_text(70000, L'a');
  UNICODE_STRING s;
  RtlInitUnicodeString(&s, long_text.c_str());
  EXPECT_EQ(0u, s.Length % sizeof(WCHAR));
  EXPECT_EQ(s.Length + sizeof(WCHAR), s.MaximumLength);
  EXPECT_LE(s.MaximumLength, 0xFFFFu);
}

TEST_F(RtlTest, InitAnsiString) {
  ANSI_STRING s;
  RtlInitAnsiString(&s, "wsk");
  EXPECT_EQ(3, s.Length);
  EXPECT_EQ(4, s.MaximumLength);
}

TEST_F(RtlTest, EqualAndCopyUnicodeString) {
  UNICODE_STRING a;
  UNICODE_STRING b;
  RtlInitUnicodeString(&a, L"Tcp");
  RtlInitUnicodeString(&b, L"TCP");
  EXPECT_FALSE(RtlEqualUnicodeString(&a, &b, FALSE));
  EXPECT_TRUE(RtlEqualUnicodeString(&a, &b, TRUE));
  WCHAR buffer[8];
  UNICODE_STRING copy{0, sizeof(buffer), buffer};
  RtlCopyUnicodeString(&copy, &a);
  EXPECT_TRUE(RtlEqualUnicodeString(&a, &copy, FALSE));
  WCHAR tiny[2];
  UNICODE_STRING small{0, sizeof(tiny), tiny};
  RtlCopyUnicodeString(&small, &a);
  EXPECT_EQ(2 * sizeof(WCHAR), small.Length) << "copy is cut to the buffer";
}

TEST_F(RtlTest, SystemTimeCountsFrom1601) {
  LARGE_INTEGER now;
  KeQuerySystemTime(&now);
  LONGLONG unix_seconds = static_cast<LONGLONG>(std::time(nullptr));
  LONGLONG expected = unix_seconds * 10000000LL + 116444736000000000LL;
  EXPECT_NEAR(static_cast<double>(expected), static_cast<double>(now.QuadPart),
              2.0 * 10000000);
  LARGE_INTEGER precise;
  KeQuerySystemTimePrecise(&precise);
  EXPECT_GE(precise.QuadPart, now.QuadPart);
}

TEST_F(RtlTest, InterruptTimeAndTicksAdvance) {
  ULONGLONG first = KeQueryInterruptTime();
  LARGE_INTEGER interval;
  interval.QuadPart = -20 * 10000;  // 20 ms
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS,
                     KeDelayExecutionThread(KernelMode, FALSE, &interval));
  EXPECT_GE(KeQueryInterruptTime() - first, 20u * 10000);
  EXPECT_EQ(156250u, KeQueryTimeIncrement());
  LARGE_INTEGER ticks;
  KeQueryTickCount(&ticks);
  EXPECT_GE(ticks.QuadPart, 0);
}

TEST_F(RtlTest, DelayWithAbsoluteTime) {
  LARGE_INTEGER until;
  KeQuerySystemTime(&until);
  until.QuadPart += kExpectNoCompletion.count() * 10000;
  auto start = std::chrono::steady_clock::now();
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS,
                     KeDelayExecutionThread(KernelMode, FALSE, &until));
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            kExpectNoCompletion - std::chrono::milliseconds(5));
}

TEST_F(RtlTest, DelayAtDispatchIsReported) {
  LARGE_INTEGER interval;
  interval.QuadPart = -1;
  KIRQL old = KeRaiseIrqlToDpcLevel();
  KeDelayExecutionThread(KernelMode, FALSE, &interval);
  KeLowerIrql(old);
  ExpectViolation("Irql.WaitAtDispatch");
}

TEST_F(RtlTest, DelayWithNullIntervalFails) {
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     KeDelayExecutionThread(KernelMode, FALSE, nullptr));
  ExpectViolation("Kernel.NullArgument");
}

TEST_F(RtlTest, DbgPrintGoesToStderr) {
  ::testing::internal::CaptureStderr();
  DbgPrint("hello %d\n", 42);
  DbgPrintEx(DPFLTR_IHVNETWORK_ID, DPFLTR_ERROR_LEVEL, "net %s\n", "up");
  KdPrint(("kd %u\n", 7u));
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(std::string::npos, out.find("hello 42\n")) << out;
  EXPECT_NE(std::string::npos, out.find("net up\n")) << out;
  EXPECT_NE(std::string::npos, out.find("kd 7\n")) << out;
  EXPECT_EQ(77, DPFLTR_IHVDRIVER_ID);
  EXPECT_EQ(3, DPFLTR_INFO_LEVEL);
}

TEST_F(RtlTest, FailedAssertPrintsAndContinues) {
  int value = 1;
  ::testing::internal::CaptureStderr();
  bool held = ASSERT(value == 2);
  NT_ASSERT(value == 1);
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(held);
  EXPECT_NE(std::string::npos, out.find("ASSERT failed: value == 2")) << out;
  EXPECT_NE(std::string::npos, out.find("rtl_test.cc")) << out;
  EXPECT_EQ(std::string::npos, out.find("value == 1")) << "a true assertion is silent";
}

}  // namespace
}  // namespace wskconf::kernel
