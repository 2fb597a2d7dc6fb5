// Test support for the kernel runtime: the KernelTest fixture (no violation
// or leak may go unnoticed), named timeouts and NTSTATUS printing by name.
#ifndef WSKCONF_TESTS_KERNEL_KERNEL_TEST_UTIL_H_
#define WSKCONF_TESTS_KERNEL_KERNEL_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <ntdef.h>
#include <wskconf/ntstatus_names.h>
#include <wskconf/verifier.h>

#include <chrono>
#include <ostream>
#include <string>

namespace wskconf::testing {

// How long a test waits for something that must happen, and for something
// that must not (a completion that would be a bug).
inline constexpr std::chrono::milliseconds kExpectCompletion{5000};
inline constexpr std::chrono::milliseconds kExpectNoCompletion{50};

// A relative timeout for KeWaitForSingleObject: negative, in 100 ns units.
inline LARGE_INTEGER RelativeTimeout(std::chrono::milliseconds timeout) {
  LARGE_INTEGER value;
  value.QuadPart = -static_cast<LONGLONG>(timeout.count()) * 10000;
  return value;
}

// An NTSTATUS that prints as `STATUS_INVALID_PARAMETER (0xC000000D)`. NTSTATUS
// itself is a plain int32_t, so assertions wrap it: EXPECT_NTSTATUS_EQ.
struct NtStatus {
  NTSTATUS value;
  bool operator==(const NtStatus&) const = default;
};

inline std::string NtStatusToString(NTSTATUS status) {
  char text[96];
  WskconfFormatNtStatus(status, text, sizeof(text));
  return text;
}

inline void PrintTo(const NtStatus& status, std::ostream* os) {
  *os << NtStatusToString(status.value);
}

#define EXPECT_NTSTATUS_EQ(expected, actual)        \
  EXPECT_EQ(::wskconf::testing::NtStatus{expected}, \
            ::wskconf::testing::NtStatus{actual})
#define ASSERT_NTSTATUS_EQ(expected, actual)        \
  ASSERT_EQ(::wskconf::testing::NtStatus{expected}, \
            ::wskconf::testing::NtStatus{actual})

// Writes `value` at `offset` into memory the runtime freed (and quarantined),
// as buggy client code does. Not instrumented by AddressSanitizer: the
// verifier, not the sanitizer, is what these tests check.
__attribute__((no_sanitize("address"), noinline)) inline void
WriteIntoFreedMemory(void* memory, size_t offset, unsigned char value) {
  static_cast<volatile unsigned char*>(memory)[offset] = value;
}

// Every test of the runtime starts with no recorded violation and ends with
// none left: violations a test expects it consumes with ExpectViolation; any
// other one, and any leaked IRP, MDL or pool block, fails the test.
class KernelTest : public ::testing::Test {
 protected:
  void SetUp() override { WskconfClearViolations(); }

  void TearDown() override {
    WskconfCheckLeaks();
    ExpectNoViolations();
  }

  // Consumes the oldest recorded violation of `rule_id`; fails if none.
  // Returns the violation so the test can check its object and message.
  WSKCONF_VIOLATION ExpectViolation(const char* rule_id) {
    WSKCONF_VIOLATION violation{};
    for (ULONG index = 0; WskconfGetViolation(index, &violation); ++index) {
      if (std::string(violation.RuleId) == rule_id) {
        WskconfConsumeViolation(index);
        return violation;
      }
    }
    ADD_FAILURE() << "expected a verifier violation " << rule_id
                  << ", recorded: " << RecordedViolations();
    return WSKCONF_VIOLATION{};
  }

  // Fails (and clears) if any violation is recorded.
  void ExpectNoViolations() {
    if (WskconfGetViolationCount() != 0) {
      ADD_FAILURE() << "unexpected verifier violations: "
                    << RecordedViolations();
    }
    WskconfClearViolations();
  }

  static std::string RecordedViolations() {
    std::string text;
    WSKCONF_VIOLATION violation{};
    for (ULONG index = 0; WskconfGetViolation(index, &violation); ++index) {
      text += "\n  ";
      text += violation.RuleId;
      text += ": ";
      text += violation.Message;
    }
    return text.empty() ? std::string("(none)") : text;
  }
};

}  // namespace wskconf::testing

#endif  // WSKCONF_TESTS_KERNEL_KERNEL_TEST_UTIL_H_
