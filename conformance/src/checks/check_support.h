// Shared steps of the check helpers (private to conformance/src/checks).
#ifndef WSKCONF_CONFORMANCE_SRC_CHECKS_CHECK_SUPPORT_H_
#define WSKCONF_CONFORMANCE_SRC_CHECKS_CHECK_SUPPORT_H_

#include <wsk.h>

#include <string>

#include <gtest/gtest.h>

#include "wskconf/conformance/case_info.h"
#include "wskconf/conformance/irp_harness.h"
#include "wskconf/conformance/status_matchers.h"
#include "wskconf/conformance/wsk_client.h"

namespace wskconf::conformance::checks::internal {

// Opened first in every helper: records the clause's properties and scopes
// gtest messages with the clause id.
// Destroyed last, after the case's sockets, buffers and session: MDLs still
// allocated then that were not allocated when the case began are a leak of
// the implementation (Leak.Mdl).
class CaseScope {
 public:
  explicit CaseScope(const CaseInfo& info);
  ~CaseScope();
  CaseScope(const CaseScope&) = delete;
  CaseScope& operator=(const CaseScope&) = delete;

 private:
  ::testing::ScopedTrace trace_;
  ULONG live_mdls_at_start_;
};

// The expectation as text: "STATUS_X (0x...)" or "a status of class C".
std::string ExpectedText(const CaseInfo& info,
                         StatusClass natural = StatusClass::kSuccess);

// Whether `actual` is what the clause expects (the exact status or the
// class; a clause without <expect> expects success of the helper's call);
// records expected/actual. Adds a failure naming `call` if not.
// `natural` is what the helper's call gives when the clause obeys and has
// no <expect> of its own (a pending IRP cancelled by close: failure).
bool ExpectClauseStatus(const CaseInfo& info, NTSTATUS actual,
                        std::string_view call,
                        StatusClass natural = StatusClass::kSuccess);

// Runs `body` at DISPATCH_LEVEL (KeRaiseIrql / KeLowerIrql).
template <typename Body>
void AtDispatch(Body&& body) {
  KIRQL old_irql;
  KeRaiseIrql(DISPATCH_LEVEL, &old_irql);
  body();
  KeLowerIrql(old_irql);
}

// Whether a provider to test is configured at all (WSKCONF_PROVIDER set, or
// a reference provider built in this tree).
bool ProviderConfigured();

// First statement of every helper: records the clause, and skips the case
// (with the reason) when there is no provider to test at all. A provider
// that is configured but broken fails instead.
#define WSKCONF_BEGIN_CASE(info)                                           \
  ::wskconf::conformance::checks::internal::CaseScope wskconf_case_scope_( \
      info);                                                               \
  if (!::wskconf::conformance::checks::internal::ProviderConfigured())     \
  GTEST_SKIP() << "no provider to test: set WSKCONF_PROVIDER to a WSK "    \
                  "provider .so (this build has no reference provider)"

// A session opened for the case; ASSERT-style callers check ok().
#define WSKCONF_OPEN_SESSION(session)          \
  ::wskconf::conformance::WskClientSession session; \
  ASSERT_TRUE(session.Open())

}  // namespace wskconf::conformance::checks::internal

#endif  // WSKCONF_CONFORMANCE_SRC_CHECKS_CHECK_SUPPORT_H_
