// Check helpers for socket options beyond a single read or write
// (spec/options.xml, socket-basic.xml WskControlSocket): the request type
// values, options that accepted sockets inherit, the options SOL_SOCKET
// offers, SO_WSK_SECURITY, and binds to distinct specific addresses.
#include <cstring>

#include "checks/check_support.h"
#include "checks/control_ops.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::CodeOf;
using internal::ExpectClauseStatus;
using internal::GetUlong;
using internal::SetUlong;

namespace {

// A listening socket of the case (listen or stream) with option `code` set
// to `value` before it listens, and one connection accepted on it.
struct AcceptedWithOption {
  explicit AcceptedWithOption(WskClientSession& session)
      : listener(session), accepted(session) {}
  ::testing::AssertionResult Open(const CaseInfo& info, ULONG code, ULONG value) {
    auto created = listener.Create(info.category, info.address_family);
    if (!created) return created;
    const CallOutcome set = SetUlong(listener, code, value);
    if (!set.ok) return set.ok;
    if (set.status != STATUS_SUCCESS) {
      return ::testing::AssertionFailure()
             << "setting the option on the listening socket gave "
             << StatusText(set.status);
    }
    const CallOutcome bound =
        internal::BindTo(listener, LoopbackAddress(info.address_family));
    if (!bound.ok || bound.status != STATUS_SUCCESS) {
      return ::testing::AssertionFailure() << "precondition: WskBind failed";
    }
    const CallOutcome listened = internal::Listen(listener);
    if (!listened.ok || listened.status != STATUS_SUCCESS) {
      return ::testing::AssertionFailure() << "precondition: WskListen failed";
    }
    SOCKADDR_STORAGE local;
    if (!internal::GetLocalAddress(listener, &local).ok) {
      return ::testing::AssertionFailure() << "precondition: no local address";
    }
    peer = HostConnection::Connect(internal::IsIpv6(info.address_family),
                                   PortOf(reinterpret_cast<SOCKADDR*>(&local)),
                                   kExpectCompletion);
    TrackedIrp irp("WskAccept");
    const CallOutcome done = internal::Finish(
        irp, internal::FunctionsOf(listener).Accept(listener.get(), 0, nullptr,
                                                    nullptr, nullptr, nullptr,
                                                    irp.irp()));
    if (!done.ok) return done.ok;
    if (done.status != STATUS_SUCCESS) {
      return ::testing::AssertionFailure()
             << "precondition: WskAccept gave " << StatusText(done.status);
    }
    accepted.Adopt(reinterpret_cast<PWSK_SOCKET>(done.information),
                   SocketCategory::kConnection);
    return ::testing::AssertionSuccess();
  }
  WskSocketOwner listener;
  HostConnection peer;
  WskSocketOwner accepted;
};

// The value a case sets: on for a switch, a receive buffer size otherwise.
ULONG SetValue(ULONG code) { return code == SO_RCVBUF ? 48u * 1024 : 1u; }
ULONG OtherValue(ULONG code) { return code == SO_RCVBUF ? 12u * 1024 : 0u; }

}  // namespace

void OptionInheritedByAccepted(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  AcceptedWithOption a(session);
  const ULONG code = CodeOf(info);
  ASSERT_TRUE(a.Open(info, code, SetValue(code)));
  ULONG on_listener = 0;
  ULONG on_accepted = 0xA5A5A5A5;
  ASSERT_TRUE(GetUlong(a.listener, code, &on_listener).ok);
  const CallOutcome got = GetUlong(a.accepted, code, &on_accepted);
  ASSERT_TRUE(got.ok);
  if (!ExpectClauseStatus(info, got.status, "WskGetOption on the accepted socket")) {
    return;
  }
  EXPECT_EQ(on_accepted, on_listener)
      << "the accepted socket did not inherit the listening socket's value";
}

