// Shared steps of the `wskconf spec` commands: load the spec or the docs
// root, reporting a failure to `err` as the commands do.
#ifndef WSKCONF_CONFORMANCE_INTERNAL_COMMANDS_H_
#define WSKCONF_CONFORMANCE_INTERNAL_COMMANDS_H_

#include <filesystem>
#include <optional>
#include <ostream>

#include "wskconf/spec.h"

namespace wskconf::conformance::internal {

// The loaded spec, or nullopt after writing why it cannot be loaded.
std::optional<Spec> LoadSpecOrReport(const std::filesystem::path& spec_dir,
                                     std::ostream& err);

// The documentation root (see ResolveDocsRoot), or nullopt after writing why.
std::optional<std::filesystem::path> DocsRootOrReport(
    const std::optional<std::filesystem::path>& flag,
    const std::filesystem::path& spec_dir, std::ostream& err);

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_INTERNAL_COMMANDS_H_
