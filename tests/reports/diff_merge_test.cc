// Tests of reports/src/diff_merge.cc.
#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sample_run.h"
#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

CaseResult* Find(RunResult& run, std::string_view name) {
  for (CaseResult& c : run.cases) {
    if (c.name == name) return &c;
  }
  ADD_FAILURE() << "no case " << name;
  static CaseResult dummy;
  return &dummy;
}

TEST(DiffRunsTest, SameRunHasNoDifferences) {
  const RunDiff diff = DiffRuns(testing::SampleRun(), testing::SampleRun());
  EXPECT_THAT(diff.newly_failing, IsEmpty());
  EXPECT_THAT(diff.newly_passing, IsEmpty());
  EXPECT_THAT(diff.changed, IsEmpty());
  EXPECT_THAT(diff.added, IsEmpty());
  EXPECT_THAT(diff.removed, IsEmpty());
}

TEST(DiffRunsTest, ClassifiesEachKindOfChange) {
  const RunResult old_run = testing::SampleRun();
  RunResult new_run = testing::SampleRun();
  Find(new_run, "WskSend.WSK_Send_0001/Tcp_Inet")->verdict = Verdict::kError;   // pass->error
  Find(new_run, "WskSend.WSK_Send_0002/Tcp_Inet6")->verdict = Verdict::kPass;   // fail->pass
  Find(new_run, "WskBind.WSK_Bind_0009/Udp_Inet")->verdict = Verdict::kWarn;    // error->warn
  Find(new_run, "WskBind.WSK_Bind_0008/Udp_Inet")->verdict = Verdict::kPass;    // skip->pass
  Find(new_run, "WskBind.WSK_Bind_0007/Udp_Inet")->verdict = Verdict::kFail;    // warn->fail
  std::erase_if(new_run.cases, [](const CaseResult& c) {
    return c.name == "Registration.WSK_Register_0001";
  });
  new_run.cases.push_back({.name = "A.New", .verdict = Verdict::kFail});
  new_run.cases.push_back({.name = "A.NewPassing", .verdict = Verdict::kPass});
  const RunDiff diff = DiffRuns(old_run, new_run);
  EXPECT_THAT(diff.newly_failing, ElementsAre("A.New", "WskBind.WSK_Bind_0007/Udp_Inet",
                                              "WskSend.WSK_Send_0001/Tcp_Inet"));
  EXPECT_THAT(diff.newly_passing, ElementsAre("WskBind.WSK_Bind_0009/Udp_Inet",
                                              "WskSend.WSK_Send_0002/Tcp_Inet6"));
  EXPECT_THAT(diff.changed, ElementsAre("WskBind.WSK_Bind_0008/Udp_Inet: skip -> pass"));
  EXPECT_THAT(diff.added, ElementsAre("A.New", "A.NewPassing"));
  EXPECT_THAT(diff.removed, ElementsAre("Registration.WSK_Register_0001"));
}

// Splits `run` as GoogleTest sharding does: case i to shard i % n.
std::vector<RunResult> Shard(const RunResult& run, std::size_t n) {
  std::vector<RunResult> shards(n, RunResult{run.adapter, run.policy, {}});
  for (std::size_t i = 0; i < run.cases.size(); ++i) {
    shards[i % n].cases.push_back(run.cases[i]);
  }
  return shards;
}

TEST(MergeRunsTest, MergedShardsEqualTheUnshardedRun) {
  const RunResult run = testing::SampleRun();
  for (std::size_t n : {1u, 2u, 3u, 10u}) {  // 10: some shards are empty
    StatusOr<RunResult> merged = MergeRuns(Shard(run, n));
    ASSERT_TRUE(merged.ok()) << merged.status().message();
    EXPECT_EQ(WriteRichJUnit(*merged), WriteRichJUnit(run)) << n << " shards";
    EXPECT_EQ(WriteStrictJUnit(*merged), WriteStrictJUnit(run)) << n << " shards";
    EXPECT_TRUE(std::is_sorted(merged->cases.begin(), merged->cases.end(),
                               [](const CaseResult& a, const CaseResult& b) {
                                 return a.name < b.name;
                               }));
  }
}

TEST(MergeRunsTest, MergedReadBackShardsEqualTheUnshardedRunReadBack) {
  const RunResult run = testing::SampleRun();
  std::vector<RunResult> read_shards;
  for (const RunResult& shard : Shard(run, 3)) {
    StatusOr<RunResult> read = ParseRichJUnit(WriteRichJUnit(shard), "shard.xml");
    ASSERT_TRUE(read.ok()) << read.status().message();
    read_shards.push_back(*read);
  }
  StatusOr<RunResult> merged = MergeRuns(read_shards);
  StatusOr<RunResult> whole = ParseRichJUnit(WriteRichJUnit(run), "whole.xml");
  ASSERT_TRUE(merged.ok() && whole.ok());
  EXPECT_EQ(*merged, *whole);
}

TEST(MergeRunsTest, RefusesShardsOfDifferentRuns) {
  std::vector<RunResult> shards = Shard(testing::SampleRun(), 2);
  shards[1].policy = "inline";
  StatusOr<RunResult> merged = MergeRuns(shards);
  ASSERT_FALSE(merged.ok());
  EXPECT_THAT(merged.status().message(),
              HasSubstr("shard 1 ran adapter 'reference' with policy 'inline'"));
}

TEST(MergeRunsTest, RefusesACaseInTwoShards) {
  std::vector<RunResult> shards = Shard(testing::SampleRun(), 2);
  shards[1].cases.push_back(shards[0].cases[0]);
  StatusOr<RunResult> merged = MergeRuns(shards);
  ASSERT_FALSE(merged.ok());
  EXPECT_THAT(merged.status().message(),
              HasSubstr("case 'WskSend.WSK_Send_0001/Tcp_Inet' is in shard 0 and shard 1"));
}

TEST(MergeRunsTest, RefusesNoShards) {
  EXPECT_FALSE(MergeRuns({}).ok());
}

}  // namespace
}  // namespace wskconf::reports