void AcceptedOptionOverride(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  AcceptedWithOption a(session);
  const ULONG code = CodeOf(info);
  ASSERT_TRUE(a.Open(info, code, SetValue(code)));
  ULONG listener_before = 0;
  ULONG inherited = 0;
  ASSERT_TRUE(GetUlong(a.listener, code, &listener_before).ok);
  ASSERT_TRUE(GetUlong(a.accepted, code, &inherited).ok);
  const CallOutcome set = SetUlong(a.accepted, code, OtherValue(code));
  ASSERT_TRUE(set.ok);
  if (!ExpectClauseStatus(info, set.status, "WskSetOption on the accepted socket")) {
    return;
  }
  ULONG now = 0xA5A5A5A5;
  ULONG listener_after = 0xA5A5A5A5;
  ASSERT_TRUE(GetUlong(a.accepted, code, &now).ok);
  ASSERT_TRUE(GetUlong(a.listener, code, &listener_after).ok);
  EXPECT_NE(now, inherited) << "setting the accepted socket's option did not "
                               "replace the inherited value";
  EXPECT_EQ(listener_after, listener_before)
      << "setting the accepted socket's option changed the listening socket's";
}

void ControlRequestTypeValue(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, SocketCategory::kDatagram,
                                    info.address_family));
  // The request type is the element's value, used as a number: each value
  // must behave as the member the spec names.
  internal::Control c;
  c.type = static_cast<WSK_CONTROL_SOCKET_TYPE>(CodeOf(info));
  ULONG value = 1;
  SIZE_T returned_size = 0;
  alignas(8) unsigned char list[4096];
  switch (CodeOf(info)) {
    case 0:  // set: SO_REUSEADDR on, read back below
      c.code = SO_REUSEADDR;
      c.input = &value;
      c.input_size = sizeof value;
      break;
    case 1:  // get: SO_RCVBUF writes a ULONG
      c.code = SO_RCVBUF;
      value = 0;
      c.output = &value;
      c.output_size = sizeof value;
      break;
    default:  // IOCTL: the address list
      c.code = SIO_ADDRESS_LIST_QUERY;
      c.level = 0;
      c.output = list;
      c.output_size = sizeof list;
      c.with_irp = false;
      break;
  }
  const CallOutcome done = internal::ControlCall(socket, c, &returned_size);
  ASSERT_TRUE(done.ok);
  if (!ExpectClauseStatus(info, done.status, "WskControlSocket")) return;
  if (CodeOf(info) == 0) {
    ULONG back = 0;
    ASSERT_TRUE(GetUlong(socket, SO_REUSEADDR, &back).ok);
    EXPECT_EQ(back, 1u) << "RequestType 0 did not set the option";
  } else if (CodeOf(info) == 1) {
    EXPECT_GT(value, 0u) << "RequestType 1 wrote no receive buffer size";
  } else {
    EXPECT_GE(returned_size, sizeof(SOCKET_ADDRESS_LIST))
        << "RequestType 2 did not run the IOCTL";
  }
}

void GetOptionWritesValue(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(SocketCategory::kDatagram, info.address_family));
  const CallOutcome set = SetUlong(socket, SO_REUSEADDR, 1);
  ASSERT_TRUE(set.ok);
  ASSERT_EQ(set.status, STATUS_SUCCESS)
      << "precondition: setting SO_REUSEADDR gave " << StatusText(set.status);
  ULONG value = 0xA5A5A5A5;
  const CallOutcome got = GetUlong(socket, SO_REUSEADDR, &value);
  ASSERT_TRUE(got.ok);
  if (!ExpectClauseStatus(info, got.status, "WskGetOption(SO_REUSEADDR)")) return;
  EXPECT_EQ(value, 1u) << "OutputBuffer does not hold the option's value";
  EXPECT_EQ(got.information, sizeof(ULONG))
      << "IoStatus.Information is not the number of bytes written";
}

void SetOptionOnNewDatagram(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(SocketCategory::kDatagram, info.address_family));
  const CallOutcome set =
      SetUlong(socket, static_cast<ULONG>(SO_EXCLUSIVEADDRUSE), 1);
  ASSERT_TRUE(set.ok);
  ExpectClauseStatus(info, set.status, "WskSetOption(SO_EXCLUSIVEADDRUSE) on a "
                                       "new datagram socket");
}

