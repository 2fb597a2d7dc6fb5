// What conformance/ offers for the WSK spec: load spec/*.xml into the typed
// model (spec_model.h), lint it, count it, and the `wskconf spec` commands.
// Tooling only: errors are Status values with located, lowercase messages.
#ifndef WSKCONF_SPEC_H_
#define WSKCONF_SPEC_H_

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "wskconf/spec_model.h"
#include "wskconf/status.h"

namespace wskconf::conformance {

// Files larger than this are refused before parsing.
inline constexpr std::size_t kMaxSpecFileBytes = 8 * 1024 * 1024;

// Parses one spec file from memory; `display_path` names it in messages.
// Refuses (kInvalidArgument, message "file:line: ...") input that is empty,
// not UTF-8, contains characters XML forbids, declares a DOCTYPE or entities,
// is not well-formed (including nesting deeper than tinyxml2's limit), or whose
// root is not <spec>; kResourceExhausted above kMaxSpecFileBytes. Structure
// it can skip (unknown elements, invalid attribute values) goes to
// SpecFile::problems instead.
StatusOr<SpecFile> ParseSpecFile(std::string_view bytes,
                                 std::string_view display_path);

// Reads and parses one file. kNotFound if it does not exist, kInvalidArgument
// if it is not a regular file or cannot be read, else as ParseSpecFile.
StatusOr<SpecFile> LoadSpecFile(const std::filesystem::path& path,
                                std::string_view display_path);

// Loads every *.xml directly in `dir` (hidden files skipped), sorted by name. Messages name files as
// `display_dir`/<name>; by default `dir` relative to the working directory
// when below it. kNotFound if `dir` is not a folder, kInvalidArgument if it
// holds no *.xml; otherwise every unusable file is named in one message
// (one line each) with the first file's code.
StatusOr<Spec> LoadSpecDir(const std::filesystem::path& dir,
                           std::optional<std::string> display_dir = {});

// `path` as shown in messages: relative to the working directory when it is
// below it, else as given.
std::string DisplayPath(const std::filesystem::path& path);

// The ids of the kernel verifier's rules (kernel/include/wskconf/
// verifier_rules.h), in header order.
std::vector<std::string> VerifierRuleIds();

struct LintOptions {
  // Where `source` pages are looked up.
  std::filesystem::path docs_root;
  // The verifier rules every spec must cover as client-side clauses.
  std::vector<std::string> verifier_rules = VerifierRuleIds();
  // Named in findings about a rule with no clause.
  std::string verifier_rules_file = "kernel/include/wskconf/verifier_rules.h";
  // The ids of the clauses wskgen generates cases for (wskgen.h,
  // CoveredClauseIds); when set, a clause with checked-by="case" must be
  // among them and a provider clause among them must not be
  // checked-by="untestable".
  const std::set<std::string>* case_covered = nullptr;
  // With case_covered: every provider clause is covered by a case or marked
  // checked-by="untestable".
  bool require_case_coverage = false;
  // Report every client-side clause that is neither checked by the verifier
  // nor marked untestable (`wskconf spec lint --require-client-marking`).
  bool require_client_marking = false;
};

// Every finding of the rules listed in spec/README.md ("Validating and
// linting"), plus each file's structural problems; sorted by file, line,
// message. Empty means clean.
std::vector<Diagnostic> LintSpec(const Spec& spec, const LintOptions& options);

// The docs folder to check sources against: `flag` if given, else
// $WSKCONF_DOCS, else <spec_dir>/../../shared/wsk-docs. kNotFound (naming
// what was tried) if the chosen folder does not exist.
StatusOr<std::filesystem::path> ResolveDocsRoot(
    const std::optional<std::filesystem::path>& flag,
    const std::filesystem::path& spec_dir);

struct FileStats {
  int elements = 0;
  int clauses = 0;
};

// Counts for `wskconf spec stats`.
struct SpecStats {
  std::map<ElementKind, int> elements_by_kind;  // every kind, zero included
  int elements = 0;
  int clauses = 0;
  std::map<std::string, int> clauses_by_strength;  // MUST SHOULD MAY
  std::map<std::string, int> clauses_by_side;      // provider client
  std::map<std::string, FileStats> files;          // by file name
};

SpecStats ComputeStats(const Spec& spec);

// One JSON object: functions, callbacks, options, ioctls, control_codes,
// structures, dispatch_tables, flags, statuses, topics, elements, clauses,
// clauses_by_strength {MUST, SHOULD, MAY}, clauses_by_side {provider,
// client}, files {name: {elements, clauses}}. Deterministic, ends with '\n'.
std::string StatsToJson(const SpecStats& stats);
// The same as a small human-readable table.
std::string StatsToText(const SpecStats& stats);

// Exit codes of the `wskconf spec` commands (README.md).
inline constexpr int kExitClean = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUnusable = 2;

// What `wskconf spec lint` checks beyond the spec's own consistency.
struct SpecLintFlags {
  // Unless set, every provider clause must be checked by a generated case
  // or marked checked-by="untestable", and wskgen's recipes must fit the
  // spec (so that coverage can be judged). `--allow-uncovered` sets it, for
  // a spec the recipes are not written for (test fixtures).
  bool allow_uncovered = false;
  // `--require-client-marking`: LintOptions::require_client_marking.
  bool require_client_marking = false;
};

// `wskconf spec lint`: findings to `out` one per line, then a summary line;
// errors to `err`. Returns kExitClean, kExitFindings or kExitUnusable.
// When wskgen's recipes fit the spec, coverage by generated cases is checked
// as LintOptions::case_covered says.
int RunSpecLint(const std::filesystem::path& spec_dir,
                const std::optional<std::filesystem::path>& docs,
                std::ostream& out, std::ostream& err,
                const SpecLintFlags& flags = {});

// `wskconf spec stats`: the statistics to `out` (JSON with `json`). Returns
// kExitClean, or kExitUnusable when the spec cannot be loaded.
int RunSpecStats(const std::filesystem::path& spec_dir, bool json,
                 std::ostream& out, std::ostream& err);

// The documentation pages the spec cites (element, clause and reading
// sources), without any `#anchor`.
std::set<std::string> CitedPages(const Spec& spec);

// The pages under `docs_root` that document an API element: reference pages
// (ddi/ and wdm/, without syntax snapshots, index pages and unpublished
// pages) and the guide's option, IOCTL and control-code pages (so-*, sio-*,
// wsk-*). Sorted, relative to `docs_root`.
StatusOr<std::vector<std::string>> ApiPages(
    const std::filesystem::path& docs_root);

// How the spec's client-side clauses are checked: by a verifier rule
// (checked-by="verifier"), declared untestable at run time
// (checked-by="untestable" with an untestable-reason), or neither.
struct ClientClauseSplit {
  size_t verifier = 0;
  size_t untestable = 0;
  std::vector<const Clause*> neither;  // in file order
};
ClientClauseSplit SplitClientClauses(const Spec& spec);

// `wskconf spec coverage`: each API page no element or clause cites, one per
// line, then "N of M API pages cited", then the client split: "client
// clauses: V verifier-checked, U untestable, N neither" (the lint names each
// clause that is neither), then per spec file how its provider clauses are
// checked (wskgen.h, ProviderCoverageReport; each uncovered clause listed
// with `list_uncovered`). Returns kExitClean when every page is cited,
// kExitFindings when some are not, kExitUnusable when the spec or the docs
// cannot be read. The provider report is left out for a spec wskgen's
// recipes do not fit (they are written for spec/).
int RunSpecCoverage(const std::filesystem::path& spec_dir,
                    const std::optional<std::filesystem::path>& docs,
                    std::ostream& out, std::ostream& err,
                    bool list_uncovered = false);

}  // namespace wskconf::conformance

#endif  // WSKCONF_SPEC_H_
