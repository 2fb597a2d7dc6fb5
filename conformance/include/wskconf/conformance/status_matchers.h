// GoogleMock matchers for NTSTATUS that print names, so a failure reads
// "STATUS_INVALID_PARAMETER (0xC000000D)" instead of -1073741811, and the
// status classes of the spec (<expect status-class=...>).
#ifndef WSKCONF_CONFORMANCE_STATUS_MATCHERS_H_
#define WSKCONF_CONFORMANCE_STATUS_MATCHERS_H_

#include <ntdef.h>
#include <ntstatus.h>

#include <ostream>
#include <string>
#include <string_view>

#include <gmock/gmock.h>

namespace wskconf::conformance {

// "STATUS_INVALID_PARAMETER (0xC000000D)", or "0x12345678" when unnamed.
std::string StatusText(NTSTATUS status);

// The spec's status classes (spec/README.md, <expect status-class>).
enum class StatusClass { kSuccess, kPending, kFailure, kSuccessOrPending };

// Parses "success" | "pending" | "failure" | "success-or-pending"; false for
// anything else.
bool ParseStatusClass(std::string_view text, StatusClass* out);
std::string_view StatusClassName(StatusClass status_class);

// Whether `status` belongs to the class. success: NT_SUCCESS and not
// STATUS_PENDING; pending: STATUS_PENDING; failure: not NT_SUCCESS (errors
// and warnings such as STATUS_BUFFER_OVERFLOW); success-or-pending: either.
bool InStatusClass(NTSTATUS status, StatusClass status_class);

// Matches exactly `expected`; describes both sides by name.
class StatusIsMatcher {
 public:
  using is_gtest_matcher = void;
  explicit StatusIsMatcher(NTSTATUS expected) : expected_(expected) {}
  bool MatchAndExplain(NTSTATUS actual,
                       ::testing::MatchResultListener* listener) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  NTSTATUS expected_;
};

// Matches a status of the class; describes the actual status by name.
class StatusInClassMatcher {
 public:
  using is_gtest_matcher = void;
  explicit StatusInClassMatcher(StatusClass status_class)
      : class_(status_class) {}
  bool MatchAndExplain(NTSTATUS actual,
                       ::testing::MatchResultListener* listener) const;
  void DescribeTo(std::ostream* os) const;
  void DescribeNegationTo(std::ostream* os) const;

 private:
  StatusClass class_;
};

inline ::testing::Matcher<NTSTATUS> StatusIs(NTSTATUS expected) {
  return StatusIsMatcher(expected);
}
inline ::testing::Matcher<NTSTATUS> StatusInClass(StatusClass status_class) {
  return StatusInClassMatcher(status_class);
}

}  // namespace wskconf::conformance

#endif  // WSKCONF_CONFORMANCE_STATUS_MATCHERS_H_
