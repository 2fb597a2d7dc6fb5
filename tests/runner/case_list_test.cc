// Unit tests of the runner's pieces: the child protocol's escaping and record
// parsing, GoogleTest list parsing, filters, shards and --shard parsing.
#include <gtest/gtest.h>

#include "runner/supervisor.h"
#include "wskconf/child_protocol.h"
#include "wskconf/runner.h"

namespace wskconf::conformance {
namespace {

namespace cp = child_protocol;

TEST(ChildProtocolTest, EscapingRoundTripsEveryByte) {
  std::string raw;
  for (int byte = 0; byte < 256; ++byte) raw += static_cast<char>(byte);
  const std::string escaped = cp::EscapeField(raw);
  for (char c : escaped) {
    const auto byte = static_cast<unsigned char>(c);
    EXPECT_FALSE(byte < 0x20 || byte == 0x7F || c == '=') << int(byte);
  }
  EXPECT_EQ(cp::UnescapeField(escaped), raw);
}

TEST(ChildProtocolTest, DamagedEscapesAreRefused) {
  EXPECT_FALSE(cp::UnescapeField("%").has_value());
  EXPECT_FALSE(cp::UnescapeField("ab%4").has_value());
  EXPECT_FALSE(cp::UnescapeField("%G0").has_value());
  EXPECT_EQ(cp::UnescapeField("a%25b%3D"), "a%b=");
}

TEST(ChildProtocolTest, ParsesEndRecordsWithProperties) {
  auto record = internal::ParseRecord(
      "end\tname=S.T/0\tresult=fail\tmessage=a%0Ab\tprop.clause=X.Y");
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->kind, "end");
  EXPECT_EQ(record->fields["name"], "S.T/0");
  EXPECT_EQ(record->fields["result"], "fail");
  EXPECT_EQ(record->fields["message"], "a\nb");
  EXPECT_EQ(record->properties["clause"], "X.Y");
}

TEST(ChildProtocolTest, RefusesDamagedRecords) {
  EXPECT_FALSE(internal::ParseRecord("").has_value());
  EXPECT_FALSE(internal::ParseRecord("bogus\tname=x").has_value());
  EXPECT_FALSE(internal::ParseRecord("start").has_value());
  EXPECT_FALSE(internal::ParseRecord("end\tname=x").has_value());  // no result
  EXPECT_FALSE(internal::ParseRecord("start\tname").has_value());
  EXPECT_FALSE(internal::ParseRecord("start\tname=%Z1").has_value());
  EXPECT_TRUE(internal::ParseRecord("start\tname=x").has_value());
}

TEST(CaseListTest, ParsesGtestListOutput) {
  const std::string text =
      "Basic.\n"
      "  Passes\n"
      "  DISABLED_Off\n"
      "Numbers/Param.  # TypeParam = int\n"
      "  Even/0  # GetParam() = 2\n"
      "  Even/1  # GetParam() = 3\n";
  EXPECT_EQ(ParseGtestList(text),
            (std::vector<std::string>{"Basic.Passes", "Basic.DISABLED_Off",
                                      "Numbers/Param.Even/0", "Numbers/Param.Even/1"}));
}

TEST(CaseListTest, FilterMatchesNamesAndClauseIds) {
  EXPECT_TRUE(MatchesFilter("", "A.B", ""));
  EXPECT_TRUE(MatchesFilter("A.*", "A.B", ""));
  EXPECT_FALSE(MatchesFilter("C.*", "A.B", ""));
  EXPECT_TRUE(MatchesFilter("WskSend.*", "WskSend_X.Stream", "WskSend.X"));
  EXPECT_FALSE(MatchesFilter("-A.B", "A.B", ""));
  EXPECT_TRUE(MatchesFilter("-A.B", "A.C", ""));
  EXPECT_FALSE(MatchesFilter("A.*:-*.B", "A.B", ""));
  EXPECT_TRUE(MatchesFilter("X.*:A.?", "A.B", ""));
}

TEST(CaseListTest, ShardsAreADeterministicPartition) {
  std::vector<TestCase> cases;
  for (int i = 0; i < 10; ++i) cases.push_back({"/bin/t", "S.T" + std::to_string(i)});
  std::vector<TestCase> reversed(cases.rbegin(), cases.rend());
  std::set<std::string> seen;
  for (int index = 0; index < 3; ++index) {
    const std::vector<TestCase> shard = SelectShard(cases, index, 3);
    EXPECT_EQ(shard, SelectShard(reversed, index, 3));  // order does not matter
    for (const TestCase& c : shard) EXPECT_TRUE(seen.insert(c.name).second);
  }
  EXPECT_EQ(seen.size(), cases.size());
}

TEST(CaseListTest, ParsesShardFlag) {
  RunOptions options;
  EXPECT_TRUE(ParseShard("1/3", options).ok());
  EXPECT_EQ(options.shard_index, 1);
  EXPECT_EQ(options.shard_count, 3);
  for (const char* bad : {"3/3", "-1/2", "1/0", "1", "a/b", "1/2x", "/2", ""}) {
    Status status = ParseShard(bad, options);
    EXPECT_FALSE(status.ok()) << bad;
    EXPECT_NE(status.message().find("--shard"), std::string::npos);
  }
}

TEST(CaseListTest, ChecksPolicies) {
  for (const char* good : {"inline", "pend", "random:0", "random:123456789"}) {
    EXPECT_TRUE(CheckPolicy(good).ok()) << good;
  }
  for (const char* bad : {"", "Inline", "random", "random:", "random:-1", "random:1a"}) {
    EXPECT_FALSE(CheckPolicy(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace wskconf::conformance
