// Model building from tinyxml2 elements; see element_reader.h. Only the
// children each element kind allows (spec/spec.xsd) are read.
#include "internal/element_reader.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace wskconf::conformance::internal {
namespace {

struct KindInfo {
  std::string_view xml_name;
  ElementKind kind;
  // Children besides <clause> and <conflict> (which every kind but status
  // takes; status takes only <clause>).
  std::initializer_list<std::string_view> children;
};

const std::array<KindInfo, 10>& Kinds() {
  static const std::array<KindInfo, 10> kinds = {{
      {"function", ElementKind::kFunction, {"param", "returns", "information"}},
      {"callback", ElementKind::kCallback, {"param", "returns", "information"}},
      {"option", ElementKind::kOption, {"set", "get"}},
      {"ioctl", ElementKind::kIoctl, {"param", "returns", "information"}},
      {"control-code", ElementKind::kControlCode,
       {"param", "returns", "information"}},
      {"structure", ElementKind::kStructure, {"field"}},
      {"dispatch-table", ElementKind::kDispatchTable, {"member"}},
      {"flag", ElementKind::kFlag, {}},
      {"status", ElementKind::kStatus, {}},
      {"topic", ElementKind::kTopic, {}},
  }};
  return kinds;
}

const KindInfo* FindKind(std::string_view xml_name) {
  for (const KindInfo& info : Kinds()) {
    if (info.xml_name == xml_name) return &info;
  }
  return nullptr;
}

const KindInfo& InfoOf(ElementKind kind) {
  for (const KindInfo& info : Kinds()) {
    if (info.kind == kind) return info;
  }
  return Kinds()[0];  // unreachable: every kind is listed
}

std::string Describe(const Element& element) {
  return fmt::format("<{}> '{}'", ElementKindName(element.kind), element.id);
}

}  // namespace

std::string TextOf(const tinyxml2::XMLElement& xml) {
  const char* text = xml.GetText();
  return text == nullptr ? std::string() : std::string(text);
}

std::string AttrOf(const tinyxml2::XMLElement& xml, const char* name) {
  const char* value = xml.Attribute(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  };
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !is_space(text[j])) ++j;
    if (j > i) words.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return words;
}

SourceLocation ElementReader::Loc(const tinyxml2::XMLElement& xml) const {
  return SourceLocation{path_, xml.GetLineNum()};
}

void ElementReader::Problem(const tinyxml2::XMLElement& xml,
                            std::string message) {
  problems_->push_back(Diagnostic{Loc(xml), std::move(message)});
}

std::string ElementReader::EnumAttr(
    const tinyxml2::XMLElement& xml, const char* name,
    std::initializer_list<std::string_view> allowed) {
  const char* value = xml.Attribute(name);
  if (value == nullptr) return {};
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
    return value;
  }
  std::string list;
  for (std::string_view a : allowed) {
    list += list.empty() ? "" : ", ";
    list += a;
  }
  Problem(xml, fmt::format("invalid {}='{}' on <{}>; expected one of: {}",
                           name, value, xml.Name(), list));
  return {};
}

std::optional<Element> ElementReader::ReadElement(
    const tinyxml2::XMLElement& xml) {
  const KindInfo* info = FindKind(xml.Name());
  if (info == nullptr) {
    Problem(xml, fmt::format("unknown element <{}> in <spec>", xml.Name()));
    return std::nullopt;
  }
  Element element;
  element.kind = info->kind;
  element.location = Loc(xml);
  for (const tinyxml2::XMLAttribute* a = xml.FirstAttribute(); a != nullptr;
       a = a->Next()) {
    element.attributes.emplace(a->Name(), a->Value());
  }
  element.id = AttrOf(xml, "id");
  element.name = AttrOf(xml, "name");
  element.sources = SplitWords(AttrOf(xml, "source"));
  element.used_by = SplitWords(AttrOf(xml, "used-by"));
  element.event = AttrOf(xml, "event");
  element.table = AttrOf(xml, "table");
  if (element.id.empty()) {
    Problem(xml, fmt::format("<{}> has no id", xml.Name()));
  } else if (info->kind != ElementKind::kTopic) {
    if (element.name.empty()) {
      Problem(xml, fmt::format("{} has no name", Describe(element)));
    }
    if (element.sources.empty()) {
      Problem(xml, fmt::format("{} has no source", Describe(element)));
    }
  }
  EnumAttr(xml, "irp", {"required", "optional", "none"});
  if (info->kind == ElementKind::kFunction) {
    EnumAttr(xml, "level", {"registration", "client", "socket"});
  }
  for (const tinyxml2::XMLElement* child = xml.FirstChildElement();
       child != nullptr; child = child->NextSiblingElement()) {
    ReadChild(*child, element);
  }
  return element;
}

