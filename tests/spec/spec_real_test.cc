// The loader and lint on the real spec/ of this tree: fast enough to run on
// every build, and still catching a fault injected into a copy of it.
#include <chrono>
#include <sstream>

#include <gtest/gtest.h>

#include "test_support.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

using testing::ScratchDir;
using testing::SpecDocument;
using testing::WriteFile;

#if defined(__SANITIZE_ADDRESS__)
constexpr int kSlowdown = 10;  // sanitizer builds run several times slower
#else
constexpr int kSlowdown = 1;
#endif
constexpr std::chrono::milliseconds kLintBudget{1000 * kSlowdown};

const std::filesystem::path kRealSpec = WSKCONF_TEST_SPEC_DIR;
const std::filesystem::path kRealDocs =
    kRealSpec / ".." / ".." / "shared" / "wsk-docs";

TEST(RealSpecTest, LoadsAndLintsWithinOneSecond) {
  const auto start = std::chrono::steady_clock::now();
  StatusOr<Spec> spec = LoadSpecDir(kRealSpec);
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  LintOptions options;
  options.docs_root = kRealDocs;
  const std::vector<Diagnostic> findings = LintSpec(*spec, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, kLintBudget);
  EXPECT_GT(ComputeStats(*spec).clauses, 0);
}

// Copies the real spec's files into `dir`.
void CopyRealSpec(const ScratchDir& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(kRealSpec)) {
    if (entry.path().extension() == ".xml") {
      std::filesystem::copy_file(entry.path(),
                                 dir.path() / entry.path().filename());
    }
  }
}

TEST(RealSpecTest, FaultInjectedIntoACopyIsFound) {
  ScratchDir dir;
  CopyRealSpec(dir);
  StatusOr<Spec> original = LoadSpecDir(dir.path(), "copy");
  ASSERT_TRUE(original.ok()) << original.status().message();
  ASSERT_FALSE(original->files.empty());
  ASSERT_FALSE(original->files[0].elements.empty());
  const std::string taken_id = original->files[0].elements[0].id;

  // zz-injected.xml sorts last, so the real definition is the first one.
  WriteFile(dir.path() / "zz-injected.xml",
            SpecDocument("<topic id=\"" + taken_id +
                         "\"><clause id=\"" + taken_id +
                         ".InjectedRule\" strength=\"MUST\" "
                         "side=\"client\" checked-by=\"verifier\" "
                         "source=\"no/such/page.md\"><text>x</text></clause>"
                         "</topic>"));
  StatusOr<Spec> spec = LoadSpecDir(dir.path(), "copy");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  LintOptions options;
  options.docs_root = kRealDocs;
  std::vector<std::string> injected;
  for (const Diagnostic& d : LintSpec(*spec, options)) {
    if (d.location.file == "copy/zz-injected.xml") {
      injected.push_back(d.ToString());
    }
  }
  const std::string first = original->files[0].elements[0].location.ToString();
  EXPECT_EQ(injected,
            (std::vector<std::string>{
                "copy/zz-injected.xml:3: clause '" + taken_id +
                    ".InjectedRule' has checked-by=\"verifier\" but no "
                    "verifier rule has that id (a runtime rule no code "
                    "checks)",
                "copy/zz-injected.xml:3: duplicate id '" + taken_id +
                    "' (first defined at " + first + ")",
                "copy/zz-injected.xml:3: source page 'no/such/page.md' of "
                "clause '" + taken_id + ".InjectedRule' does not exist"}));
}

// Issue 7: the lint fails on a provider clause no generated case covers,
// unless told --allow-uncovered.
TEST(RealSpecTest, UncoveredProviderClauseFailsTheLintByDefault) {
  ScratchDir dir;
  CopyRealSpec(dir);
  WriteFile(dir.path() / "zz-uncovered.xml",
            SpecDocument("<topic id=\"Uncovered\" source=\"guide/winsock-kernel-events.md\">\n"
                         "<clause id=\"Uncovered.ProviderClause\" strength=\"MUST\" "
                         "side=\"provider\" source=\"guide/winsock-kernel-events.md\">"
                         "<text>x</text></clause></topic>"));
  std::ostringstream out, err;
  EXPECT_EQ(RunSpecLint(dir.path(), kRealDocs, out, err), kExitFindings) << err.str();
  const std::string where = (dir.path() / "zz-uncovered.xml").string() + ":4: ";
  EXPECT_NE(out.str().find(where + "provider clause 'Uncovered.ProviderClause' is "
                                   "checked by no generated case and not marked "
                                   "checked-by=\"untestable\""),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("1 finding in "), std::string::npos) << out.str();

  SpecLintFlags allow;
  allow.allow_uncovered = true;
  std::ostringstream allowed_out, allowed_err;
  EXPECT_EQ(RunSpecLint(dir.path(), kRealDocs, allowed_out, allowed_err, allow), kExitClean)
      << allowed_out.str() << allowed_err.str();
}

}  // namespace
}  // namespace wskconf::conformance
