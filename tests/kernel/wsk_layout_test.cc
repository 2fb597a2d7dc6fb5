// C++20 half of the wsk layout test: the facts of wsk_layout_test.h as
// static asserts, one test per type and per VALUES.md table comparing the C11
// view (wsk_layout_test.c) and this one with Windows x64, and the C++ side
// of the dispatch-table spellings WDK code uses.
#include "wsk_layout_test.h"

#include <gtest/gtest.h>

#include <cstring>
#include <iterator>

namespace {

WSKCONF_WSK_LAYOUTS(WSKCONF_ASSERT_SIZE, WSKCONF_ASSERT_ALIGN,
                    WSKCONF_ASSERT_OFFSET)
WSKCONF_WSK_VALUES(WSKCONF_ASSERT_VALUE)

const WskconfLayoutRow kLayoutRows[] = {WSKCONF_WSK_LAYOUTS(
    WSKCONF_ROW_SIZE, WSKCONF_ROW_ALIGN, WSKCONF_ROW_OFFSET)};
const WskconfLayoutRow kValueRows[] = {WSKCONF_WSK_VALUES(WSKCONF_ROW_VALUE)};

class WskLayoutTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WskLayoutTest, MatchesWindowsX64InCAndCxx) {
  size_t c_count = 0;
  const WskconfLayoutRow* c_rows = WskconfWskLayoutRowsC(&c_count);
  wskconf::testing::ExpectLayoutGroup(GetParam(), c_rows, c_count, kLayoutRows,
                                      std::size(kLayoutRows));
}

INSTANTIATE_TEST_SUITE_P(Types, WskLayoutTest,
                         ::testing::ValuesIn(wskconf::testing::LayoutGroups(
                             kLayoutRows, std::size(kLayoutRows))),
                         wskconf::testing::LayoutGroupName());

class WskValuesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WskValuesTest, MatchWindowsInCAndCxx) {
  size_t c_count = 0;
  const WskconfLayoutRow* c_rows = WskconfWskValueRowsC(&c_count);
  wskconf::testing::ExpectLayoutGroup(GetParam(), c_rows, c_count, kValueRows,
                                      std::size(kValueRows));
}

INSTANTIATE_TEST_SUITE_P(Tables, WskValuesTest,
                         ::testing::ValuesIn(wskconf::testing::LayoutGroups(
                             kValueRows, std::size(kValueRows))),
                         wskconf::testing::LayoutGroupName());

TEST(WskTest, NpiWskInterfaceIdHasTheWindowsValue) {
  const GUID expected = {0x2227E803,
                         0x8D8B,
                         0x11D4,
                         {0xAB, 0xAD, 0x00, 0x90, 0x27, 0x71, 0x9E, 0x09}};
  EXPECT_EQ(std::memcmp(&NPI_WSK_INTERFACE_ID, &expected, sizeof(GUID)), 0);
}

NTSTATUS WSKAPI RecordControl(PWSK_SOCKET, WSK_CONTROL_SOCKET_TYPE, ULONG,
                              ULONG, SIZE_T, PVOID, SIZE_T, PVOID, SIZE_T*,
                              PIRP) {
  return STATUS_NOT_SUPPORTED;
}
NTSTATUS WSKAPI RecordClose(PWSK_SOCKET, PIRP) { return STATUS_PENDING; }
NTSTATUS WSKAPI RecordBind(PWSK_SOCKET, PSOCKADDR, ULONG, PIRP) {
  return STATUS_SUCCESS;
}

TEST(WskTest, BasicFunctionsAreReachableBothWaysInCxx) {
  WSK_PROVIDER_CONNECTION_DISPATCH dispatch{};
  dispatch.Basic.WskControlSocket = RecordControl;
  dispatch.WskCloseSocket = RecordClose;
  EXPECT_EQ(dispatch.WskControlSocket, &RecordControl);
  EXPECT_EQ(dispatch.Basic.WskCloseSocket, &RecordClose);
  EXPECT_EQ(dispatch.WskCloseSocket(nullptr, nullptr), STATUS_PENDING);
}

TEST(WskTest, WdkStyleInitializersFillBasicFirst) {
  // Positional, as WDK samples write it, and C++20 designated.
  const WSK_PROVIDER_DATAGRAM_DISPATCH positional = {
      {RecordControl, RecordClose},
      RecordBind,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      nullptr};
  EXPECT_EQ(positional.WskControlSocket, &RecordControl);
  EXPECT_EQ(positional.Basic.WskCloseSocket, &RecordClose);
  EXPECT_EQ(positional.WskBind, &RecordBind);
  EXPECT_EQ(positional.WskSendMessages, nullptr);
  const WSK_PROVIDER_LISTEN_DISPATCH designated = {
      .Basic = {.WskControlSocket = RecordControl,
                .WskCloseSocket = RecordClose},
      .WskBind = RecordBind,
      .WskAccept = nullptr,
      .WskInspectComplete = nullptr,
      .WskGetLocalAddress = nullptr};
  EXPECT_EQ(designated.WskCloseSocket, &RecordClose);
  EXPECT_EQ(designated.WskBind, &RecordBind);
}

TEST(WskTest, ClientIsAnOpaquePointer) {
  static_assert(std::is_same_v<PWSK_CLIENT, PVOID>);
  static_assert(
      std::is_same_v<decltype(WSK_PROVIDER_NPI::Client), PWSK_CLIENT>);
}

}  // namespace
