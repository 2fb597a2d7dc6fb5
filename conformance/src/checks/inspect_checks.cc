// Check helpers for conditional accept: WskInspectEvent's verdicts,
// WskInspectComplete and the WSK_INSPECT_ID a provider hands out (spec/
// buffers.xml; checks_core.h). A listening socket with SO_CONDITIONAL_ACCEPT
// and a GMock client; host sockets connect to it.
#include <atomic>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks_core.h"
#include "wskconf/conformance/event_mocks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using ::testing::_;
using ::testing::AnyNumber;

namespace {

struct Listener {
  explicit Listener(WskClientSession& session)
      : mock(new ::testing::NiceMock<ClientEventMock>), socket(session) {}
  ~Listener() {
    if (socket.get() != nullptr) {
      EXPECT_TRUE(socket.Close());
    }
    mock->MarkClosed();
    if (LeakedObjectCount() == 0) delete mock;
  }
  ::testing::NiceMock<ClientEventMock>* mock;
  WskSocketOwner socket;
  USHORT port = 0;
};

// The inspections seen, in order.
struct Inspections {
  std::mutex lock;
  std::vector<WSK_INSPECT_ID> ids;
  std::vector<WSK_INSPECT_ID> aborted;
  KEVENT seen;
  KEVENT abort_seen;
  Inspections() {
    KeInitializeEvent(&seen, NotificationEvent, FALSE);
    KeInitializeEvent(&abort_seen, NotificationEvent, FALSE);
  }
  size_t count() {
    std::lock_guard<std::mutex> guard(lock);
    return ids.size();
  }
};

// A listening socket with conditional accept on, bound to loopback; the
// mock answers every inspection with `verdict` and records its id.
::testing::AssertionResult OpenConditional(Listener& l, const CaseInfo& info,
                                           Inspections& seen,
                                           WSK_INSPECT_ACTION verdict) {
  EXPECT_CALL(*l.mock, Inspect(_, _, _))
      .Times(AnyNumber())
      .WillRepeatedly([&seen, verdict](PSOCKADDR, PSOCKADDR, PWSK_INSPECT_ID id) {
        std::lock_guard<std::mutex> guard(seen.lock);
        seen.ids.push_back(id != nullptr ? *id : WSK_INSPECT_ID{});
        KeSetEvent(&seen.seen, IO_NO_INCREMENT, FALSE);
        return verdict;
      });
  EXPECT_CALL(*l.mock, Abort(_))
      .Times(AnyNumber())
      .WillRepeatedly([&seen](PWSK_INSPECT_ID id) {
        std::lock_guard<std::mutex> guard(seen.lock);
        seen.aborted.push_back(id != nullptr ? *id : WSK_INSPECT_ID{});
        KeSetEvent(&seen.abort_seen, IO_NO_INCREMENT, FALSE);
        return STATUS_SUCCESS;
      });
  auto created = l.socket.Create(SocketCategory::kListen, info.address_family,
                                 l.mock->context(),
                                 l.mock->dispatch_for(true, false, false));
  if (!created) return created;
  ULONG on = 1;
  TrackedIrp irp("WskControlSocket(SO_CONDITIONAL_ACCEPT)");
  const CallOutcome set = internal::Finish(
      irp, l.socket.basic()->WskControlSocket(
               l.socket.get(), WskSetOption, SO_CONDITIONAL_ACCEPT, SOL_SOCKET,
               sizeof on, &on, 0, nullptr, nullptr, irp.irp()));
  if (!set.ok) return set.ok;
  if (set.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << "precondition: SO_CONDITIONAL_ACCEPT gave " << StatusText(set.status);
  }
  const CallOutcome bound =
      internal::BindTo(l.socket, LoopbackAddress(info.address_family));
  if (!bound.ok || bound.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure() << "precondition: WskBind failed";
  }
  SOCKADDR_STORAGE local{};
  internal::GetLocalAddress(l.socket, &local);
  l.port = PortOf(reinterpret_cast<PSOCKADDR>(&local));
  return ::testing::AssertionSuccess();
}

NTSTATUS InspectComplete(Listener& l, WSK_INSPECT_ID id, WSK_INSPECT_ACTION action) {
  TrackedIrp irp("WskInspectComplete");
  const CallOutcome done = internal::Finish(
      irp, l.socket.table<WSK_PROVIDER_LISTEN_DISPATCH>()->WskInspectComplete(
               l.socket.get(), &id, action, irp.irp()));
  return done.ok ? done.status : STATUS_UNSUCCESSFUL;
}

// Starts a WskAccept on the listener; the IRP stays with the caller.
NTSTATUS StartAccept(Listener& l, TrackedIrp& irp) {
  return l.socket.table<WSK_PROVIDER_LISTEN_DISPATCH>()->WskAccept(
      l.socket.get(), 0, nullptr, nullptr, nullptr, nullptr, irp.irp());
}

bool SameId(const WSK_INSPECT_ID& a, const WSK_INSPECT_ID& b) {
  return a.Key == b.Key && a.SerialNumber == b.SerialNumber;
}

bool Ipv6(const CaseInfo& info) { return internal::IsIpv6(info.address_family); }

}  // namespace

