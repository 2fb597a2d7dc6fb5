// Runs headers_c_test.c: the WDK headers compiled as C11 by a client written
// the WDK way, and what it observed.
#include "headers_c_test.h"

#include <gtest/gtest.h>

namespace {

TEST(HeadersCTest, BasicFunctionsAreReachableBothWaysInC) {
  EXPECT_EQ(WskconfHeadersCCallBothSpellings(), 7u);
}

TEST(HeadersCTest, PositionalInitializerFillsBasicFirst) {
  EXPECT_TRUE(WskconfHeadersCPositionalFillsBasic());
}

TEST(HeadersCTest, InAddrAccessorsWork) {
  EXPECT_EQ(WskconfHeadersCLoopbackV4(), 0x0100007Fu);
}

TEST(HeadersCTest, In6AddrAndScopeAccessorsWork) {
  EXPECT_TRUE(WskconfHeadersCV6ScopeAndBytes());
}

TEST(HeadersCTest, NmrCharacteristicsInitializeAsInTheGuide) {
  EXPECT_TRUE(WskconfHeadersCNmrCharacteristics());
}

TEST(HeadersCTest, StatusNamesAreCallableFromC) {
  EXPECT_STREQ(WskconfHeadersCStatusName(), "STATUS_REQUEST_NOT_ACCEPTED");
}

}  // namespace
