// Shared steps of the check helpers (check_support.h).
#include "checks/check_support.h"

#include <fmt/format.h>

#include "wskconf/provider_under_test.h"

namespace wskconf::conformance::checks::internal {

CaseScope::CaseScope(const CaseInfo& info)
    : trace_(info.spec_file, info.spec_line,
             fmt::format("clause {} ({})", info.clause_id, info.strength)) {
  RecordClause(info);
}

bool ProviderConfigured() { return !ProviderPath().empty(); }

std::string ExpectedText(const CaseInfo& info, StatusClass natural) {
  if (info.expect.has_status) return StatusText(info.expect.status);
  if (info.expect.status_class[0] == '\0') {
    return fmt::format("a status of class {}", StatusClassName(natural));
  }
  return fmt::format("a status of class {}", info.expect.status_class);
}

bool ExpectClauseStatus(const CaseInfo& info, NTSTATUS actual,
                        std::string_view call, StatusClass natural) {
  RecordExpectedActual(ExpectedText(info, natural), StatusText(actual));
  bool ok;
  if (info.expect.has_status) {
    ok = actual == info.expect.status;
  } else {
    StatusClass status_class = natural;
    if (info.expect.status_class[0] != '\0' &&
        !ParseStatusClass(info.expect.status_class, &status_class)) {
      ADD_FAILURE() << "harness: clause " << info.clause_id
                    << " has no usable <expect> for this helper";
      return false;
    }
    ok = InStatusClass(actual, status_class);
  }
  if (!ok) {
    ADD_FAILURE() << call << " gave " << StatusText(actual) << ", expected "
                  << ExpectedText(info, natural);
  }
  return ok;
}

}  // namespace wskconf::conformance::checks::internal