void ElementReader::ReadChild(const tinyxml2::XMLElement& child,
                              Element& element) {
  const std::string_view name = child.Name();
  const KindInfo& info = InfoOf(element.kind);
  const bool allowed =
      name == "clause" ||
      (name == "conflict" && element.kind != ElementKind::kStatus) ||
      std::find(info.children.begin(), info.children.end(), name) !=
          info.children.end();
  if (!allowed) {
    Problem(child, fmt::format("unknown element <{}> in {}", name,
                               Describe(element)));
  } else if (name == "clause") {
    element.clauses.push_back(ReadClause(child, element));
  } else if (name == "conflict") {
    element.conflicts.push_back(ReadConflict(child));
  } else if (name == "param") {
    element.params.push_back(ReadParam(child));
  } else if (name == "returns") {
    element.returns.push_back(ReadReturns(child));
  } else if (name == "information") {
    element.information = TextOf(child);
  } else if (name == "member") {
    element.members.push_back(
        Member{AttrOf(child, "name"), AttrOf(child, "ref"), Loc(child)});
  } else if (name == "field") {
    element.fields.push_back(Field{AttrOf(child, "name"), AttrOf(child, "type"),
                                   AttrOf(child, "offset"),
                                   AttrOf(child, "size"), Loc(child)});
  } else if (name == "set" || name == "get") {
    ReadDirectionCase(child, element);
  }
}

void ElementReader::CheckAttributes(const tinyxml2::XMLElement& xml,
                                    std::initializer_list<std::string_view> known) {
  for (const tinyxml2::XMLAttribute* a = xml.FirstAttribute(); a != nullptr; a = a->Next()) {
    if (std::find(known.begin(), known.end(), std::string_view(a->Name())) == known.end()) {
      const char* id = xml.Attribute("id");
      Problem(xml, fmt::format("unknown attribute '{}' on <{}>{}", a->Name(), xml.Name(),
                               id != nullptr ? fmt::format(" '{}'", id) : std::string()));
    }
  }
}

Clause ElementReader::ReadClause(const tinyxml2::XMLElement& xml,
                                 const Element& owner) {
  CheckAttributes(xml, {"id", "strength", "side", "source", "reason", "refs", "checked-by",
                        "untestable-reason", "rule"});
  Clause clause;
  clause.location = Loc(xml);
  clause.element_id = owner.id;
  clause.id = AttrOf(xml, "id");
  if (clause.id.empty()) {
    Problem(xml, fmt::format("<clause> in {} has no id", Describe(owner)));
  }
  clause.has_strength = xml.Attribute("strength") != nullptr;
  const std::string strength = EnumAttr(xml, "strength", {"MUST", "SHOULD", "MAY"});
  clause.strength = strength == "MUST"     ? Strength::kMust
                    : strength == "SHOULD" ? Strength::kShould
                    : strength == "MAY"    ? Strength::kMay
                                           : Strength::kUnspecified;
  clause.has_side = xml.Attribute("side") != nullptr;
  const std::string side = EnumAttr(xml, "side", {"provider", "client"});
  clause.side = side == "provider" ? Side::kProvider
                : side == "client" ? Side::kClient
                                   : Side::kUnspecified;
  clause.sources = SplitWords(AttrOf(xml, "source"));
  clause.reason = AttrOf(xml, "reason");
  clause.refs = SplitWords(AttrOf(xml, "refs"));
  clause.checked_by =
      EnumAttr(xml, "checked-by", {"verifier", "case", "untestable"});
  clause.untestable_reason = AttrOf(xml, "untestable-reason");
  clause.rules = SplitWords(AttrOf(xml, "rule"));
  for (const tinyxml2::XMLElement* child = xml.FirstChildElement();
       child != nullptr; child = child->NextSiblingElement()) {
    const std::string_view name = child->Name();
    if (name == "text") {
      if (clause.has_text) {
        // The second would silently replace the first.
        Problem(*child, fmt::format("clause '{}' has a second <text>; one <text> says what "
                                    "the clause requires", clause.id));
      }
      clause.has_text = true;
      clause.text = TextOf(*child);
    } else if (name == "expect") {
      clause.expects.push_back(ReadExpect(*child));
    } else if (name == "conflict") {
      clause.conflicts.push_back(ReadConflict(*child));
    } else {
      Problem(*child, fmt::format("unknown element <{}> in clause '{}'", name,
                                  clause.id));
    }
  }
  return clause;
}

