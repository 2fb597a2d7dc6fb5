// Tests of reports/src/junit_reader.cc: rich reports read back exactly, and
// broken or foreign input refused with a located message.
#include <algorithm>
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_run.h"
#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

using ::testing::HasSubstr;
using ::wskconf::conformance::StatusCode;

RunResult Sorted(RunResult run) {
  std::sort(run.cases.begin(), run.cases.end(),
            [](const CaseResult& a, const CaseResult& b) { return a.name < b.name; });
  return run;
}

TEST(RichJUnitReaderTest, RoundTripGivesTheSameRun) {
  const RunResult run = testing::SampleRun();
  StatusOr<RunResult> read = ParseRichJUnit(WriteRichJUnit(run), "sample.xml");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, Sorted(run));
}

TEST(RichJUnitReaderTest, EmptyRunRoundTrips) {
  const RunResult run{.adapter = "libmine.so", .policy = "inline", .cases = {}};
  StatusOr<RunResult> read = ParseRichJUnit(WriteRichJUnit(run), "empty.xml");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, run);
}

TEST(RichJUnitReaderTest, HostileTextComesBackSanitizedAndRewritesIdentically) {
  const RunResult run = testing::HostileRun();
  const std::string written = WriteRichJUnit(run);
  StatusOr<RunResult> read = ParseRichJUnit(written, "hostile.xml");
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->cases.size(), run.cases.size());
  const RunResult sorted = Sorted(run);
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    EXPECT_EQ(read->cases[i].name, SanitizeForXml(sorted.cases[i].name));
    EXPECT_EQ(read->cases[i].message, SanitizeForXml(sorted.cases[i].message));
    EXPECT_EQ(read->cases[i].output, SanitizeForXml(sorted.cases[i].output));
    EXPECT_EQ(read->cases[i].actual, SanitizeForXml(sorted.cases[i].actual));
  }
  EXPECT_EQ(read->adapter, SanitizeForXml(run.adapter));
  EXPECT_EQ(WriteRichJUnit(*read), written);
}

TEST(RichJUnitReaderTest, SecondsAreKeptToTheMillisecond) {
  RunResult run = testing::SampleRun();
  run.cases.resize(1);
  run.cases[0].seconds = 1.23456;
  StatusOr<RunResult> read = ParseRichJUnit(WriteRichJUnit(run), "t.xml");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_DOUBLE_EQ(read->cases[0].seconds, 1.235);
}

void ExpectRefused(std::string_view xml, std::string_view message_part) {
  StatusOr<RunResult> read = ParseRichJUnit(xml, "in.xml");
  ASSERT_FALSE(read.ok()) << xml;
  EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status().message(), HasSubstr(message_part));
}

TEST(RichJUnitReaderTest, RefusesWhatIsNotARichReport) {
  ExpectRefused("", "in.xml:0: not well-formed XML");
  ExpectRefused("<testsuites><testsuite>", "in.xml:1: not well-formed XML");
  ExpectRefused("<testsuite name='x'/>", "in.xml:1: root element is <testsuite>");
  ExpectRefused(WriteStrictJUnit(testing::SampleRun()),
                "in.xml:3: not a wskconf rich report (suite property wskconf.format "
                "is 'strict-1', not 'rich-1')");
  ExpectRefused("<testsuites/>", "in.xml:1: no <testsuite>");
}

// The sample's rich report with `from` replaced by `to` once.
std::string Edited(std::string_view from, std::string_view to) {
  std::string xml = WriteRichJUnit(testing::SampleRun());
  const std::size_t at = xml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) xml.replace(at, from.size(), to);
  return xml;
}

TEST(RichJUnitReaderTest, RefusesMalformedCasesNamingTheLine) {
  ExpectRefused(Edited("value=\"pass\"", "value=\"passed\""),
                "has verdict 'passed', not one of pass, fail, warn, skip, error");
  ExpectRefused(Edited("value=\"fail\"", "value=\"pass\""),
                "verdict 'pass' but a <failure>");
  ExpectRefused(Edited("value=\"skip\"", "value=\"error\""),
                "verdict 'error' without a <error>");
  ExpectRefused(Edited("time=\"0.011\"", "time=\"soon\""),
                "time 'soon' is not a number of seconds");
  ExpectRefused(Edited("line=\"131\"", "line=\"-4\""), "line '-4' is not a positive number");
  ExpectRefused(Edited("value=\"random:42\"", "value=\"pend\""),
                "adapter/policy 'reference'/'random:42' differ from the report's 'reference'/'pend'");
  // Every message names the file and a line.
  StatusOr<RunResult> read = ParseRichJUnit(Edited("time=\"0.011\"", "time=\"x\""), "in.xml");
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(), ::testing::MatchesRegex("in\\.xml:[0-9]+: .*"));
}

TEST(RichJUnitReaderTest, FileErrors) {
  StatusOr<RunResult> missing = ReadRichJUnit("/nonexistent/wskconf/report.xml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent/wskconf/report.xml"));

  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "wskconf_reader_test.xml";
  ASSERT_TRUE(WriteTextFile(path, WriteRichJUnit(testing::SampleRun())).ok());
  StatusOr<RunResult> read = ReadRichJUnit(path);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, Sorted(testing::SampleRun()));
  const Status failed = WriteTextFile("/nonexistent/wskconf/out.xml", "x");
  EXPECT_EQ(failed.message(),
            "/nonexistent/wskconf/out.xml: cannot be written: No such file or directory");
}

}  // namespace
}  // namespace wskconf::reports
