// The `wskconf spec lint` and `wskconf spec stats` commands as library
// functions, so the CLI stays a thin driver and tests can run them in-process.
#include <cstdlib>
#include <ostream>

#include <fmt/format.h>

#include "internal/commands.h"
#include "wskconf/wskgen.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {

StatusOr<std::filesystem::path> ResolveDocsRoot(
    const std::optional<std::filesystem::path>& flag,
    const std::filesystem::path& spec_dir) {
  std::filesystem::path chosen;
  std::string how;
  if (flag) {
    chosen = *flag;
    how = "--docs";
  } else if (const char* env = std::getenv("WSKCONF_DOCS");
             env != nullptr && *env != '\0') {
    chosen = env;
    how = "WSKCONF_DOCS";
  } else {
    chosen = spec_dir / ".." / ".." / "shared" / "wsk-docs";
    how = "the default <spec dir>/../../shared/wsk-docs";
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(chosen, ec)) {
    return NotFoundError(fmt::format(
        "documentation folder '{}' (from {}) does not exist; pass --docs DIR "
        "or set WSKCONF_DOCS",
        DisplayPath(chosen), how));
  }
  return chosen;
}

namespace internal {

std::optional<Spec> LoadSpecOrReport(const std::filesystem::path& spec_dir,
                                     std::ostream& err) {
  StatusOr<Spec> spec = LoadSpecDir(spec_dir);
  if (spec.ok()) return std::move(*spec);
  err << spec.status().message() << "\n"
      << "wskconf: error: the spec cannot be loaded\n";
  return std::nullopt;
}

std::optional<std::filesystem::path> DocsRootOrReport(
    const std::optional<std::filesystem::path>& flag,
    const std::filesystem::path& spec_dir, std::ostream& err) {
  StatusOr<std::filesystem::path> root = ResolveDocsRoot(flag, spec_dir);
  if (root.ok()) return *root;
  err << "wskconf: error: " << root.status().message() << "\n";
  return std::nullopt;
}

}  // namespace internal

int RunSpecLint(const std::filesystem::path& spec_dir,
                const std::optional<std::filesystem::path>& docs,
                std::ostream& out, std::ostream& err,
                const SpecLintFlags& flags) {
  std::optional<Spec> spec = internal::LoadSpecOrReport(spec_dir, err);
  if (!spec) return kExitUnusable;
  std::optional<std::filesystem::path> docs_root =
      internal::DocsRootOrReport(docs, spec_dir, err);
  if (!docs_root) return kExitUnusable;
  LintOptions options;
  options.docs_root = *docs_root;
  options.require_client_marking = flags.require_client_marking;
  // Coverage by generated cases is checked when wskgen's recipes fit this
  // spec. They are written for spec/: recipes that do not fit are a finding
  // unless uncovered clauses are allowed (a fixture spec).
  std::vector<Diagnostic> findings;
  std::set<std::string> covered;
  auto plan = PlanCases(*spec);
  if (plan.ok()) {
    covered = CoveredClauseIds(*plan);
    options.case_covered = &covered;
    options.require_case_coverage = !flags.allow_uncovered;
  } else if (!flags.allow_uncovered) {
    findings.push_back(Diagnostic{
        {"conformance/src/wskgen/recipes.cc", 0},
        plan.status().message() +
            " (coverage by generated cases cannot be judged; --allow-uncovered "
            "lints a spec the recipes are not written for)"});
  }
  for (Diagnostic& finding : LintSpec(*spec, options)) {
    findings.push_back(std::move(finding));
  }
  for (const Diagnostic& finding : findings) out << finding.ToString() << "\n";
  const SpecStats stats = ComputeStats(*spec);
  out << fmt::format("{} finding{} in {} files ({} elements, {} clauses)\n",
                     findings.size(), findings.size() == 1 ? "" : "s",
                     spec->files.size(), stats.elements, stats.clauses);
  return findings.empty() ? kExitClean : kExitFindings;
}

int RunSpecStats(const std::filesystem::path& spec_dir, bool json,
                 std::ostream& out, std::ostream& err) {
  std::optional<Spec> spec = internal::LoadSpecOrReport(spec_dir, err);
  if (!spec) return kExitUnusable;
  const SpecStats stats = ComputeStats(*spec);
  out << (json ? StatsToJson(stats) : StatsToText(stats));
  return kExitClean;
}

}  // namespace wskconf::conformance
