// Tests of `wskconf spec stats` (conformance/src/spec_stats.cc): counts by
// kind, strength, side and file, and the exact JSON and text layouts.
#include <gtest/gtest.h>

#include "test_support.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

using testing::Fixture;

SpecStats CleanStats() {
  StatusOr<Spec> spec = LoadSpecDir(Fixture("clean"), "clean");
  EXPECT_TRUE(spec.ok());
  return spec.ok() ? ComputeStats(*spec) : SpecStats{};
}

TEST(SpecStatsTest, CountsKindsStrengthsSidesAndFiles) {
  const SpecStats stats = CleanStats();
  EXPECT_EQ(stats.elements_by_kind.at(ElementKind::kFunction), 1);
  EXPECT_EQ(stats.elements_by_kind.at(ElementKind::kFlag), 2);
  EXPECT_EQ(stats.elements_by_kind.at(ElementKind::kStatus), 2);
  EXPECT_EQ(stats.elements, 12);
  EXPECT_EQ(stats.clauses, 11);
  EXPECT_EQ(stats.clauses_by_strength.at("MUST"), 9);
  EXPECT_EQ(stats.clauses_by_strength.at("SHOULD"), 1);
  EXPECT_EQ(stats.clauses_by_strength.at("MAY"), 1);
  EXPECT_EQ(stats.clauses_by_side.at("client"), 3);
  EXPECT_EQ(stats.clauses_by_side.at("provider"), 8);
  EXPECT_EQ(stats.files.at("send.xml").clauses, 11);
  EXPECT_EQ(stats.files.at("status.xml").elements, 2);
}

TEST(SpecStatsTest, JsonHasTheDocumentedKeysInAFixedOrder) {
  EXPECT_EQ(StatsToJson(CleanStats()),
            R"({
  "functions": 1,
  "callbacks": 1,
  "options": 1,
  "ioctls": 1,
  "control_codes": 1,
  "structures": 1,
  "dispatch_tables": 1,
  "flags": 2,
  "statuses": 2,
  "topics": 1,
  "elements": 12,
  "clauses": 11,
  "clauses_by_strength": {"MUST": 9, "SHOULD": 1, "MAY": 1},
  "clauses_by_side": {"provider": 8, "client": 3},
  "files": {
    "send.xml": {"elements": 10, "clauses": 11},
    "status.xml": {"elements": 2, "clauses": 0}
  }
}
)");
}

TEST(SpecStatsTest, EmptySpecHasZeroesAndAnEmptyFileMap) {
  const std::string json = StatsToJson(ComputeStats(Spec{}));
  EXPECT_NE(json.find("\"clauses_by_strength\": {\"MUST\": 0, \"SHOULD\": 0, "
                      "\"MAY\": 0}"),
            std::string::npos);
  EXPECT_NE(json.find("\"files\": {}\n}\n"), std::string::npos) << json;
}

TEST(SpecStatsTest, FileNamesAreJsonEscaped) {
  Spec spec;
  spec.files.push_back(SpecFile{"dir/we\"ird\\.xml", "p", {}, {}});
  EXPECT_NE(StatsToJson(ComputeStats(spec)).find("\"we\\\"ird\\\\.xml\""),
            std::string::npos);
}

TEST(SpecStatsTest, TextTableListsEveryKindAndFile) {
  const std::string text = StatsToText(CleanStats());
  EXPECT_NE(text.find("functions            1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("clauses             11  (MUST 9, SHOULD 1, MAY 1; "
                      "provider 8, client 3)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  send.xml                    10    11\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace wskconf::conformance
