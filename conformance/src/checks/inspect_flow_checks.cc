// Check helpers for conditional accept (spec/events.xml WskInspectEvent and
// WskAbortEvent, socket-listen.xml WskInspectComplete, options.xml
// SO_CONDITIONAL_ACCEPT, ioctls.xml SIO_WSK_QUERY_INSPECT_ID). A host peer
// connects from another thread, since a provider may hold its handshake
// until the client decides.
#include <cstring>
#include <future>
#include <mutex>

#include "checks/check_support.h"
#include "checks/control_ops.h"
#include "checks/event_support.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::CreateWithMock;
using internal::ExpectClauseStatus;
using internal::MockedSocket;
using internal::Signal;
using ::testing::_;
using ::testing::AnyNumber;

namespace {

bool SameId(const WSK_INSPECT_ID& a, const WSK_INSPECT_ID& b) {
  return a.Key == b.Key && a.SerialNumber == b.SerialNumber;
}

// A mocked listening socket with conditional accept on (or off), bound to
// loopback; the mock's inspect answers come from `action`.
struct Conditional {
  explicit Conditional(WskClientSession& session) : s(session) {}

  ::testing::AssertionResult Open(const CaseInfo& info, bool conditional,
                                  WSK_INSPECT_ACTION action) {
    EXPECT_CALL(*s.mock, Inspect(_, _, _))
        .Times(AnyNumber())
        .WillRepeatedly([this, action](PSOCKADDR, PSOCKADDR, PWSK_INSPECT_ID id) {
          std::lock_guard<std::mutex> lock(mu);
          ++inspections;
          inspect_id = *id;
          inspected.Set();
          return action;
        });
    EXPECT_CALL(*s.mock, Abort(_)).Times(AnyNumber()).WillRepeatedly(
        [this](PWSK_INSPECT_ID id) {
          std::lock_guard<std::mutex> lock(mu);
          abort_id = *id;
          aborted.Set();
          return STATUS_SUCCESS;
        });
    auto created = CreateWithMock(s, info);
    if (!created) return created;
    if (conditional) {
      const CallOutcome set = internal::SetUlong(s.socket, SO_CONDITIONAL_ACCEPT, 1);
      if (!set.ok) return set.ok;
      if (set.status != STATUS_SUCCESS) {
        return ::testing::AssertionFailure()
               << "setting SO_CONDITIONAL_ACCEPT gave " << StatusText(set.status);
      }
    }
    const CallOutcome bound =
        internal::BindTo(s.socket, LoopbackAddress(info.address_family));
    if (!bound.ok || bound.status != STATUS_SUCCESS) {
      return ::testing::AssertionFailure() << "precondition: WskBind failed";
    }
    SOCKADDR_STORAGE local;
    const CallOutcome query = internal::GetLocalAddress(s.socket, &local);
    if (!query.ok) return query.ok;
    port = PortOf(reinterpret_cast<SOCKADDR*>(&local));
    ipv6 = internal::IsIpv6(info.address_family);
    return ::testing::AssertionSuccess();
  }

  // The host peer's connect, on its own thread.
  void ConnectPeer() {
    const bool v6 = ipv6;
    const uint16_t p = port;
    peer = std::async(std::launch::async, [v6, p] {
      return HostConnection::Connect(v6, p, kExpectCompletion);
    });
  }
  HostConnection TakePeer() { return peer.get(); }

  NTSTATUS StartAccept(TrackedIrp& irp) {
    return internal::FunctionsOf(s.socket).Accept(s.socket.get(), 0, nullptr,
                                                  nullptr, nullptr, nullptr,
                                                  irp.irp());
  }

  CallOutcome Complete(WSK_INSPECT_ACTION action) {
    WSK_INSPECT_ID id;
    {
      std::lock_guard<std::mutex> lock(mu);
      id = inspect_id;
    }
    // The ID reaches this thread from inside WskInspectEvent, possibly
    // before the callback has returned: a provider must take the decision
    // then too (the reference keeps it until the callback answers).
    TrackedIrp irp("WskInspectComplete");
    return internal::Finish(
        irp, s.socket.table<WSK_PROVIDER_LISTEN_DISPATCH>()->WskInspectComplete(
                 s.socket.get(), &id, action, irp.irp()));
  }

