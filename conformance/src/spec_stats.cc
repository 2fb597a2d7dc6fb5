// `wskconf spec stats`: counts of the spec's elements and clauses, as JSON or
// a small table. Output is deterministic: fixed key order, files sorted.
#include <fmt/format.h>

#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

constexpr ElementKind kAllKinds[] = {
    ElementKind::kFunction,      ElementKind::kCallback,
    ElementKind::kOption,        ElementKind::kIoctl,
    ElementKind::kControlCode,   ElementKind::kStructure,
    ElementKind::kDispatchTable, ElementKind::kFlag,
    ElementKind::kStatus,        ElementKind::kTopic,
};

// The JSON key of a kind: plural, snake_case.
std::string_view JsonKey(ElementKind kind) {
  switch (kind) {
    case ElementKind::kFunction: return "functions";
    case ElementKind::kCallback: return "callbacks";
    case ElementKind::kOption: return "options";
    case ElementKind::kIoctl: return "ioctls";
    case ElementKind::kControlCode: return "control_codes";
    case ElementKind::kStructure: return "structures";
    case ElementKind::kDispatchTable: return "dispatch_tables";
    case ElementKind::kFlag: return "flags";
    case ElementKind::kStatus: return "statuses";
    case ElementKind::kTopic: return "topics";
  }
  return "unknown";
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string FileName(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path
                                                     : path.substr(slash + 1));
}

}  // namespace

SpecStats ComputeStats(const Spec& spec) {
  SpecStats stats;
  for (ElementKind kind : kAllKinds) stats.elements_by_kind[kind] = 0;
  for (std::string_view s : {"MUST", "SHOULD", "MAY"}) {
    stats.clauses_by_strength[std::string(s)] = 0;
  }
  for (std::string_view s : {"provider", "client"}) {
    stats.clauses_by_side[std::string(s)] = 0;
  }
  for (const SpecFile& file : spec.files) {
    FileStats& per_file = stats.files[FileName(file.path)];
    for (const Element& element : file.elements) {
      ++stats.elements_by_kind[element.kind];
      ++stats.elements;
      ++per_file.elements;
      for (const Clause& clause : element.clauses) {
        ++stats.clauses;
        ++per_file.clauses;
        if (clause.strength != Strength::kUnspecified) {
          ++stats.clauses_by_strength[std::string(StrengthName(clause.strength))];
        }
        if (clause.side != Side::kUnspecified) {
          ++stats.clauses_by_side[std::string(SideName(clause.side))];
        }
      }
    }
  }
  return stats;
}

std::string StatsToJson(const SpecStats& stats) {
  std::string out = "{\n";
  for (ElementKind kind : kAllKinds) {
    out += fmt::format("  \"{}\": {},\n", JsonKey(kind),
                       stats.elements_by_kind.at(kind));
  }
  out += fmt::format("  \"elements\": {},\n", stats.elements);
  out += fmt::format("  \"clauses\": {},\n", stats.clauses);
  out += fmt::format(
      "  \"clauses_by_strength\": {{\"MUST\": {}, \"SHOULD\": {}, \"MAY\": "
      "{}}},\n",
      stats.clauses_by_strength.at("MUST"), stats.clauses_by_strength.at("SHOULD"),
      stats.clauses_by_strength.at("MAY"));
  out += fmt::format(
      "  \"clauses_by_side\": {{\"provider\": {}, \"client\": {}}},\n",
      stats.clauses_by_side.at("provider"), stats.clauses_by_side.at("client"));
  out += "  \"files\": {";
  bool first = true;
  for (const auto& [name, file] : stats.files) {
    out += fmt::format("{}\n    {}: {{\"elements\": {}, \"clauses\": {}}}",
                       first ? "" : ",", JsonString(name), file.elements,
                       file.clauses);
    first = false;
  }
  out += first ? "}\n}\n" : "\n  }\n}\n";
  return out;
}

std::string StatsToText(const SpecStats& stats) {
  std::string out;
  for (ElementKind kind : kAllKinds) {
    out += fmt::format("{:<16} {:>5}\n", JsonKey(kind),
                       stats.elements_by_kind.at(kind));
  }
  out += fmt::format("{:<16} {:>5}\n", "elements", stats.elements);
  out += fmt::format("{:<16} {:>5}  (MUST {}, SHOULD {}, MAY {}; provider {}, "
                     "client {})\n",
                     "clauses", stats.clauses,
                     stats.clauses_by_strength.at("MUST"),
                     stats.clauses_by_strength.at("SHOULD"),
                     stats.clauses_by_strength.at("MAY"),
                     stats.clauses_by_side.at("provider"),
                     stats.clauses_by_side.at("client"));
  out += "per file (elements, clauses):\n";
  for (const auto& [name, file] : stats.files) {
    out += fmt::format("  {:<24} {:>5} {:>5}\n", name, file.elements,
                       file.clauses);
  }
  return out;
}

}  // namespace wskconf::conformance
