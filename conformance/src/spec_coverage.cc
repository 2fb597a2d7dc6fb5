// `wskconf spec coverage`: which pages of the WSK documentation that document
// an API element (reference pages, option / IOCTL / control-code pages) no
// element, clause or conflict reading of the spec cites.
#include <algorithm>
#include <ostream>
#include <set>

#include <fmt/format.h>

#include "internal/commands.h"
#include "wskconf/spec.h"
#include "wskconf/wskgen.h"

namespace wskconf::conformance {
namespace {

// Pages that document an API element, as paths relative to the docs root.
// Left out on purpose: syntax snapshots (prototypes of pages counted already),
// header index pages, and ddi/unpublished (never part of the published docs).
bool IsApiPage(const std::filesystem::path& relative) {
  if (relative.extension() != ".md") return false;
  const std::string path = relative.generic_string();
  const std::string name = relative.filename().string();
  if (path.starts_with("ddi/")) {
    return name != "index.md" &&
           !path.starts_with("ddi/syntax-snapshots/") &&
           !path.starts_with("ddi/unpublished/");
  }
  if (path.starts_with("wdm/")) return !name.starts_with("kernel-");
  if (path.starts_with("guide/") && relative.parent_path() == "guide") {
    return name.starts_with("so-") || name.starts_with("sio-") ||
           name.starts_with("wsk-");
  }
  return false;
}

// A source may point into a page (`ddi/send.md#irp`): the page is cited.
void AddAll(const std::vector<std::string>& sources,
            std::set<std::string>& cited) {
  for (const std::string& source : sources) {
    cited.insert(source.substr(0, source.find('#')));
  }
}

void AddConflicts(const std::vector<Conflict>& conflicts,
                  std::set<std::string>& cited) {
  for (const Conflict& conflict : conflicts) {
    for (const Reading& reading : conflict.readings) {
      AddAll(reading.sources, cited);
    }
  }
}

}  // namespace

std::set<std::string> CitedPages(const Spec& spec) {
  std::set<std::string> cited;
  for (const SpecFile& file : spec.files) {
    for (const Element& element : file.elements) {
      AddAll(element.sources, cited);
      AddConflicts(element.conflicts, cited);
      for (const Clause& clause : element.clauses) {
        AddAll(clause.sources, cited);
        AddConflicts(clause.conflicts, cited);
      }
    }
  }
  return cited;
}

ClientClauseSplit SplitClientClauses(const Spec& spec) {
  ClientClauseSplit split;
  for (const SpecFile& file : spec.files) {
    for (const Element& element : file.elements) {
      for (const Clause& clause : element.clauses) {
        if (clause.side != Side::kClient) continue;
        if (clause.checked_by == "verifier") {
          ++split.verifier;
        } else if (clause.checked_by == "untestable") {
          ++split.untestable;
        } else {
          split.neither.push_back(&clause);
        }
      }
    }
  }
  return split;
}

StatusOr<std::vector<std::string>> ApiPages(
    const std::filesystem::path& docs_root) {
  std::vector<std::string> pages;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(docs_root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const std::filesystem::path relative =
        std::filesystem::relative(it->path(), docs_root, ec);
    if (!ec && IsApiPage(relative)) pages.push_back(relative.generic_string());
  }
  if (ec) {
    return NotFoundError(fmt::format("cannot list documentation folder '{}': {}",
                                     DisplayPath(docs_root), ec.message()));
  }
  std::sort(pages.begin(), pages.end());
  return pages;
}

int RunSpecCoverage(const std::filesystem::path& spec_dir,
                    const std::optional<std::filesystem::path>& docs,
                    std::ostream& out, std::ostream& err,
                    bool list_uncovered) {
  std::optional<Spec> spec = internal::LoadSpecOrReport(spec_dir, err);
  if (!spec) return kExitUnusable;
  std::optional<std::filesystem::path> docs_root =
      internal::DocsRootOrReport(docs, spec_dir, err);
  if (!docs_root) return kExitUnusable;
  StatusOr<std::vector<std::string>> pages = ApiPages(*docs_root);
  if (!pages.ok()) {
    err << "wskconf: error: " << pages.status().message() << "\n";
    return kExitUnusable;
  }
  if (pages->empty()) {
    err << "wskconf: error: no API pages under '" << DisplayPath(*docs_root)
        << "' (is it the WSK documentation folder?)\n";
    return kExitUnusable;
  }
  const std::set<std::string> cited = CitedPages(*spec);
  size_t uncited = 0;
  for (const std::string& page : *pages) {
    if (cited.count(page) != 0) continue;
    ++uncited;
    out << page << ": documents an API element that no spec element or "
        << "clause cites\n";
  }
  out << fmt::format("{} of {} API pages cited\n", pages->size() - uncited,
                     pages->size());
  // The lint names each client clause that is neither; here only the split.
  const ClientClauseSplit split = SplitClientClauses(*spec);
  out << fmt::format("client clauses: {} verifier-checked, {} untestable, {} "
                     "neither\n",
                     split.verifier, split.untestable, split.neither.size());
  // Provider clauses: which generated cases check them. wskgen's recipes
  // are written for spec/; another spec they do not fit gets no such report.
  auto plan = PlanCases(*spec);
  if (plan.ok()) {
    out << ProviderCoverageReport(
        ComputeProviderCoverage(*spec, CoveredClauseIds(*plan)),
        list_uncovered);
  }
  return uncited == 0 ? kExitClean : kExitFindings;
}

}  // namespace wskconf::conformance
