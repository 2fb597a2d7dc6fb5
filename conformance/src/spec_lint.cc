// `wskconf spec lint`: the checks an XSD cannot make (spec/README.md lists
// them). Each finding names the file and line of what is wrong.
#include <algorithm>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "wskconf/spec.h"
#include "wskconf/verifier_rules.h"

namespace wskconf::conformance {
namespace {

// What an id names, for references and duplicate reports.
struct Definition {
  const Element* element = nullptr;  // null for a clause
  const Clause* clause = nullptr;
  SourceLocation location;
};

std::string Describe(const Element& element) {
  return fmt::format("<{}> '{}'", ElementKindName(element.kind), element.id);
}

class Linter {
 public:
  Linter(const Spec& spec, const LintOptions& options)
      : spec_(spec), options_(options) {}

  std::vector<Diagnostic> Run() {
    for (const SpecFile& file : spec_.files) {
      findings_.insert(findings_.end(), file.problems.begin(),
                       file.problems.end());
    }
    IndexIds();
    for (const SpecFile& file : spec_.files) {
      for (const Element& element : file.elements) CheckElement(element);
    }
    CheckVerifierRules();
    std::sort(findings_.begin(), findings_.end());
    findings_.erase(std::unique(findings_.begin(), findings_.end()),
                    findings_.end());
    return std::move(findings_);
  }

 private:
  void Add(const SourceLocation& location, std::string message) {
    findings_.push_back(Diagnostic{location, std::move(message)});
  }

  void Define(const std::string& id, Definition definition) {
    if (id.empty()) return;
    const auto [it, inserted] = ids_.emplace(id, definition);
    if (!inserted) {
      Add(definition.location,
          fmt::format("duplicate id '{}' (first defined at {})", id,
                      it->second.location.ToString()));
    }
  }

  void IndexIds() {
    for (const SpecFile& file : spec_.files) {
      for (const Element& element : file.elements) {
        Define(element.id, Definition{&element, nullptr, element.location});
        if (element.kind == ElementKind::kStatus && !element.id.empty()) {
          statuses_.insert(element.id);
        }
        for (const Clause& clause : element.clauses) {
          Define(clause.id, Definition{nullptr, &clause, clause.location});
        }
      }
    }
  }

  // Checks that `id` names something; when `kinds` is not empty, an element
  // of one of those kinds.
  void CheckRef(const std::string& id, const SourceLocation& location,
                std::string_view where,
                std::initializer_list<ElementKind> kinds = {}) {
    const auto it = ids_.find(id);
    if (it == ids_.end()) {
      Add(location, fmt::format("dangling reference '{}' in {}", id, where));
      return;
    }
    if (kinds.size() == 0) return;
    const Element* target = it->second.element;
    if (target != nullptr &&
        std::find(kinds.begin(), kinds.end(), target->kind) != kinds.end()) {
      return;
    }
    std::string expected;
    for (ElementKind kind : kinds) {
      expected += expected.empty() ? "" : " or ";
      expected += fmt::format("<{}>", ElementKindName(kind));
    }
    Add(location, fmt::format("'{}' in {} is {}, expected {}", id, where,
                              target == nullptr ? std::string("a clause")
                                                : "a " + Describe(*target),
                              expected));
  }

  void CheckSources(const std::vector<std::string>& sources,
                    const SourceLocation& location, std::string_view what) {
    for (const std::string& source : sources) {
      const std::string page = source.substr(0, source.find('#'));
      const std::filesystem::path path(page);
      bool inside = !page.empty() && path.is_relative();
      for (const auto& part : path) inside = inside && part != "..";
      if (!inside) {
        Add(location, fmt::format("source '{}' of {} must be a page path "
                                  "inside the docs folder", source, what));
        continue;
      }
      auto [it, inserted] = page_exists_.emplace(page, false);
      if (inserted) {
        std::error_code ec;
        it->second =
            std::filesystem::is_regular_file(options_.docs_root / path, ec);
      }
      if (!it->second) {
        Add(location, fmt::format("source page '{}' of {} does not exist",
                                  page, what));
      }
    }
  }

  void CheckStatus(const std::string& status, const std::string& status_class,
                   const SourceLocation& location, std::string_view what) {
    if (status.empty() == status_class.empty()) {
      Add(location, fmt::format("{} needs exactly one of status and "
                                "status-class", what));
    }
    if (!status.empty() && !statuses_.contains(status)) {
      Add(location, fmt::format("unknown status '{}' in {}", status, what));
    }
  }