void SolSocketOptionsKnown(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  struct Probe {
    ULONG code;
    SocketCategory category;
  };
  const Probe kProbes[] = {
      {SO_BROADCAST, SocketCategory::kDatagram},
      {SO_CONDITIONAL_ACCEPT, SocketCategory::kListen},
      {static_cast<ULONG>(SO_EXCLUSIVEADDRUSE), SocketCategory::kDatagram},
      {SO_KEEPALIVE, SocketCategory::kConnection},
      {SO_RCVBUF, SocketCategory::kDatagram},
      {SO_REUSEADDR, SocketCategory::kDatagram},
  };
  for (const Probe& probe : kProbes) {
    WskSocketOwner socket(session);
    ASSERT_TRUE(socket.Create(probe.category, info.address_family));
    ULONG value = 0;
    const CallOutcome got = GetUlong(socket, probe.code, &value);
    ASSERT_TRUE(got.ok);
    EXPECT_EQ(got.status, STATUS_SUCCESS)
        << "WskGetOption of SOL_SOCKET option 0x" << std::hex << probe.code
        << " gave " << StatusText(got.status);
  }
  // The two set-only (or pointer-valued) ones: a disable of an idle
  // callback (on a bound socket: SO_WSK_EVENT_CALLBACK.ListenDatagramAfterBind),
  // and a read of the security descriptor.
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, SocketCategory::kDatagram, info.address_family));
  WSK_EVENT_CALLBACK_CONTROL control{&NPI_WSK_INTERFACE_ID,
                                     WSK_EVENT_RECEIVE_FROM | WSK_EVENT_DISABLE};
  internal::Control c;
  c.type = WskSetOption;
  c.code = SO_WSK_EVENT_CALLBACK;
  c.input = &control;
  c.input_size = sizeof control;
  const CallOutcome disabled = internal::ControlCall(socket, c);
  ASSERT_TRUE(disabled.ok);
  EXPECT_EQ(disabled.status, STATUS_SUCCESS)
      << "SO_WSK_EVENT_CALLBACK gave " << StatusText(disabled.status);
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  internal::Control g;
  g.type = WskGetOption;
  g.code = SO_WSK_SECURITY;
  g.output = &descriptor;
  g.output_size = sizeof descriptor;
  const CallOutcome security = internal::ControlCall(socket, g);
  ASSERT_TRUE(security.ok);
  ExpectClauseStatus(info, security.status, "WskGetOption(SO_WSK_SECURITY)");
}

void SecurityDescriptorGet(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  internal::Control g;
  g.type = WskGetOption;
  g.code = SO_WSK_SECURITY;
  g.output = &descriptor;
  g.output_size = sizeof descriptor;
  const CallOutcome got = internal::ControlCall(socket, g);
  ASSERT_TRUE(got.ok);
  if (!ExpectClauseStatus(info, got.status, "WskGetOption(SO_WSK_SECURITY)")) return;
  ASSERT_NE(descriptor, nullptr) << "no descriptor copy was written";
  // The copy is the client's to release (SO_WSK_SECURITY.ReleaseRetrievedCopy).
  const NTSTATUS released = session.dispatch()->WskControlClient(
      session.client(), WSK_RELEASE_SD, sizeof descriptor, &descriptor, 0,
      nullptr, nullptr, nullptr);
  EXPECT_EQ(released, STATUS_SUCCESS)
      << "WSK_RELEASE_SD of the retrieved copy gave " << StatusText(released);
}

