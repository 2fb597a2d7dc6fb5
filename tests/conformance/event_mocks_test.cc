// The event-callback mocks: calls are forwarded with their arguments, and a
// wrong SocketContext, a call after close, or WSK_FLAG_AT_DISPATCH_LEVEL
// below DISPATCH_LEVEL is reported as a failure.
#include "wskconf/conformance/event_mocks.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace wskconf::conformance {
namespace {

using ::testing::Return;

TEST(ClientEventMock, ForwardsReceiveWithItsArguments) {
  ClientEventMock mock;
  SIZE_T accepted = 0;
  EXPECT_CALL(mock, Receive(0u, nullptr, 42u, &accepted))
      .WillOnce(Return(STATUS_DATA_NOT_ACCEPTED));
  EXPECT_EQ(mock.connection_dispatch()->WskReceiveEvent(mock.context(), 0,
                                                        nullptr, 42, &accepted),
            STATUS_DATA_NOT_ACCEPTED);
  EXPECT_EQ(mock.calls(), 1);
}

TEST(ClientEventMock, StreamTableHasBothRoles) {
  ClientEventMock mock;
  EXPECT_EQ(mock.stream_dispatch()->Listen, mock.listen_dispatch());
  EXPECT_EQ(mock.stream_dispatch()->Connect, mock.connection_dispatch());
  EXPECT_CALL(mock, Disconnect(WSK_FLAG_ABORTIVE))
      .WillOnce(Return(STATUS_SUCCESS));
  mock.stream_dispatch()->Connect->WskDisconnectEvent(mock.context(),
                                                      WSK_FLAG_ABORTIVE);
}

TEST(ClientEventMock, WrongSocketContextIsReportedAndNotTouched) {
  static int not_a_mock = 0;
  ClientEventMock mock;
  EXPECT_NONFATAL_FAILURE(
      mock.connection_dispatch()->WskDisconnectEvent(&not_a_mock, 0),
      "Events.SocketContextPassedBack");
  EXPECT_EQ(mock.calls(), 0);
}

TEST(ClientEventMock, CallAfterCloseIsReported) {
  static ::testing::NiceMock<ClientEventMock>* mock;
  mock = new ::testing::NiceMock<ClientEventMock>;
  mock->MarkClosed();
  EXPECT_NONFATAL_FAILURE(
      mock->connection_dispatch()->WskSendBacklogEvent(mock->context(), 4096),
      "called after the socket was closed");
  delete mock;
}

TEST(ClientEventMock, AtDispatchFlagBelowDispatchIsReported) {
  static ::testing::NiceMock<ClientEventMock>* mock;
  mock = new ::testing::NiceMock<ClientEventMock>;
  EXPECT_NONFATAL_FAILURE(
      mock->datagram_dispatch()->WskReceiveFromEvent(
          mock->context(), WSK_FLAG_AT_DISPATCH_LEVEL, nullptr),
      "Events.AtDispatchFlagMatchesIrql");
  delete mock;
}

TEST(ClientEventMock, AtDispatchFlagAtDispatchIsFine) {
  ::testing::NiceMock<ClientEventMock> mock;
  KIRQL old_irql;
  KeRaiseIrql(DISPATCH_LEVEL, &old_irql);
  mock.datagram_dispatch()->WskReceiveFromEvent(
      mock.context(), WSK_FLAG_AT_DISPATCH_LEVEL, nullptr);
  KeLowerIrql(old_irql);
  EXPECT_EQ(mock.calls(), 1);
}

TEST(ClientEventMock, ClientEventGoesThroughTheClientTable) {
  ClientEventMock mock;
  EXPECT_CALL(mock, ClientEvent(WSK_TRANSPORT_LIST_CHANGE, nullptr, 0u))
      .WillOnce(Return(STATUS_SUCCESS));
  EXPECT_EQ(mock.client_dispatch()->WskClientEvent(
                mock.context(), WSK_TRANSPORT_LIST_CHANGE, nullptr, 0),
            STATUS_SUCCESS);
}

}  // namespace
}  // namespace wskconf::conformance