  void CheckConflict(const Conflict& conflict, std::string_view owner) {
    const auto taken = std::count_if(
        conflict.readings.begin(), conflict.readings.end(),
        [](const Reading& r) { return r.taken; });
    if (taken != 1) {
      Add(conflict.location,
          fmt::format("conflict in {} has {} taken readings; exactly one "
                      "must be taken", owner, taken));
    }
    if (conflict.readings.size() < 2) {
      Add(conflict.location,
          fmt::format("conflict in {} has {} reading(s); it needs at least 2",
                      owner, conflict.readings.size()));
    }
    for (const Reading& reading : conflict.readings) {
      if (reading.sources.empty()) {
        Add(reading.location,
            fmt::format("reading of a conflict in {} has no source", owner));
      }
      CheckSources(reading.sources, reading.location, "a reading");
    }
  }

  void CheckElement(const Element& element) {
    const std::string what = Describe(element);
    CheckSources(element.sources, element.location, what);
    if (element.clauses.empty() && !element.id.empty() &&
        element.kind != ElementKind::kStatus) {
      Add(element.location, fmt::format("{} has no clause", what));
    }
    for (const Returns& r : element.returns) {
      CheckStatus(r.status, r.status_class, r.location,
                  fmt::format("<returns> of {}", what));
    }
    for (const auto* cases : {&element.set_cases, &element.get_cases}) {
      for (const OptionDirection& d : *cases) {
        for (const Returns& r : d.returns) {
          CheckStatus(r.status, r.status_class, r.location,
                      fmt::format("<returns> of {}", what));
        }
      }
    }
    // The issue behind the format: every call that takes an IRP says what
    // IoStatus.Information carries (or that the docs do not say).
    const bool takes_irp = element.kind == ElementKind::kFunction ||
                           element.kind == ElementKind::kIoctl ||
                           element.kind == ElementKind::kControlCode;
    const std::string_view irp = element.Attribute("irp");
    auto uses_irp = [](std::string_view rule) {
      return rule == "required" || rule == "optional";
    };
    if (takes_irp && uses_irp(irp) && element.information.empty()) {
      Add(element.location,
          fmt::format("{} takes an IRP (irp=\"{}\") but has no <information>",
                      what, irp));
    }
    for (const auto* cases : {&element.set_cases, &element.get_cases}) {
      for (const OptionDirection& d : *cases) {
        if (uses_irp(d.irp) && d.information.empty()) {
          Add(d.location, fmt::format("a direction of {} takes an IRP "
                                      "(irp=\"{}\") but has no <information>",
                                      what, d.irp));
        }
      }
    }
    // A parameter's flags= names the values it takes: flags, or the codes
    // of WskControlClient / WskControlSocket.
    for (const Param& param : element.params) {
      for (const std::string& flag : param.flags) {
        CheckRef(flag, param.location,
                 fmt::format("flags of <param> '{}' of {}", param.name, what),
                 {ElementKind::kFlag, ElementKind::kControlCode,
                  ElementKind::kOption, ElementKind::kIoctl});
      }
    }
    for (const Member& member : element.members) {
      if (!member.ref.empty()) {
        CheckRef(member.ref, member.location,
                 fmt::format("<member ref> of {}", what),
                 {ElementKind::kFunction, ElementKind::kCallback});
      }
    }
    for (const std::string& id : element.used_by) {
      CheckRef(id, element.location, fmt::format("used-by of {}", what));
    }
    if (!element.event.empty()) {
      CheckRef(element.event, element.location,
               fmt::format("event of {}", what), {ElementKind::kFlag});
    }
    if (!element.table.empty()) {
      CheckRef(element.table, element.location,
               fmt::format("table of {}", what), {ElementKind::kDispatchTable});
    }
    for (const Conflict& conflict : element.conflicts) {
      CheckConflict(conflict, what);
    }
    for (const Clause& clause : element.clauses) CheckClause(clause);
  }

  void CheckClause(const Clause& clause) {
    const std::string what = fmt::format("clause '{}'", clause.id);
    const SourceLocation& at = clause.location;
    if (clause.sources.empty()) Add(at, what + " has no source");
    if (!clause.has_strength) Add(at, what + " has no strength");
    if (!clause.has_side) Add(at, what + " has no side");
    if (!clause.has_text) {
      Add(at, what + " has no <text>");
    } else if (clause.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      Add(at, what + " has an empty <text>: say what the clause requires");
    }
    if (!clause.id.empty() && !clause.element_id.empty() &&
        !clause.id.starts_with(clause.element_id + ".")) {
      Add(at, fmt::format("{} must start with its element's id '{}.'", what,
                          clause.element_id));
    }
    if (clause.strength == Strength::kShould && clause.reason.empty()) {
      Add(at, fmt::format("SHOULD {} has no reason", what));
    }
    CheckSources(clause.sources, at, what);
    for (const std::string& ref : clause.refs) {
      CheckRef(ref, at, fmt::format("refs of {}", what));
    }
    for (const Expect& expect : clause.expects) {
      CheckStatus(expect.status, expect.status_class, expect.location,
                  fmt::format("<expect> of {}", what));
    }
    for (const Conflict& conflict : clause.conflicts) {
      CheckConflict(conflict, what);
    }
    CheckMarking(clause, what);
    CheckCaseCoverage(clause, what);
    if (clause.checked_by == "verifier" && clause.rules.empty() &&
        !IsRule(clause.id)) {
      Add(at, fmt::format("{} has checked-by=\"verifier\" but no verifier rule "
                          "has that id (a runtime rule no code checks)", what));
    }
  }