  // What the callbacks touch comes first, so it outlives the socket.
  std::mutex mu;
  int inspections = 0;
  WSK_INSPECT_ID inspect_id{};
  WSK_INSPECT_ID abort_id{};
  Signal inspected;
  Signal aborted;
  uint16_t port = 0;
  bool ipv6 = false;
  std::future<HostConnection> peer;
  MockedSocket s;
};

// Adopts the socket an accept IRP delivered (into `owner`).
void AdoptAccepted(const CallOutcome& outcome, WskSocketOwner& owner) {
  if (outcome.ok && outcome.status == STATUS_SUCCESS && outcome.information != 0) {
    owner.Adopt(reinterpret_cast<PWSK_SOCKET>(outcome.information),
                SocketCategory::kConnection);
  }
}

// The peer's connection was refused or ended: no connection for it.
void ExpectPeerRefused(HostConnection peer) {
  if (!peer.ok()) return;  // the handshake itself was refused
  const PeerEnd end = peer.WaitForEnd(kExpectCompletion);
  EXPECT_TRUE(end == PeerEnd::kReset || end == PeerEnd::kOrderly)
      << "the rejected request still has a connection: the peer saw "
      << PeerEndName(end);
}

// The accepted socket knows its inspect ID (SIO_WSK_QUERY_INSPECT_ID).
void ExpectInspectId(const WskSocketOwner& owner, const WSK_INSPECT_ID& expected) {
  WSK_INSPECT_ID id{};
  internal::Control q;
  q.type = WskIoctl;
  q.code = SIO_WSK_QUERY_INSPECT_ID;
  q.level = 0;
  q.output = &id;
  q.output_size = sizeof id;
  q.with_irp = false;
  SIZE_T size = 0;
  const CallOutcome queried = internal::ControlCall(owner, q, &size);
  ASSERT_TRUE(queried.ok);
  EXPECT_EQ(queried.status, STATUS_SUCCESS)
      << "SIO_WSK_QUERY_INSPECT_ID gave " << StatusText(queried.status);
  EXPECT_EQ(size, sizeof(WSK_INSPECT_ID));
  EXPECT_TRUE(SameId(id, expected))
      << "the queried inspect ID is not the one WskInspectEvent saw";
}

// Conditional listener, `action` from WskInspectEvent, a queued WskAccept.
void InspectThenAccept(const CaseInfo& info, WSK_INSPECT_ACTION action,
                       bool conditional = true) {
  WSKCONF_OPEN_SESSION(session);
  Conditional c(session);
  ASSERT_TRUE(c.Open(info, conditional, action));
  TrackedIrp irp("WskAccept");
  const NTSTATUS returned = c.StartAccept(irp);
  c.ConnectPeer();
  if (!conditional) {
    const CallOutcome done = internal::Finish(irp, returned);
    WskSocketOwner owner(session);
    AdoptAccepted(done, owner);
    ASSERT_TRUE(done.ok);
    EXPECT_EQ(done.status, STATUS_SUCCESS);
    EXPECT_FALSE(c.inspected.Wait(kExpectNoCompletion))
        << "WskInspectEvent was called without conditional accept";
    ExpectClauseStatus(info, done.status, "WskAccept");
    return;
  }
  ASSERT_TRUE(c.inspected.Wait(kExpectCompletion)) << "WskInspectEvent was not called";
  if (action == WskInspectPend) {
    const CallOutcome completed = c.Complete(WskInspectAccept);
    ASSERT_TRUE(completed.ok);
    ExpectClauseStatus(info, completed.status, "WskInspectComplete(WskInspectAccept)",
                       StatusClass::kSuccessOrPending);
  }
  const CallOutcome done = internal::Finish(irp, returned);
  WskSocketOwner owner(session);
  AdoptAccepted(done, owner);
  ASSERT_TRUE(done.ok);
  ASSERT_EQ(done.status, STATUS_SUCCESS) << "the accepted request delivered no socket";
  HostConnection peer = c.TakePeer();
  EXPECT_TRUE(peer.ok()) << "the peer's connect failed";
  std::lock_guard<std::mutex> lock(c.mu);
  EXPECT_EQ(c.inspections, 1) << "WskInspectEvent not called once per request";
  if (action == WskInspectAccept) ExpectClauseStatus(info, done.status, "WskAccept");
  ExpectInspectId(owner, c.inspect_id);
}

}  // namespace

void InspectAccept(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  InspectThenAccept(info, WskInspectAccept);
}

void InspectPendThenAccept(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  InspectThenAccept(info, WskInspectPend);
}

void NoInspectWithoutConditionalAccept(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  InspectThenAccept(info, WskInspectAccept, false);
}

