// Sockets whose client is a GMock ClientEventMock, and the event-callback
// requests of the check helpers (private to conformance/src/checks).
#ifndef WSKCONF_CONFORMANCE_SRC_CHECKS_EVENT_SUPPORT_H_
#define WSKCONF_CONFORMANCE_SRC_CHECKS_EVENT_SUPPORT_H_

#include <wsk.h>

#include <gmock/gmock.h>

#include "checks/socket_ops.h"
#include "wskconf/conformance/case_info.h"
#include "wskconf/conformance/event_mocks.h"

namespace wskconf::conformance::checks::internal {

// A socket with its mock client. The mock outlives the socket; it is leaked
// with it when the harness had to leak something the provider may still
// call back through.
struct MockedSocket {
  explicit MockedSocket(WskClientSession& session)
      : mock(new ::testing::NiceMock<ClientEventMock>), socket(session) {}
  ~MockedSocket();
  MockedSocket(const MockedSocket&) = delete;
  MockedSocket& operator=(const MockedSocket&) = delete;
  ::testing::NiceMock<ClientEventMock>* mock;
  WskSocketOwner socket;
};

// WskSocket of the case's category and family with the mock's table and
// context.
::testing::AssertionResult CreateWithMock(MockedSocket& s, const CaseInfo& info);

// SO_WSK_EVENT_CALLBACK with `mask`: an enable with Irp NULL, a disable
// (WSK_EVENT_DISABLE included) with an IRP.
CallOutcome EnableEvents(const WskSocketOwner& socket, ULONG mask);
// SO_WSK_EVENT_CALLBACK enabling `control`'s events with Irp NULL
// (SO_WSK_EVENT_CALLBACK.EnableNoIrp); not ok if the call pended.
CallOutcome EnableWithoutIrp(const WskSocketOwner& socket,
                             WSK_EVENT_CALLBACK_CONTROL& control);

// A connected socket of the case whose client table is the mock's, with
// the host's end accepted.
::testing::AssertionResult ConnectWithMock(MockedSocket& s, const CaseInfo& info,
                                           ConnectedPair* pair);

// For a clause whose <expect status> is `answer`, the status the case's
// callback returned (STATUS_PENDING, STATUS_DATA_NOT_ACCEPTED), records that
// answer; otherwise checks `status` of `call` as ExpectClauseStatus does.
bool ExpectAnswerOrStatus(const CaseInfo& info, NTSTATUS answer, NTSTATUS status,
                          std::string_view call);

// The total of the Buffer.Length of an indication list.
SIZE_T IndicationTotal(PWSK_DATA_INDICATION data);
// The bytes an indication list describes, concatenated.
std::string IndicationBytes(PWSK_DATA_INDICATION data);

// A notification KEVENT for callbacks to signal (DISPATCH_LEVEL safe).
class Signal {
 public:
  Signal() { KeInitializeEvent(&event_, NotificationEvent, FALSE); }
  void Set() { KeSetEvent(&event_, IO_NO_INCREMENT, FALSE); }
  void Reset() { KeClearEvent(&event_); }
  bool Wait(std::chrono::milliseconds limit) { return WaitForEvent(&event_, limit); }

 private:
  KEVENT event_;
};

}  // namespace wskconf::conformance::checks::internal

#endif  // WSKCONF_CONFORMANCE_SRC_CHECKS_EVENT_SUPPORT_H_
