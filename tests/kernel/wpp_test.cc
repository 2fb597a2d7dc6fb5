// Tests cmake/WskconfWpp.cmake and kernel/src/wpp.cc: a driver whose files
// include their .tmh builds, and its trace calls format WPP's extensions.
#include <string>

#include <gtest/gtest.h>

#include <wskconf/wpp.h>

#include "wpp_driver.h"

namespace {

using Entry = NTSTATUS (*)(PDRIVER_OBJECT, PUNICODE_STRING, int);

class WppTest : public testing::TestWithParam<Entry> {};

TEST_P(WppTest, TraceEventsFormatsFuncAndStatus) {
  ULONG before = WskconfWppTraceCount();
  EXPECT_EQ(GetParam()(nullptr, nullptr, 0), STATUS_SUCCESS);
  EXPECT_EQ(WskconfWppTraceCount(), before + 1);
  std::string message = WskconfWppLastMessage();
  EXPECT_NE(message.find("WskconfWppDriver"), std::string::npos) << message;
  EXPECT_NE(message.find(" entry: STATUS_PENDING (0x00000103), 3 sockets"),
            std::string::npos)
      << message;
}

TEST_P(WppTest, DoTraceMessageFormatsAddressAndPort) {
  EXPECT_EQ(GetParam()(nullptr, nullptr, 1), STATUS_SUCCESS);
  EXPECT_STREQ(WskconfWppLastMessage(), "connected to 127.0.0.1:80 (tcp)");
}

TEST_P(WppTest, FixedLevelFunctionKeepsLiteralPercent) {
  EXPECT_EQ(GetParam()(nullptr, nullptr, 2), STATUS_SUCCESS);
  EXPECT_STREQ(WskconfWppLastMessage(),
               "send failed: STATUS_CONNECTION_RESET (0xC000020D) 100%");
}

TEST(WppTracingTest, TraceOutsideInitIsDropped) {
  ULONG before = WskconfWppTraceCount();
  WskconfWppTrace("f.c", 1, "F", TRACE_LEVEL_ERROR, "FLAG", "dropped %d", 1);
  EXPECT_EQ(WskconfWppTraceCount(), before);
  WskconfWppInitTracing(0, nullptr, nullptr);
  WskconfWppTrace("f.c", 1, "F", TRACE_LEVEL_ERROR, "FLAG", "kept %d", 2);
  WskconfWppCleanup(0, nullptr);
  EXPECT_EQ(WskconfWppTraceCount(), before + 1);
  EXPECT_STREQ(WskconfWppLastMessage(), "kept 2");
}

INSTANTIATE_TEST_SUITE_P(Languages, WppTest,
                         testing::Values(&WskconfWppDriverC,
                                         &WskconfWppDriverCpp),
                         [](const testing::TestParamInfo<Entry>& info) {
                           return info.index == 0 ? std::string("C")
                                                  : std::string("Cpp");
                         });

}  // namespace