Expect ElementReader::ReadExpect(const tinyxml2::XMLElement& xml) {
  CheckAttributes(xml, {"status", "status-class", "information", "completes"});
  Expect expect;
  expect.location = Loc(xml);
  expect.status = AttrOf(xml, "status");
  expect.status_class = EnumAttr(
      xml, "status-class", {"success", "pending", "failure", "success-or-pending"});
  expect.information = AttrOf(xml, "information");
  expect.completes = EnumAttr(xml, "completes", {"true", "false"});
  expect.text = TextOf(xml);
  return expect;
}

Conflict ElementReader::ReadConflict(const tinyxml2::XMLElement& xml) {
  Conflict conflict;
  conflict.location = Loc(xml);
  for (const tinyxml2::XMLElement* child = xml.FirstChildElement();
       child != nullptr; child = child->NextSiblingElement()) {
    const std::string_view name = child->Name();
    if (name == "text") {
      conflict.text = TextOf(*child);
    } else if (name == "reading") {
      CheckAttributes(*child, {"source", "taken"});
      Reading reading;
      reading.location = Loc(*child);
      reading.sources = SplitWords(AttrOf(*child, "source"));
      reading.taken = EnumAttr(*child, "taken", {"true", "false"}) == "true";
      reading.text = TextOf(*child);
      conflict.readings.push_back(std::move(reading));
    } else {
      Problem(*child, fmt::format("unknown element <{}> in <conflict>", name));
    }
  }
  return conflict;
}

Returns ElementReader::ReadReturns(const tinyxml2::XMLElement& xml) {
  CheckAttributes(xml, {"status", "status-class"});
  return Returns{AttrOf(xml, "status"),
                 EnumAttr(xml, "status-class",
                          {"success", "pending", "failure", "success-or-pending"}),
                 TextOf(xml), Loc(xml)};
}

Param ElementReader::ReadParam(const tinyxml2::XMLElement& xml) {
  CheckAttributes(xml, {"name", "dir", "type", "optional", "flags"});
  Param param;
  param.location = Loc(xml);
  param.name = AttrOf(xml, "name");
  param.dir = EnumAttr(xml, "dir", {"in", "out", "inout"});
  param.type = AttrOf(xml, "type");
  param.optional = EnumAttr(xml, "optional", {"true", "false"}) == "true";
  param.flags = SplitWords(AttrOf(xml, "flags"));
  return param;
}

// An option may describe a direction more than once only when each one names
// its case (`when`), and no case twice: SO_WSK_EVENT_CALLBACK's IRP rule
// differs between enabling and disabling.
void ElementReader::ReadDirectionCase(const tinyxml2::XMLElement& xml,
                                      Element& element) {
  const std::string_view name = xml.Name();
  std::vector<OptionDirection>& cases =
      name == "set" ? element.set_cases : element.get_cases;
  OptionDirection direction = ReadDirection(xml);
  if (!cases.empty()) {
    if (direction.when.empty() || cases.front().when.empty()) {
      Problem(xml, fmt::format("second <{}> in {} without distinct when=",
                               name, Describe(element)));
    }
    for (const OptionDirection& other : cases) {
      if (!direction.when.empty() && other.when == direction.when) {
        Problem(xml, fmt::format("second <{} when=\"{}\"> in {}", name,
                                 direction.when, Describe(element)));
      }
    }
  }
  cases.push_back(std::move(direction));
  (name == "set" ? element.set : element.get) = cases.front();
}

OptionDirection ElementReader::ReadDirection(const tinyxml2::XMLElement& xml) {
  CheckAttributes(xml, {"when", "irp", "irql", "input", "output", "supported"});
  OptionDirection direction;
  direction.present = true;
  direction.location = Loc(xml);
  direction.when = AttrOf(xml, "when");
  direction.irp = EnumAttr(xml, "irp", {"required", "optional", "none"});
  direction.irql = AttrOf(xml, "irql");
  direction.input = AttrOf(xml, "input");
  direction.output = AttrOf(xml, "output");
  direction.supported = EnumAttr(xml, "supported", {"true", "false"});
  for (const tinyxml2::XMLElement* child = xml.FirstChildElement();
       child != nullptr; child = child->NextSiblingElement()) {
    const std::string_view name = child->Name();
    if (name == "returns") {
      direction.returns.push_back(ReadReturns(*child));
    } else if (name == "information") {
      direction.information = TextOf(*child);
    } else {
      Problem(*child, fmt::format("unknown element <{}> in <{}>", name,
                                  xml.Name()));
    }
  }
  return direction;
}

}  // namespace wskconf::conformance::internal
