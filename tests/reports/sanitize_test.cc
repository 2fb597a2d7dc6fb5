// Tests of reports/src/sanitize.cc: what XML cannot carry becomes visible
// escapes; everything else is kept.
#include <string>

#include <gtest/gtest.h>

#include "sample_run.h"
#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

TEST(SanitizeForXmlTest, KeepsValidUtf8AndTheThreeAllowedControls) {
  const std::string text = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9D\x84\x9E tab\t lf\n cr\r del\x7F";
  EXPECT_EQ(SanitizeForXml(text), text);
}

TEST(SanitizeForXmlTest, EachSingleByte) {
  for (int b = 0; b < 256; ++b) {
    const std::string in(1, static_cast<char>(b));
    const bool kept = (b >= 0x20 && b < 0x80) || b == '\t' || b == '\n' || b == '\r';
    char escaped[5];
    std::snprintf(escaped, sizeof escaped, "\\x%02X", b);
    EXPECT_EQ(SanitizeForXml(in), kept ? in : std::string(escaped)) << "byte " << b;
  }
}

TEST(SanitizeForXmlTest, EscapesEachByteOfAnInvalidSequence) {
  EXPECT_EQ(SanitizeForXml("a\x80z"), "a\\x80z");                 // lone continuation
  EXPECT_EQ(SanitizeForXml("\xE2\x82"), "\\xE2\\x82");            // truncated at the end
  EXPECT_EQ(SanitizeForXml("\xE2\x82z"), "\\xE2\\x82z");          // truncated in the middle
  EXPECT_EQ(SanitizeForXml("\xC0\xAF"), "\\xC0\\xAF");            // overlong '/'
  EXPECT_EQ(SanitizeForXml("\xE0\x80\xAF"), "\\xE0\\x80\\xAF");   // overlong, 3 bytes
  EXPECT_EQ(SanitizeForXml("\xED\xA0\x80"), "\\xED\\xA0\\x80");   // surrogate U+D800
  EXPECT_EQ(SanitizeForXml("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // > U+10FFFF
  EXPECT_EQ(SanitizeForXml("\xFF\xFE"), "\\xFF\\xFE");
}

TEST(SanitizeForXmlTest, EscapesTheNonCharactersXmlForbids) {
  EXPECT_EQ(SanitizeForXml("\xEF\xBF\xBE"), "\\u{FFFE}");
  EXPECT_EQ(SanitizeForXml("\xEF\xBF\xBF"), "\\u{FFFF}");
  EXPECT_EQ(SanitizeForXml("\xEF\xBF\xBD"), "\xEF\xBF\xBD");  // U+FFFD is fine
}

TEST(SanitizeForXmlTest, IsIdempotent) {
  const std::string once = SanitizeForXml(testing::HostileRun().cases[0].message);
  EXPECT_EQ(SanitizeForXml(once), once);
}

TEST(SanitizeForXmlTest, EveryByteInAnyReportGivesOnlyCharactersXmlAllows) {
  const RunResult run = testing::HostileRun();
  for (const std::string& report :
       {WriteStrictJUnit(run), WriteRichJUnit(run), WriteHtmlSummary(run)}) {
    // A document that sanitizes to itself is valid UTF-8 without forbidden
    // characters.
    EXPECT_EQ(SanitizeForXml(report), report);
  }
}

}  // namespace
}  // namespace wskconf::reports
