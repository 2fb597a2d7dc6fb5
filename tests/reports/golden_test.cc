// Golden-output tests of the writers: the sample run's reports must equal the
// files in tests/golden/reports, after normalising what may differ between
// runs (testsuite timestamp and hostname, times). To refresh the files after
// an intended change, run with WSKCONF_REGENERATE_GOLDEN=1 and review the diff.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "sample_run.h"
#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

const std::filesystem::path kGoldenDir = WSKCONF_REPORTS_GOLDEN_DIR;

bool Regenerating() {
  const char* flag = std::getenv("WSKCONF_REGENERATE_GOLDEN");
  return flag != nullptr && std::string_view(flag) == "1";
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Replaces the values that legitimately differ between two runs: every
// ` name="..."` attribute value for the names below becomes "*". (Written
// by hand: std::regex trips GCC 12's -Wmaybe-uninitialized in the sanitizer
// build.)
std::string Normalise(std::string text) {
  for (std::string_view name : {" timestamp=\"", " hostname=\"", " time=\""}) {
    for (std::size_t at = text.find(name); at != std::string::npos;
         at = text.find(name, at + 1)) {
      const std::size_t begin = at + name.size();
      const std::size_t end = text.find('"', begin);
      if (end == std::string::npos) break;
      text.replace(begin, end - begin, "*");
    }
  }
  return text;
}

void ExpectMatchesGolden(const std::string& actual, const std::string& file) {
  const std::filesystem::path path = kGoldenDir / file;
  if (Regenerating()) {
    ASSERT_TRUE(WriteTextFile(path, actual).ok()) << path;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path))
      << path << " is missing; run with WSKCONF_REGENERATE_GOLDEN=1 to create it";
  EXPECT_EQ(Normalise(actual), Normalise(ReadFile(path)))
      << "differs from " << path
      << "; if the change is intended, rerun with WSKCONF_REGENERATE_GOLDEN=1";
}

TEST(GoldenTest, StrictJUnit) {
  ExpectMatchesGolden(WriteStrictJUnit(testing::SampleRun()), "sample.strict.xml");
}

TEST(GoldenTest, RichJUnit) {
  ExpectMatchesGolden(WriteRichJUnit(testing::SampleRun()), "sample.rich.xml");
}

TEST(GoldenTest, HostileRichJUnit) {
  ExpectMatchesGolden(WriteRichJUnit(testing::HostileRun()), "hostile.rich.xml");
}

TEST(GoldenTest, HtmlSummary) {
  ExpectMatchesGolden(WriteHtmlSummary(testing::SampleRun()), "sample.html");
}

TEST(GoldenTest, NormalisersHideOnlyTimestampHostnameAndTimes) {
  if (Regenerating()) GTEST_SKIP() << "regenerating";
  RunResult run = testing::SampleRun();
  for (CaseResult& c : run.cases) c.seconds += 0.5;
  const std::string xml =
      WriteStrictJUnit(run, {.timestamp = "2030-01-02T03:04:05", .hostname = "ci-host"});
  const std::string golden = ReadFile(kGoldenDir / "sample.strict.xml");
  EXPECT_NE(xml, golden);
  EXPECT_EQ(Normalise(xml), Normalise(golden));
  run.cases[0].message = "changed";
  run.cases[0].verdict = Verdict::kFail;
  EXPECT_NE(Normalise(WriteStrictJUnit(run)), Normalise(golden));
}

}  // namespace
}  // namespace wskconf::reports
