// Checks on a spec file's raw bytes before tinyxml2 sees them: size, UTF-8,
// characters XML forbids, and DOCTYPE/entity declarations (which tinyxml2
// would not expand, but which have no place in the spec and hide tricks).
#ifndef WSKCONF_CONFORMANCE_INTERNAL_INPUT_GUARD_H_
#define WSKCONF_CONFORMANCE_INTERNAL_INPUT_GUARD_H_

#include <string_view>

#include "wskconf/status.h"

namespace wskconf::conformance::internal {

// Ok when `bytes` may be handed to the XML parser; otherwise an error whose
// message is "<display_path>:<line>: <what>".
Status CheckSpecBytes(std::string_view bytes, std::string_view display_path);

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_INTERNAL_INPUT_GUARD_H_
