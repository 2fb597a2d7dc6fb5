// The core spec files (status, irp, dispatch, registration, client-level,
// buffers) stay fully checked: every provider clause has a generated case
// or is marked untestable with a reason, and the core recipes name only
// provider clauses of the spec.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "wskconf/spec.h"
#include "wskconf/wskgen.h"

namespace wskconf::conformance {
namespace {

const std::set<std::string> kCoreFiles = {
    "spec/status.xml",       "spec/irp.xml",          "spec/dispatch.xml",
    "spec/registration.xml", "spec/client-level.xml", "spec/buffers.xml"};

TEST(CoreCoverage, EveryProviderClauseOfTheCoreFilesIsChecked) {
  auto spec = LoadSpecDir(WSKCONF_TEST_SPEC_DIR);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  auto plan = PlanCases(*spec);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto coverage = ComputeProviderCoverage(*spec, CoveredClauseIds(*plan));
  size_t files = 0;
  for (const ProviderCoverage& file : coverage) {
    if (kCoreFiles.count(file.spec_file) == 0) continue;
    ++files;
    EXPECT_GT(file.covered, 0u) << file.spec_file;
    for (const Clause* clause : file.uncovered) {
      ADD_FAILURE() << clause->location.ToString() << ": provider clause '"
                    << clause->id << "' is checked by no case and not marked "
                    << "untestable";
    }
  }
  EXPECT_EQ(files, kCoreFiles.size()) << "a core spec file is missing";
}

TEST(CoreCoverage, CoreRecipesPlanOnTheirOwn) {
  auto spec = LoadSpecDir(WSKCONF_TEST_SPEC_DIR);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const std::vector<CaseRecipe> core = CoreCaseRecipes();
  ASSERT_FALSE(core.empty());
  auto plan = PlanCases(*spec, core);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  // Every recipe's clause gets at least one case.
  std::set<std::string> named;
  for (const CaseRecipe& recipe : core) named.emplace(recipe.clause_id);
  EXPECT_EQ(CoveredClauseIds(*plan), named);
}

}  // namespace
}  // namespace wskconf::conformance
