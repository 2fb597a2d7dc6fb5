// The conformance statement (the PICS idea of ISO 9646): which optional
// features an implementation supports. An optional feature is a spec element
// whose `availability` is later than Windows Vista, the first WSK version; an
// element without one (or with "Windows Vista") is mandatory. Format, one
// declaration per line ('#' starts a comment):
//
//   WskGetAddressInfo = unsupported: this port has no resolver
//   WskConnectEx = supported
#ifndef WSKCONF_CONFORMANCE_RUNNER_STATEMENT_H_
#define WSKCONF_CONFORMANCE_RUNNER_STATEMENT_H_

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wskconf/reports/result.h"
#include "wskconf/spec_model.h"
#include "wskconf/status.h"

namespace wskconf::conformance::internal {

struct FeatureDeclaration {
  bool supported = false;
  std::string reason;  // why not, when unsupported
  int line = 0;
};

struct Statement {
  std::string path;  // as shown in messages
  std::map<std::string, FeatureDeclaration> features;  // by element id
};

// Whether the element is an optional feature, and since when it exists.
std::optional<std::string> OptionalSince(const Element& element);

// Parses and checks a statement against the spec. kInvalidArgument, with
// "file:line: ..." messages (every problem, one per line), for bad syntax, an
// id that is not an element of the spec, a mandatory element declared
// unsupported, an unsupported feature without a reason, or a duplicate.
StatusOr<Statement> ParseStatement(const std::string& text,
                                   const std::string& display_path,
                                   const Spec& spec);
StatusOr<Statement> LoadStatement(const std::filesystem::path& path,
                                  const Spec& spec);

// The declaration that makes a case of `family` not applicable, if any.
const FeatureDeclaration* UnsupportedFeature(const Statement& statement,
                                             const std::string& family);

// One line per feature the statement claims supported whose cases failed or
// errored, naming the feature and the cases; also notes the claim in those
// cases' messages.
std::vector<std::string> CheckClaims(const Statement& statement,
                                     std::vector<reports::CaseResult>& cases);

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_STATEMENT_H_