void InspectAcceptContinues(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Listener l(session);
  Inspections seen;
  ASSERT_TRUE(OpenConditional(l, info, seen, WskInspectAccept));
  TrackedIrp accept("WskAccept");
  const NTSTATUS returned = StartAccept(l, accept);
  HostConnection peer = HostConnection::Connect(Ipv6(info), l.port, kExpectCompletion);
  ASSERT_TRUE(peer.ok());
  ASSERT_TRUE(WaitForEvent(&seen.seen, kExpectCompletion)) << "no WskInspectEvent";
  ASSERT_TRUE(accept.Finish(returned));
  RecordExpectedActual("the request accepted through WskAccept",
                       StatusText(accept.completion().status));
  ASSERT_EQ(accept.completion().status, STATUS_SUCCESS);
  WskSocketOwner accepted(session);
  accepted.Adopt(reinterpret_cast<PWSK_SOCKET>(accept.completion().information),
                 SocketCategory::kConnection);
  ASSERT_NE(accepted.get(), nullptr);
  ASSERT_TRUE(peer.SendAll("inspected"));
  internal::MdlBuffer buffer(64);
  WSK_BUF buf = buffer.Buf();
  TrackedIrp receive("WskReceive");
  const CallOutcome got = internal::Finish(
      receive, internal::FunctionsOf(accepted).Receive(accepted.get(), &buf, 0,
                                                       receive.irp()));
  ASSERT_TRUE(got.ok);
  EXPECT_EQ(buffer.Contents(got.information), std::string("inspected").substr(0, got.information));
}

void InspectRejectDrops(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Listener l(session);
  Inspections seen;
  ASSERT_TRUE(OpenConditional(l, info, seen, WskInspectReject));
  TrackedIrp accept("WskAccept");
  const NTSTATUS returned = StartAccept(l, accept);
  HostConnection peer = HostConnection::Connect(Ipv6(info), l.port, kExpectCompletion);
  ASSERT_TRUE(WaitForEvent(&seen.seen, kExpectCompletion)) << "no WskInspectEvent";
  // No socket for the rejected request: the accept stays pending, the host
  // side ends.
  EXPECT_TRUE(accept.ExpectStillPending(returned))
      << "a socket was created for a rejected request";
  if (peer.ok()) {
    const PeerEnd end = peer.WaitForEnd(kExpectCompletion);
    RecordExpectedActual("the host connection ends", std::string(PeerEndName(end)));
    EXPECT_TRUE(end == PeerEnd::kReset || end == PeerEnd::kOrderly)
        << "the rejected host connection " << PeerEndName(end);
  }
  if (!accept.completed()) {
    EXPECT_TRUE(accept.CancelAndWait());
  }
}

