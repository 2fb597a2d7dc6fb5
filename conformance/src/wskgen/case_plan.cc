// Planning: which generated case checks which clause in which variant
// (wskgen.h). The recipes say which clauses have a helper; the spec says
// what the helper is told.
#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "wskconf/wskgen.h"

namespace wskconf::conformance {
namespace {

constexpr std::string_view kCategoryOrder[] = {"basic", "listen", "datagram",
                                               "connection", "stream"};
constexpr std::string_view kFamilies[] = {"AF_INET", "AF_INET6"};

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string Capitalized(std::string_view word) {
  std::string out(word);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(out[0]));
  return out;
}

std::string FamilyName(std::string_view family) {
  return family == "AF_INET" ? "Inet" : "Inet6";
}

std::string SuiteName(std::string_view clause_id) {
  std::string suite(clause_id);
  std::replace(suite.begin(), suite.end(), '.', '_');
  return suite;
}

struct ClauseRef {
  const SpecFile* file;
  const Element* element;
  const Clause* clause;
};

// Categories in a fixed order, so output does not depend on how the spec
// happens to list them.
std::vector<std::string> SortedCategories(std::string_view text) {
  std::vector<std::string> listed = Words(text);
  std::vector<std::string> sorted;
  for (std::string_view category : kCategoryOrder) {
    if (std::find(listed.begin(), listed.end(), category) != listed.end()) {
      sorted.emplace_back(category);
    }
  }
  return sorted;
}

std::vector<std::string_view> Families(const CaseRecipe& recipe) {
  if (recipe.families.empty()) return {kFamilies[0], kFamilies[1]};
  return {recipe.families};
}

// The variants (category, family) of one recipe on its clause; an error
// message when they cannot be had.
std::vector<std::pair<std::string, std::string>> Variants(
    const CaseRecipe& recipe, const Element& element, std::string* error) {
  std::vector<std::pair<std::string, std::string>> variants;
  switch (recipe.variants) {
    case CaseVariants::kOnce:
      variants.emplace_back("", "");
      return variants;
    case CaseVariants::kFamilies:
      for (auto family : Families(recipe)) variants.emplace_back("", family);
      return variants;
    case CaseVariants::kElementCategories:
    case CaseVariants::kListedCategories:
      break;
  }
  const std::string_view text =
      recipe.variants == CaseVariants::kListedCategories
          ? recipe.categories
          : element.Attribute("categories");
  const std::vector<std::string> categories = SortedCategories(text);
  if (categories.empty()) {
    *error = fmt::format(
        "recipe for '{}' needs socket categories, but {} lists none",
        recipe.clause_id,
        recipe.variants == CaseVariants::kListedCategories
            ? "the recipe"
            : fmt::format("element '{}'", element.id));
  }
  for (const auto& category : categories) {
    for (auto family : Families(recipe)) variants.emplace_back(category, family);
  }
  return variants;
}

std::string VariantName(const std::string& category,
                        const std::string& family) {
  if (category.empty() && family.empty()) return "Once";
  if (category.empty()) return FamilyName(family);
  return Capitalized(category) + "_" + FamilyName(family);
}

std::string Stem(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.size() > 4 && name.ends_with(".xml")) name.resize(name.size() - 4);
  return name;
}

}  // namespace