namespace {

void InspectThenReject(const CaseInfo& info, bool pend) {
  WSKCONF_OPEN_SESSION(session);
  Conditional c(session);
  ASSERT_TRUE(c.Open(info, true, pend ? WskInspectPend : WskInspectReject));
  TrackedIrp irp("WskAccept");
  const NTSTATUS returned = c.StartAccept(irp);
  c.ConnectPeer();
  ASSERT_TRUE(c.inspected.Wait(kExpectCompletion)) << "WskInspectEvent was not called";
  if (pend) {
    const CallOutcome completed = c.Complete(WskInspectReject);
    ASSERT_TRUE(completed.ok);
    ExpectClauseStatus(info, completed.status, "WskInspectComplete(WskInspectReject)");
  } else {
    ExpectClauseStatus(info, STATUS_SUCCESS, "WskInspectEvent");
  }
  ExpectPeerRefused(c.TakePeer());
  EXPECT_TRUE(irp.ExpectStillPending(returned))
      << "a rejected request delivered a socket";
  EXPECT_FALSE(c.aborted.Wait(kExpectNoCompletion))
      << "WskAbortEvent was called for a rejected request";
}

}  // namespace

void InspectReject(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  InspectThenReject(info, false);
}

void InspectPendThenReject(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  InspectThenReject(info, true);
}

namespace {

// Pends the request, lets the peer drop it, checks WskAbortEvent; then
// (with `complete_after`) accepts it anyway and checks nothing is delivered.
void PeerDropsPended(const CaseInfo& info, bool complete_after) {
  WSKCONF_OPEN_SESSION(session);
  Conditional c(session);
  ASSERT_TRUE(c.Open(info, true, WskInspectPend));
  TrackedIrp irp("WskAccept");
  const NTSTATUS returned = c.StartAccept(irp);
  c.ConnectPeer();
  ASSERT_TRUE(c.inspected.Wait(kExpectCompletion)) << "WskInspectEvent was not called";
  HostConnection peer = c.TakePeer();
  if (peer.ok()) peer.CloseWithReset();
  ASSERT_TRUE(c.aborted.Wait(kExpectCompletion))
      << "WskAbortEvent was not called after the peer dropped a pended request";
  {
    std::lock_guard<std::mutex> lock(c.mu);
    EXPECT_TRUE(SameId(c.abort_id, c.inspect_id))
        << "WskAbortEvent's inspect ID differs from WskInspectEvent's";
  }
  if (!complete_after) {
    ExpectClauseStatus(info, STATUS_SUCCESS, "WskAbortEvent");
    return;
  }
  const CallOutcome completed = c.Complete(WskInspectAccept);
  ASSERT_TRUE(completed.ok);
  EXPECT_TRUE(irp.ExpectStillPending(returned))
      << "accepting an aborted request delivered a socket";
  ExpectClauseStatus(info, STATUS_SUCCESS, "WskInspectComplete after WskAbortEvent");
}

}  // namespace

void InspectPendPeerDrops(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  PeerDropsPended(info, false);
}

void InspectCompleteAfterAbort(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  PeerDropsPended(info, true);
}

void InspectCompleteUnknownId(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  Conditional c(session);
  ASSERT_TRUE(c.Open(info, true, WskInspectPend));
  TrackedIrp accept_irp("WskAccept");
  const NTSTATUS accept_returned = c.StartAccept(accept_irp);
  c.ConnectPeer();
  ASSERT_TRUE(c.inspected.Wait(kExpectCompletion)) << "WskInspectEvent was not called";
  const auto complete = c.s.socket.table<WSK_PROVIDER_LISTEN_DISPATCH>()->WskInspectComplete;
  // An ID no request was given, then the pended one with an unknown action.
  WSK_INSPECT_ID unknown{0x5EED, 0x7777};
  {
    TrackedIrp irp("WskInspectComplete (unknown ID)");
    const CallOutcome done = internal::Finish(
        irp, complete(c.s.socket.get(), &unknown, WskInspectAccept, irp.irp()));
    ASSERT_TRUE(done.ok);
    ExpectClauseStatus(info, done.status, "WskInspectComplete of an unknown ID");
  }
  {
    WSK_INSPECT_ID pended;
    {
      std::lock_guard<std::mutex> lock(c.mu);
      pended = c.inspect_id;
    }
    TrackedIrp irp("WskInspectComplete (WskInspectMax)");
    const CallOutcome done = internal::Finish(
        irp, complete(c.s.socket.get(), &pended, WskInspectMax, irp.irp()));
    ASSERT_TRUE(done.ok);
    ExpectClauseStatus(info, done.status, "WskInspectComplete with Action WskInspectMax");
  }
  // The pended request is still pending: no socket was handed over.
  EXPECT_TRUE(accept_irp.ExpectStillPending(accept_returned))
      << "a refused WskInspectComplete delivered a socket";
}

}  // namespace wskconf::conformance::checks
