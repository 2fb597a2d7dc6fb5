// Tests of kernel/src/irql.cc: the per-thread IRQL model, KeRaiseIrql /
// KeLowerIrql and the Irql.InvalidRaiseOrLower and PAGED_CODE checks.
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

#include <wskconf/ke.h>

#include "kernel_test_util.h"

namespace wskconf::kernel {
namespace {

using IrqlTest = ::wskconf::testing::KernelTest;

TEST(IrqlValuesTest, LevelsHaveWindowsValues) {
  static_assert(sizeof(KIRQL) == 1);
  EXPECT_EQ(0, PASSIVE_LEVEL);
  EXPECT_EQ(1, APC_LEVEL);
  EXPECT_EQ(2, DISPATCH_LEVEL);
  EXPECT_EQ(15, HIGH_LEVEL);
}

TEST_F(IrqlTest, ThreadStartsAtPassiveLevel) {
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
}

TEST_F(IrqlTest, RaiseAndLowerRoundTrip) {
  KIRQL old = HIGH_LEVEL;
  KeRaiseIrql(DISPATCH_LEVEL, &old);
  EXPECT_EQ(PASSIVE_LEVEL, old);
  EXPECT_EQ(DISPATCH_LEVEL, KeGetCurrentIrql());
  KIRQL middle = 0;
  KeRaiseIrql(HIGH_LEVEL, &middle);
  EXPECT_EQ(DISPATCH_LEVEL, middle);
  KeLowerIrql(middle);
  EXPECT_EQ(DISPATCH_LEVEL, KeGetCurrentIrql());
  KeLowerIrql(old);
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
}

TEST_F(IrqlTest, RaiseToSameLevelIsAllowed) {
  KIRQL old = 0;
  KeRaiseIrql(PASSIVE_LEVEL, &old);
  EXPECT_EQ(PASSIVE_LEVEL, old);
  KeLowerIrql(PASSIVE_LEVEL);
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
}

TEST_F(IrqlTest, RaiseToDpcLevelReturnsPrevious) {
  KIRQL old = KeRaiseIrqlToDpcLevel();
  EXPECT_EQ(PASSIVE_LEVEL, old);
  EXPECT_EQ(DISPATCH_LEVEL, KeGetCurrentIrql());
  KeLowerIrql(old);
}

TEST_F(IrqlTest, RaiseToLowerLevelIsReported) {
  KIRQL old = 0;
  KeRaiseIrql(DISPATCH_LEVEL, &old);
  KIRQL ignored = 0;
  KeRaiseIrql(APC_LEVEL, &ignored);
  ExpectViolation("Irql.InvalidRaiseOrLower");
  EXPECT_EQ(DISPATCH_LEVEL, KeGetCurrentIrql()) << "IRQL must stay unchanged";
  KeLowerIrql(old);
}

TEST_F(IrqlTest, RaiseAboveHighLevelIsReported) {
  KIRQL old = 0;
  KeRaiseIrql(HIGH_LEVEL + 1, &old);
  ExpectViolation("Irql.InvalidRaiseOrLower");
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
}

TEST_F(IrqlTest, LowerToHigherLevelIsReported) {
  KeLowerIrql(DISPATCH_LEVEL);
  ExpectViolation("Irql.InvalidRaiseOrLower");
  EXPECT_EQ(PASSIVE_LEVEL, KeGetCurrentIrql());
}

TEST_F(IrqlTest, IrqlIsPerThread) {
  KIRQL old = KeRaiseIrqlToDpcLevel();
  KIRQL other = HIGH_LEVEL;
  std::thread([&] { other = KeGetCurrentIrql(); }).join();
  EXPECT_EQ(PASSIVE_LEVEL, other);
  KeLowerIrql(old);
}

void PagedRoutine() { PAGED_CODE(); }

TEST_F(IrqlTest, PagedCodeAtPassiveIsSilent) {
  PagedRoutine();
  KIRQL old = 0;
  KeRaiseIrql(APC_LEVEL, &old);
  PagedRoutine();
  KeLowerIrql(old);
  ExpectNoViolations();
}

TEST_F(IrqlTest, PagedCodeAtDispatchIsReported) {
  KIRQL old = KeRaiseIrqlToDpcLevel();
  PagedRoutine();
  KeLowerIrql(old);
  WSKCONF_VIOLATION violation =
      ExpectViolation("Irql.PassiveOnlyCallAtRaisedIrql");
  EXPECT_NE(nullptr, std::strstr(violation.Message, "PagedRoutine"))
      << violation.Message;
}

TEST_F(IrqlTest, CriticalRegionDisablesApcs) {
  EXPECT_FALSE(KeAreApcsDisabled());
  KeEnterCriticalRegion();
  EXPECT_TRUE(KeAreApcsDisabled());
  KeLeaveCriticalRegion();
  EXPECT_FALSE(KeAreApcsDisabled());
}

}  // namespace
}  // namespace wskconf::kernel
