// wskgen: turns the spec model into thin GoogleTest cases, one per
// provider-side clause that a check helper covers, per applicable socket
// category and address family. Each case calls a hand-written helper of
// conformance/include/wskconf/conformance/checks.h with values read from
// the spec. Output is deterministic: spec order, no timestamps, no absolute
// paths. Tooling: errors are Status values with located messages.
#ifndef WSKCONF_WSKGEN_H_
#define WSKCONF_WSKGEN_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "wskconf/spec_model.h"
#include "wskconf/status.h"

namespace wskconf::conformance {

// Which variants of a clause a recipe generates.
enum class CaseVariants {
  kOnce,               // one case, no socket ("Once")
  kFamilies,           // AF_INET and AF_INET6 ("Inet", "Inet6")
  kElementCategories,  // each category the element lists, x both families
  kListedCategories,   // the recipe's own categories, x both families
};

// How one clause is checked: the helper a generated case calls and the
// variants it runs in. The table lives in src/wskgen/recipes.cc.
struct CaseRecipe {
  std::string_view clause_id;
  std::string_view helper;  // a function of wskconf::conformance::checks
  CaseVariants variants = CaseVariants::kOnce;
  std::string_view categories;  // kListedCategories: "stream connection"
  // Address families of the variants: empty for both, or "AF_INET" /
  // "AF_INET6" for a clause about one family.
  std::string_view families;
};

// Every recipe, in table order.
const std::vector<CaseRecipe>& CaseRecipes();
// The core files' recipes (recipes_core.cc), which CaseRecipes() appends.
std::vector<CaseRecipe> CoreCaseRecipes();

// One generated test.
struct PlannedCase {
  std::string suite;  // clause id with '.' mapped to '_': WskSend_InformationIsBytesSent
  std::string name;   // variant: Stream_Inet6, Inet, Once
  std::string helper;
  const Clause* clause = nullptr;
  const Element* element = nullptr;
  std::string spec_file;  // spec/<file>.xml
  std::string category;   // basic | listen | datagram | connection | stream | empty
  std::string family;     // AF_INET | AF_INET6 | empty

  // "Suite.Name", as gtest names the test.
  std::string FullName() const { return suite + "." + name; }
};

// The cases of one spec file, in spec order.
struct PlannedFile {
  const SpecFile* file = nullptr;
  std::string spec_file;   // spec/<file>.xml
  std::string stem;        // file name without .xml: socket-connection
  std::vector<PlannedCase> cases;
};

// Plans every case of `spec` with `recipes`. The plan points into `spec`,
// which must outlive it. kInvalidArgument when a recipe names a clause
// the spec does not have, a client-side clause, or needs categories the
// element does not list (one message, one line per problem).
StatusOr<std::vector<PlannedFile>> PlanCases(
    const Spec& spec, const std::vector<CaseRecipe>& recipes = CaseRecipes());

// The ids of the clauses at least one planned case checks.
std::set<std::string> CoveredClauseIds(const std::vector<PlannedFile>& plan);

// How the provider-side clauses of one spec file are checked: by a
// generated case, declared untestable (checked-by="untestable"), or not at
// all (yet).
struct ProviderCoverage {
  std::string spec_file;  // spec/<file>.xml
  size_t covered = 0;
  size_t untestable = 0;
  std::vector<const Clause*> uncovered;  // in file order
};
std::vector<ProviderCoverage> ComputeProviderCoverage(
    const Spec& spec, const std::set<std::string>& covered_ids);

// The per-file lines and the total of `wskconf spec coverage` ("spec/x.xml:
// provider clauses: C covered by cases, U untestable, N uncovered"), and
// with `list_uncovered` one "file:line: provider clause 'id' is checked by
// no case" line per uncovered clause first.
std::string ProviderCoverageReport(const std::vector<ProviderCoverage>& files,
                                   bool list_uncovered);

// The C++ source of one file's cases: a banner naming the spec file, then
// one TEST per case.
std::string RenderCaseFile(const PlannedFile& file);

// The case list (VK-GL-CTS "mustpass" style): a header, then one line per
// case, "Suite.Name clause-id", in plan order.
std::string RenderCaseList(const std::vector<PlannedFile>& plan);

// The generated source's file name for a spec file stem:
// "socket-connection" -> "socket_connection_cases.cc".
std::string CaseFileName(std::string_view stem);

// `wskgen --spec DIR --out DIR [--list FILE]`: writes every case file (only
// those whose content changed) and optionally the case list. Returns 0, or
// 2 after writing why to `err`.
int RunWskgen(const std::string& spec_dir, const std::string& out_dir,
              const std::string& list_file, std::ostream& err);

}  // namespace wskconf::conformance

#endif  // WSKCONF_WSKGEN_H_