void InspectMaxRejected(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Listener l(session);
  Inspections seen;
  ASSERT_TRUE(OpenConditional(l, info, seen, WskInspectPend));
  TrackedIrp accept("WskAccept");
  const NTSTATUS returned = StartAccept(l, accept);
  HostConnection peer = HostConnection::Connect(Ipv6(info), l.port, kExpectCompletion);
  ASSERT_TRUE(WaitForEvent(&seen.seen, kExpectCompletion)) << "no WskInspectEvent";
  WSK_INSPECT_ID id;
  {
    std::lock_guard<std::mutex> guard(seen.lock);
    id = seen.ids.front();
  }
  ExpectClauseStatus(info, InspectComplete(l, id, WskInspectMax),
                     "WskInspectComplete(WskInspectMax)");
  ExpectClauseStatus(info, InspectComplete(l, id, static_cast<WSK_INSPECT_ACTION>(7)),
                     "WskInspectComplete(7)");
  EXPECT_TRUE(accept.ExpectStillPending(returned))
      << "an invalid action accepted the connection";
  EXPECT_EQ(InspectComplete(l, id, WskInspectReject), STATUS_SUCCESS);
  if (!accept.completed()) {
    EXPECT_TRUE(accept.CancelAndWait());
  }
}

void InspectIdsUnique(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Listener l(session);
  Inspections seen;
  ASSERT_TRUE(OpenConditional(l, info, seen, WskInspectPend));
  HostConnection first = HostConnection::Connect(Ipv6(info), l.port, kExpectCompletion);
  HostConnection second = HostConnection::Connect(Ipv6(info), l.port, kExpectCompletion);
  while (seen.count() < 2) {
    KeClearEvent(&seen.seen);
    if (seen.count() >= 2) break;
    if (!WaitForEvent(&seen.seen, kExpectCompletion)) break;
  }
  std::vector<WSK_INSPECT_ID> ids;
  {
    std::lock_guard<std::mutex> guard(seen.lock);
    ids = seen.ids;
  }
  RecordExpectedActual("two inspections with different ids",
                       fmt::format("{} inspections", ids.size()));
  ASSERT_EQ(ids.size(), 2u) << "two pending requests, two WskInspectEvent calls";
  EXPECT_FALSE(SameId(ids[0], ids[1]))
      << "two pending requests carry the same WSK_INSPECT_ID";
  for (const WSK_INSPECT_ID& id : ids) {
    EXPECT_EQ(InspectComplete(l, id, WskInspectReject), STATUS_SUCCESS);
  }
}

void InspectAbortSameId(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Listener l(session);
  Inspections seen;
  ASSERT_TRUE(OpenConditional(l, info, seen, WskInspectPend));
  HostConnection peer = HostConnection::Connect(Ipv6(info), l.port, kExpectCompletion);
  ASSERT_TRUE(WaitForEvent(&seen.seen, kExpectCompletion)) << "no WskInspectEvent";
  peer.CloseWithReset();  // the peer drops the pended request
  ASSERT_TRUE(WaitForEvent(&seen.abort_seen, kExpectCompletion))
      << "no WskAbortEvent after the peer dropped a pended request";
  std::lock_guard<std::mutex> guard(seen.lock);
  ASSERT_FALSE(seen.aborted.empty());
  RecordExpectedActual("the inspected id", fmt::format(
      "inspected {:#x}/{}, aborted {:#x}/{}", seen.ids[0].Key,
      seen.ids[0].SerialNumber, seen.aborted[0].Key, seen.aborted[0].SerialNumber));
  EXPECT_TRUE(SameId(seen.ids[0], seen.aborted[0]))
      << "WskAbortEvent's WSK_INSPECT_ID differs from WskInspectEvent's";
}

}  // namespace wskconf::conformance::checks
