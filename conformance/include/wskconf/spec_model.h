// The typed model of the WSK spec (spec/*.xml, format in spec/README.md): what
// the loader builds and the lint, stats and generator read. Every element,
// clause and child keeps the file and line it came from.
#ifndef WSKCONF_SPEC_MODEL_H_
#define WSKCONF_SPEC_MODEL_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wskconf::conformance {

// Where something was written. `file` is the path shown in messages (relative
// to the working directory when below it); `line` is 1-based, 0 if unknown.
struct SourceLocation {
  std::string file;
  int line = 0;

  // "file:line", or "file" when the line is unknown.
  std::string ToString() const;
  friend auto operator<=>(const SourceLocation&, const SourceLocation&) = default;
};

// A located message: a lint finding or a structural problem of a file.
// Printed LLVM style, "spec/send.xml:123: duplicate id 'WskSend.IrpRequired'".
struct Diagnostic {
  SourceLocation location;
  std::string message;  // lowercase, no trailing period

  std::string ToString() const;
  friend auto operator<=>(const Diagnostic&, const Diagnostic&) = default;
};

// The element kinds of the spec, one per XML element name.
enum class ElementKind {
  kFunction,
  kCallback,
  kOption,
  kIoctl,
  kControlCode,
  kStructure,
  kDispatchTable,
  kFlag,
  kStatus,
  kTopic,
};

// The XML element name of a kind ("control-code").
std::string_view ElementKindName(ElementKind kind);

enum class Strength { kUnspecified, kMust, kShould, kMay };
enum class Side { kUnspecified, kProvider, kClient };

// "MUST", "SHOULD", "MAY" (empty for kUnspecified).
std::string_view StrengthName(Strength strength);
// "provider", "client" (empty for kUnspecified).
std::string_view SideName(Side side);

// <expect>: what a case checks. Exactly one of status / status_class is set in
// a lint-clean spec.
struct Expect {
  std::string status;        // "STATUS_PENDING", or empty
  std::string status_class;  // success | pending | failure | success-or-pending
  std::string information;   // what IoStatus.Information must hold, or empty
  std::string completes;     // "true" | "false" | empty
  std::string text;
  SourceLocation location;
};

// <reading>: one page's version of a contradicted fact.
struct Reading {
  std::vector<std::string> sources;
  bool taken = false;
  std::string text;
  SourceLocation location;
};

// <conflict>: pages that contradict each other; exactly one reading is taken.
struct Conflict {
  std::string text;
  std::vector<Reading> readings;
  SourceLocation location;
};

// <clause>: one testable statement.
struct Clause {
  std::string id;
  Strength strength = Strength::kUnspecified;
  bool has_strength = false;  // the attribute was written (maybe invalid)
  Side side = Side::kUnspecified;
  bool has_side = false;
  std::vector<std::string> sources;
  std::string reason;
  std::vector<std::string> refs;
  std::string checked_by;  // "verifier" | "case" | "untestable" | empty
  std::string untestable_reason;  // why nothing can check it at run time
  std::vector<std::string> rules;  // rule=: verifier rules checking it
  std::string text;
  bool has_text = false;
  std::vector<Expect> expects;
  std::vector<Conflict> conflicts;
  std::string element_id;  // the enclosing element or topic
  SourceLocation location;
};

struct Param {
  std::string name;
  std::string dir;  // in | out | inout
  std::string type;
  bool optional = false;
  std::vector<std::string> flags;
  SourceLocation location;
};

// <returns>: a documented result. Exactly one of status / status_class is set
// in a lint-clean spec.
struct Returns {
  std::string status;
  std::string status_class;
  std::string text;
  SourceLocation location;
};

// <member> of a dispatch table; `ref` names a function or callback id.
struct Member {
  std::string name;
  std::string ref;
  SourceLocation location;
};

// <field> of a structure.
struct Field {
  std::string name;
  std::string type;
  std::string offset;
  std::string size;
  SourceLocation location;
};

// <set> or <get> of a socket option.
struct OptionDirection {
  bool present = false;
  // The case this direction describes when its rules differ by case, such as
  // "enable" / "disable" for SO_WSK_EVENT_CALLBACK; empty when there is one.
  std::string when;
  std::string irp;        // required | optional | none | empty
  std::string irql;
  std::string input;
  std::string output;
  std::string supported;  // "true" | "false" | empty
  std::vector<Returns> returns;
  std::string information;
  SourceLocation location;
};

// One element: function, callback, option, ... Only the children its kind
// allows are filled. `attributes` holds every XML attribute as written, so a
// generator can read kind-specific ones (irql, irp, categories, value, ...).
struct Element {
  ElementKind kind = ElementKind::kTopic;
  std::string id;
  std::string name;
  std::vector<std::string> sources;
  std::map<std::string, std::string, std::less<>> attributes;

  std::vector<Param> params;
  std::vector<Returns> returns;
  std::string information;
  std::vector<Member> members;
  std::vector<Field> fields;
  OptionDirection set;                     // option: the first (or only) <set>
  OptionDirection get;                     // option: the first (or only) <get>
  std::vector<OptionDirection> set_cases;  // option: every <set>, in order
  std::vector<OptionDirection> get_cases;  // option: every <get>, in order
  std::vector<std::string> used_by;  // flag
  std::string event;                 // callback: the WSK_EVENT_* flag id
  std::string table;                 // callback: the dispatch-table id

  std::vector<Clause> clauses;
  std::vector<Conflict> conflicts;  // element-level conflicts
  SourceLocation location;

  // The attribute's value, or empty when it is absent.
  std::string_view Attribute(std::string_view name) const;
};

// One spec/*.xml file.
struct SpecFile {
  std::string path;  // as shown in messages
  std::string part;
  std::vector<Element> elements;
  // Structure the loader could not use (unknown element, invalid attribute
  // value): reported by the lint, does not stop loading.
  std::vector<Diagnostic> problems;
};

// The whole spec: the files of one folder, sorted by file name.
struct Spec {
  std::vector<SpecFile> files;
};

}  // namespace wskconf::conformance

#endif  // WSKCONF_SPEC_MODEL_H_
