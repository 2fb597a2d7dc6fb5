// Small helpers of the spec model (spec_model.h).
#include "wskconf/spec_model.h"

#include <fmt/format.h>

namespace wskconf::conformance {

std::string SourceLocation::ToString() const {
  return line > 0 ? fmt::format("{}:{}", file, line) : file;
}

std::string Diagnostic::ToString() const {
  return fmt::format("{}: {}", location.ToString(), message);
}

std::string_view ElementKindName(ElementKind kind) {
  switch (kind) {
    case ElementKind::kFunction: return "function";
    case ElementKind::kCallback: return "callback";
    case ElementKind::kOption: return "option";
    case ElementKind::kIoctl: return "ioctl";
    case ElementKind::kControlCode: return "control-code";
    case ElementKind::kStructure: return "structure";
    case ElementKind::kDispatchTable: return "dispatch-table";
    case ElementKind::kFlag: return "flag";
    case ElementKind::kStatus: return "status";
    case ElementKind::kTopic: return "topic";
  }
  return "unknown";
}

std::string_view StrengthName(Strength strength) {
  switch (strength) {
    case Strength::kMust: return "MUST";
    case Strength::kShould: return "SHOULD";
    case Strength::kMay: return "MAY";
    case Strength::kUnspecified: break;
  }
  return "";
}

std::string_view SideName(Side side) {
  switch (side) {
    case Side::kProvider: return "provider";
    case Side::kClient: return "client";
    case Side::kUnspecified: break;
  }
  return "";
}

std::string_view Element::Attribute(std::string_view name) const {
  const auto it = attributes.find(name);
  return it == attributes.end() ? std::string_view() : it->second;
}

}  // namespace wskconf::conformance