StatusOr<std::vector<PlannedFile>> PlanCases(
    const Spec& spec, const std::vector<CaseRecipe>& recipes) {
  std::map<std::string, ClauseRef, std::less<>> clauses;
  for (const SpecFile& file : spec.files) {
    for (const Element& element : file.elements) {
      for (const Clause& clause : element.clauses) {
        clauses.emplace(clause.id, ClauseRef{&file, &element, &clause});
      }
    }
  }
  std::vector<std::string> problems;
  // Recipes grouped by clause, keeping table order within a clause.
  std::map<const Clause*, std::vector<const CaseRecipe*>> by_clause;
  for (const CaseRecipe& recipe : recipes) {
    auto found = clauses.find(recipe.clause_id);
    if (found == clauses.end()) {
      problems.push_back(fmt::format(
          "wskgen recipe names clause '{}', which the spec does not have",
          recipe.clause_id));
      continue;
    }
    if (found->second.clause->side != Side::kProvider) {
      problems.push_back(fmt::format(
          "{}: wskgen recipe for '{}': a generated case checks only "
          "provider-side clauses",
          found->second.clause->location.ToString(), recipe.clause_id));
      continue;
    }
    by_clause[found->second.clause].push_back(&recipe);
  }
  std::vector<PlannedFile> plan;
  for (const SpecFile& file : spec.files) {
    PlannedFile planned;
    planned.file = &file;
    planned.stem = Stem(file.path);
    planned.spec_file = "spec/" + planned.stem + ".xml";
    for (const Element& element : file.elements) {
      for (const Clause& clause : element.clauses) {
        auto recipes = by_clause.find(&clause);
        if (recipes == by_clause.end()) continue;
        for (const CaseRecipe* recipe : recipes->second) {
          std::string error;
          for (const auto& [category, family] :
               Variants(*recipe, element, &error)) {
            planned.cases.push_back(PlannedCase{
                SuiteName(clause.id), VariantName(category, family),
                std::string(recipe->helper), &clause, &element,
                planned.spec_file, category, family});
          }
          if (!error.empty()) {
            problems.push_back(clause.location.ToString() + ": " + error);
          }
        }
      }
    }
    plan.push_back(std::move(planned));
  }
  std::set<std::string> names;
  for (const PlannedFile& file : plan) {
    for (const PlannedCase& planned : file.cases) {
      if (!names.insert(planned.FullName()).second) {
        problems.push_back(fmt::format(
            "{}: two wskgen recipes give the same test name '{}'",
            planned.clause->location.ToString(), planned.FullName()));
      }
    }
  }
  if (!problems.empty()) {
    std::string message;
    for (const auto& problem : problems) {
      if (!message.empty()) message += '\n';
      message += problem;
    }
    return InvalidArgumentError(message);
  }
  return plan;
}

std::set<std::string> CoveredClauseIds(const std::vector<PlannedFile>& plan) {
  std::set<std::string> covered;
  for (const PlannedFile& file : plan) {
    for (const PlannedCase& planned : file.cases) {
      covered.insert(planned.clause->id);
    }
  }
  return covered;
}

std::vector<ProviderCoverage> ComputeProviderCoverage(
    const Spec& spec, const std::set<std::string>& covered_ids) {
  std::vector<ProviderCoverage> files;
  for (const SpecFile& file : spec.files) {
    ProviderCoverage coverage;
    coverage.spec_file = "spec/" + Stem(file.path) + ".xml";
    for (const Element& element : file.elements) {
      for (const Clause& clause : element.clauses) {
        if (clause.side != Side::kProvider) continue;
        if (covered_ids.count(clause.id) != 0) {
          ++coverage.covered;
        } else if (clause.checked_by == "untestable") {
          ++coverage.untestable;
        } else {
          coverage.uncovered.push_back(&clause);
        }
      }
    }
    files.push_back(std::move(coverage));
  }
  return files;
}

std::string ProviderCoverageReport(const std::vector<ProviderCoverage>& files,
                                   bool list_uncovered) {
  std::string out;
  if (list_uncovered) {
    for (const ProviderCoverage& file : files) {
      for (const Clause* clause : file.uncovered) {
        out += fmt::format("{}: provider clause '{}' is checked by no case\n",
                           clause->location.ToString(), clause->id);
      }
    }
  }
  ProviderCoverage total;
  for (const ProviderCoverage& file : files) {
    out += fmt::format(
        "{}: provider clauses: {} covered by cases, {} untestable, {} "
        "uncovered\n",
        file.spec_file, file.covered, file.untestable, file.uncovered.size());
    total.covered += file.covered;
    total.untestable += file.untestable;
    total.uncovered.insert(total.uncovered.end(), file.uncovered.begin(),
                           file.uncovered.end());
  }
  out += fmt::format(
      "provider clauses: {} covered by cases, {} untestable, {} uncovered\n",
      total.covered, total.untestable, total.uncovered.size());
  return out;
}

std::string CaseFileName(std::string_view stem) {
  std::string name(stem);
  std::replace(name.begin(), name.end(), '-', '_');
  return name + "_cases.cc";
}

}  // namespace wskconf::conformance
