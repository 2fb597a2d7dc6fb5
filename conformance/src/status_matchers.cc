// NTSTATUS matchers and status classes (status_matchers.h).
#include "wskconf/conformance/status_matchers.h"

#include <wskconf/ntstatus_names.h>

namespace wskconf::conformance {

std::string StatusText(NTSTATUS status) {
  char buffer[96];
  WskconfFormatNtStatus(status, buffer, sizeof buffer);
  return buffer;
}

bool ParseStatusClass(std::string_view text, StatusClass* out) {
  if (text == "success") {
    *out = StatusClass::kSuccess;
  } else if (text == "pending") {
    *out = StatusClass::kPending;
  } else if (text == "failure") {
    *out = StatusClass::kFailure;
  } else if (text == "success-or-pending") {
    *out = StatusClass::kSuccessOrPending;
  } else {
    return false;
  }
  return true;
}

std::string_view StatusClassName(StatusClass status_class) {
  switch (status_class) {
    case StatusClass::kSuccess:
      return "success";
    case StatusClass::kPending:
      return "pending";
    case StatusClass::kFailure:
      return "failure";
    case StatusClass::kSuccessOrPending:
      return "success-or-pending";
  }
  return "?";
}

// A final status is a success when NT_SUCCESS holds (severity success or
// informational) and it is not STATUS_PENDING; a failure otherwise. The docs
// call STATUS_BUFFER_OVERFLOW (a warning) a failure of the call, and
// NT_SUCCESS already counts warnings as failures.
bool InStatusClass(NTSTATUS status, StatusClass status_class) {
  const bool pending = status == STATUS_PENDING;
  const bool success = NT_SUCCESS(status) && !pending;
  switch (status_class) {
    case StatusClass::kSuccess:
      return success;
    case StatusClass::kPending:
      return pending;
    case StatusClass::kFailure:
      return !NT_SUCCESS(status);
    case StatusClass::kSuccessOrPending:
      return success || pending;
  }
  return false;
}

bool StatusIsMatcher::MatchAndExplain(
    NTSTATUS actual, ::testing::MatchResultListener* listener) const {
  *listener << "which is " << StatusText(actual);
  return actual == expected_;
}

void StatusIsMatcher::DescribeTo(std::ostream* os) const {
  *os << "is " << StatusText(expected_);
}

void StatusIsMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "is not " << StatusText(expected_);
}

bool StatusInClassMatcher::MatchAndExplain(
    NTSTATUS actual, ::testing::MatchResultListener* listener) const {
  *listener << "which is " << StatusText(actual);
  return InStatusClass(actual, class_);
}

void StatusInClassMatcher::DescribeTo(std::ostream* os) const {
  *os << "is a status of class " << StatusClassName(class_);
}

void StatusInClassMatcher::DescribeNegationTo(std::ostream* os) const {
  *os << "is not a status of class " << StatusClassName(class_);
}

}  // namespace wskconf::conformance