void BindDistinctSpecific(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  // Two specific IPv4 loopback addresses; with no options, then with
  // SO_EXCLUSIVEADDRUSE on both (the strictest sharing option).
  for (ULONG option : {ULONG{0}, static_cast<ULONG>(SO_EXCLUSIVEADDRUSE)}) {
    WskSocketOwner first(session);
    WskSocketOwner second(session);
    ASSERT_TRUE(first.Create(info.category, AF_INET));
    ASSERT_TRUE(second.Create(info.category, AF_INET));
    if (option != 0) {
      ASSERT_EQ(SetUlong(first, option, 1).status, STATUS_SUCCESS);
      ASSERT_EQ(SetUlong(second, option, 1).status, STATUS_SUCCESS);
    }
    const CallOutcome bound = internal::BindTo(first, LoopbackAddress(AF_INET));
    ASSERT_TRUE(bound.ok);
    ASSERT_EQ(bound.status, STATUS_SUCCESS);
    SOCKADDR_STORAGE local;
    ASSERT_TRUE(internal::GetLocalAddress(first, &local).ok);
    SOCKADDR_STORAGE other =
        LoopbackAddress(AF_INET, PortOf(reinterpret_cast<SOCKADDR*>(&local)));
    reinterpret_cast<SOCKADDR_IN*>(&other)->sin_addr.s_addr =
        reinterpret_cast<SOCKADDR_IN*>(&other)->sin_addr.s_addr + (1u << 24);
    const CallOutcome again = internal::BindTo(second, other);
    ASSERT_TRUE(again.ok);
    ExpectClauseStatus(info, again.status,
                       option ? "the second bind (both SO_EXCLUSIVEADDRUSE)"
                              : "the second bind (no options)");
  }
}

void ConditionalAcceptAfterBind(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(internal::CreateBound(socket, info.category, info.address_family));
  const CallOutcome set = SetUlong(socket, SO_CONDITIONAL_ACCEPT, 1);
  ASSERT_TRUE(set.ok);
  ExpectClauseStatus(info, set.status,
                     "SO_CONDITIONAL_ACCEPT on a bound listening socket");
  ULONG value = 0xA5A5A5A5;
  const CallOutcome got = GetUlong(socket, SO_CONDITIONAL_ACCEPT, &value);
  ASSERT_TRUE(got.ok);
  ASSERT_EQ(got.status, STATUS_SUCCESS)
      << "reading SO_CONDITIONAL_ACCEPT gave " << StatusText(got.status);
  EXPECT_EQ(value, 0u) << "the refused set still switched conditional accept on";
}

void UlongOptionShortBuffer(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(SocketCategory::kDatagram, info.address_family));
  ULONG before = 0xA5A5A5A5;
  const CallOutcome read = GetUlong(socket, SO_BROADCAST, &before);
  ASSERT_TRUE(read.ok);
  ASSERT_EQ(read.status, STATUS_SUCCESS)
      << "precondition: reading SO_BROADCAST gave " << StatusText(read.status);
  // The value the short set would store if the provider widened it.
  const ULONG flipped = before == 0 ? 1 : 0;
  internal::Control set;
  set.type = WskSetOption;
  set.code = SO_BROADCAST;
  set.input = &flipped;
  set.input_size = sizeof(ULONG) - 1;
  const CallOutcome short_set = internal::ControlCall(socket, set);
  ASSERT_TRUE(short_set.ok);
  ExpectClauseStatus(info, short_set.status,
                     "WskSetOption(SO_BROADCAST) with a 3-byte InputBuffer");
  ULONG after = 0xA5A5A5A5;
  const CallOutcome reread = GetUlong(socket, SO_BROADCAST, &after);
  ASSERT_TRUE(reread.ok);
  EXPECT_EQ(after, before) << "the short WskSetOption changed SO_BROADCAST";
  unsigned char out[sizeof(ULONG)];
  std::memset(out, 0x5A, sizeof out);
  internal::Control get;
  get.type = WskGetOption;
  get.code = SO_BROADCAST;
  get.output = out;
  get.output_size = sizeof(ULONG) - 1;
  const CallOutcome short_get = internal::ControlCall(socket, get);
  ASSERT_TRUE(short_get.ok);
  ExpectClauseStatus(info, short_get.status,
                     "WskGetOption(SO_BROADCAST) into a 3-byte OutputBuffer");
  for (unsigned char byte : out) {
    EXPECT_EQ(byte, 0x5A) << "the short WskGetOption wrote into its OutputBuffer";
  }
}

}  // namespace wskconf::conformance::checks
