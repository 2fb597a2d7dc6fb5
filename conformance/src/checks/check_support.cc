// Shared steps of the check helpers (check_support.h).
#include "checks/check_support.h"

#include <fmt/format.h>

#include <wskconf/verifier.h>

#include "wskconf/provider_under_test.h"

namespace wskconf::conformance::checks::internal {

CaseScope::CaseScope(const CaseInfo& info)
    : trace_(info.spec_file, info.spec_line,
             fmt::format("clause {} ({})", info.clause_id, info.strength)),
      live_mdls_at_start_(WskconfLiveMdlCount()) {
  RecordClause(info);
}

CaseScope::~CaseScope() {
  // An IRP the harness gave up on may still hold MDLs: that is already a
  // failure of its own.
  if (LeakedObjectCount() > 0) return;
  const ULONG live = WskconfLiveMdlCount();
  if (live <= live_mdls_at_start_) return;
  ::testing::Test::RecordProperty("violated_clause", "Leak.Mdl");
  ADD_FAILURE() << live - live_mdls_at_start_
                << " MDL(s) allocated during the case are still allocated "
                   "after its sockets were closed and its client "
                   "deregistered (Leak.Mdl)";
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