  bool IsRule(const std::string& id) const {
    return std::find(options_.verifier_rules.begin(),
                     options_.verifier_rules.end(),
                     id) != options_.verifier_rules.end();
  }

  // checked-by="untestable" and its untestable-reason come together; rule=
  // names existing rules of a verifier-checked clause; a client clause is
  // checked by the verifier or explained as untestable.
  void CheckMarking(const Clause& clause, const std::string& what) {
    const SourceLocation& at = clause.location;
    for (const std::string& rule : clause.rules) {
      if (!IsRule(rule)) {
        Add(at, fmt::format("{} names '{}' in rule=, which is not a verifier "
                            "rule", what, rule));
      }
    }
    if (!clause.rules.empty() && clause.checked_by != "verifier") {
      Add(at, fmt::format("{} has rule= but is not checked-by=\"verifier\"",
                          what));
    }
    if (options_.require_client_marking && clause.side == Side::kClient &&
        clause.checked_by != "verifier" && clause.checked_by != "untestable") {
      Add(at, fmt::format("client {} is neither checked by the verifier "
                          "(checked-by=\"verifier\") nor marked "
                          "checked-by=\"untestable\" with a reason", what));
    }
    const bool untestable = clause.checked_by == "untestable";
    if (untestable && clause.untestable_reason.empty()) {
      Add(at, fmt::format("{} is checked-by=\"untestable\" but has no "
                          "untestable-reason", what));
    }
    if (!untestable && !clause.untestable_reason.empty()) {
      Add(at, fmt::format("{} has an untestable-reason but is not "
                          "checked-by=\"untestable\"", what));
    }
  }

  // Against the clauses wskgen's recipes cover (when the caller gave them).
  void CheckCaseCoverage(const Clause& clause, const std::string& what) {
    if (options_.case_covered == nullptr) return;
    const bool covered = options_.case_covered->count(clause.id) != 0;
    const SourceLocation& at = clause.location;
    if (clause.checked_by == "case" && !covered) {
      Add(at, fmt::format("{} has checked-by=\"case\" but no generated case "
                          "checks it", what));
    }
    if (clause.side != Side::kProvider) return;
    if (covered && clause.checked_by == "untestable") {
      Add(at, fmt::format("{} is checked-by=\"untestable\" but generated "
                          "cases check it", what));
    }
    if (options_.require_case_coverage && !covered &&
        clause.checked_by != "untestable") {
      Add(at, fmt::format("provider {} is checked by no generated case and "
                          "not marked checked-by=\"untestable\"", what));
    }
  }

  void CheckVerifierRules() {
    for (const std::string& rule : options_.verifier_rules) {
      const auto it = ids_.find(rule);
      if (it == ids_.end() || it->second.clause == nullptr) {
        Add(SourceLocation{options_.verifier_rules_file, 0},
            fmt::format("verifier rule '{}' has no client-side clause in the "
                        "spec", rule));
        continue;
      }
      const Clause& clause = *it->second.clause;
      if (clause.side != Side::kClient) {
        Add(clause.location,
            fmt::format("clause '{}' is a verifier rule and must have "
                        "side=\"client\"", rule));
      }
      if (clause.checked_by != "verifier") {
        Add(clause.location,
            fmt::format("clause '{}' is a verifier rule and must have "
                        "checked-by=\"verifier\"", rule));
      }
    }
  }

  const Spec& spec_;
  const LintOptions& options_;
  std::unordered_map<std::string, Definition> ids_;
  std::set<std::string, std::less<>> statuses_;
  std::unordered_map<std::string, bool> page_exists_;
  std::vector<Diagnostic> findings_;
};

}  // namespace

std::vector<std::string> VerifierRuleIds() {
  std::vector<std::string> ids;
#define WSKCONF_RULE_ID(name, id, summary) ids.emplace_back(id);
  WSKCONF_VERIFIER_RULES(WSKCONF_RULE_ID)
#undef WSKCONF_RULE_ID
  return ids;
}

std::vector<Diagnostic> LintSpec(const Spec& spec, const LintOptions& options) {
  return Linter(spec, options).Run();
}

}  // namespace wskconf::conformance
