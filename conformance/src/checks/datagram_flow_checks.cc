// Check helpers for what a datagram socket does beyond one send and one
// receive (spec/socket-datagram.xml, ioctls.xml): truncation and control
// information of WskReceiveFrom, fixed remote and destination addresses,
// WskSendMessages and WskRelease. Peers are host UDP sockets on loopback.
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "checks/check_support.h"
#include "checks/control_ops.h"
#include "checks/socket_ops.h"
#include "wskconf/conformance/checks.h"

namespace wskconf::conformance::checks {

using internal::CallOutcome;
using internal::ExpectClauseStatus;
using internal::MdlBuffer;
using internal::Payload;

namespace {

struct DatagramSetup {
  explicit DatagramSetup(WskClientSession& session, const CaseInfo& info)
      : family(info.address_family),
        peer(internal::IsIpv6(family)),
        other(internal::IsIpv6(family)),
        socket(session) {}
  ::testing::AssertionResult Open() {
    if (!peer.ok() || !other.ok()) {
      return ::testing::AssertionFailure() << "no host UDP peer";
    }
    auto bound = internal::CreateBound(socket, SocketCategory::kDatagram, family);
    if (!bound) return bound;
    SOCKADDR_STORAGE local;
    const CallOutcome query = internal::GetLocalAddress(socket, &local);
    if (!query.ok) return query.ok;
    port = PortOf(reinterpret_cast<SOCKADDR*>(&local));
    return ::testing::AssertionSuccess();
  }
  ADDRESS_FAMILY family;
  HostUdpSocket peer;   // the fixed address, when a case sets one
  HostUdpSocket other;  // any other sender or destination
  WskSocketOwner socket;
  uint16_t port = 0;
};

#define WSKCONF_DATAGRAM_SETUP(d)           \
  WSKCONF_OPEN_SESSION(session);            \
  DatagramSetup d(session, info);           \
  ASSERT_TRUE(d.Open())

const WSK_PROVIDER_DATAGRAM_DISPATCH* Table(const WskSocketOwner& socket) {
  return socket.table<WSK_PROVIDER_DATAGRAM_DISPATCH>();
}

// The sockaddr length of a family's address, as an IOCTL input takes it.
SIZE_T AddressLength(ADDRESS_FAMILY family) {
  return family == AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
}

CallOutcome SetFixed(const WskSocketOwner& socket, ULONG code,
                     const SOCKADDR_STORAGE* address, ADDRESS_FAMILY family) {
  return internal::Ioctl(socket, code, address,
                         address != nullptr ? AddressLength(family) : 0);
}

CallOutcome SendTo(const WskSocketOwner& socket, const std::string& data,
                   const SOCKADDR_STORAGE* remote) {
  MdlBuffer buffer(data);
  WSK_BUF buf = buffer.Buf();
  SOCKADDR_STORAGE copy = remote ? *remote : SOCKADDR_STORAGE{};
  TrackedIrp irp("WskSendTo");
  return internal::Finish(
      irp, Table(socket)->WskSendTo(
               socket.get(), &buf, 0,
               remote ? reinterpret_cast<PSOCKADDR>(&copy) : nullptr, 0,
               nullptr, irp.irp()));
}

// What one WskReceiveFrom delivered.
struct Received {
  CallOutcome outcome;
  std::string data;
  SOCKADDR_STORAGE from{};
  ULONG control_length = 0;
  ULONG control_flags = 0;
};

// WskReceiveFrom into `capacity` bytes; ControlInfoLength preset to
// `control_capacity` (NULL when nullopt), ControlFlags always asked for.
Received ReceiveFrom(const WskSocketOwner& socket, size_t capacity,
                     std::optional<ULONG> control_capacity,
                     unsigned char* control = nullptr) {
  Received r;
  MdlBuffer buffer(capacity);
  WSK_BUF buf = buffer.Buf();
  r.control_length = control_capacity.value_or(0);
  r.control_flags = 0xA5A5A5A5;
  TrackedIrp irp("WskReceiveFrom");
  r.outcome = internal::Finish(
      irp, Table(socket)->WskReceiveFrom(
               socket.get(), &buf, 0, reinterpret_cast<PSOCKADDR>(&r.from),
               control_capacity ? &r.control_length : nullptr,
               reinterpret_cast<PCMSGHDR>(control), &r.control_flags,
               irp.irp()));
  if (r.outcome.status == STATUS_SUCCESS) {
    r.data = buffer.Contents(r.outcome.information);
  }
  return r;
}

// A receive that must stay pending: started, watched, then cancelled.
void ExpectNothingReceived(const WskSocketOwner& socket, const char* why) {
  MdlBuffer buffer(256);
  WSK_BUF buf = buffer.Buf();
  SOCKADDR_STORAGE from{};
  TrackedIrp irp("WskReceiveFrom");
  const NTSTATUS returned = Table(socket)->WskReceiveFrom(
      socket.get(), &buf, 0, reinterpret_cast<PSOCKADDR>(&from), nullptr,
      nullptr, nullptr, irp.irp());
  EXPECT_TRUE(irp.ExpectStillPending(returned)) << why;
  irp.CancelAndWait();
}

}  // namespace

void ReceiveDatagramTruncated(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  // The flag is the element's value when the clause is about the flag
  // itself (MSG_TRUNC.Value), else the header's MSG_TRUNC.
  const ULONG flag = internal::CodeOf(info) != 0 ? internal::CodeOf(info)
                                                 : static_cast<ULONG>(MSG_TRUNC);
  const std::string data = Payload(100, 21);
  ASSERT_TRUE(d.peer.SendTo(d.port, data));
  const Received r = ReceiveFrom(d.socket, 40, 0);
  ASSERT_TRUE(r.outcome.ok);
  ASSERT_TRUE(NT_SUCCESS(r.outcome.status))
      << "WskReceiveFrom of a datagram longer than the buffer gave "
      << StatusText(r.outcome.status);
  EXPECT_EQ(r.outcome.information, 40u) << "not cut to Buffer.Length";
  EXPECT_EQ(r.data, data.substr(0, r.outcome.information));
  RecordExpectedActual(fmt::format("0x{:x} set", flag),
                       fmt::format("ControlFlags 0x{:x}", r.control_flags));
  EXPECT_EQ(r.control_flags & flag, flag)
      << "*ControlFlags 0x" << std::hex << r.control_flags
      << " lacks the truncation flag 0x" << flag;
}

void ReceiveDatagramNoControlInfo(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(d.peer.SendTo(d.port, Payload(30, 22)));
  unsigned char control[128];
  std::memset(control, 0xCC, sizeof control);
  const Received r = ReceiveFrom(d.socket, 256, sizeof control, control);
  ASSERT_TRUE(r.outcome.ok);
  if (!ExpectClauseStatus(info, r.outcome.status, "WskReceiveFrom")) return;
  // No option asked for control data, so the datagram carries none.
  EXPECT_EQ(r.control_length, 0u)
      << "*ControlInfoLength is not 0 for a datagram with no control data";
  EXPECT_EQ(r.control_flags & (MSG_BCAST | MSG_MCAST), 0u)
      << "a unicast datagram has MSG_BCAST or MSG_MCAST in *ControlFlags 0x"
      << std::hex << r.control_flags;
}

void ReceiveDatagramNullControlLength(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(d.peer.SendTo(d.port, Payload(30, 23)));
  unsigned char control[128];
  std::memset(control, 0xCC, sizeof control);
  const Received r = ReceiveFrom(d.socket, 256, std::nullopt, control);
  ASSERT_TRUE(r.outcome.ok);
  if (!ExpectClauseStatus(info, r.outcome.status, "WskReceiveFrom")) return;
  for (size_t i = 0; i < sizeof control; ++i) {
    ASSERT_EQ(control[i], 0xCC)
        << "ControlInfo was written at byte " << i
        << " although ControlInfoLength was NULL";
  }
}

// ---- Fixed addresses (SIO_WSK_SET_REMOTE_ADDRESS, SIO_WSK_SET_SENDTO_ADDRESS).

namespace {

// Sets the fixed address to `d.peer`, failing the case if that fails.
::testing::AssertionResult FixTo(DatagramSetup& d, ULONG code) {
  const SOCKADDR_STORAGE to = LoopbackAddress(d.family, d.peer.port());
  const CallOutcome set = SetFixed(d.socket, code, &to, d.family);
  if (!set.ok) return set.ok;
  if (set.status != STATUS_SUCCESS) {
    return ::testing::AssertionFailure()
           << (code == SIO_WSK_SET_REMOTE_ADDRESS ? "SIO_WSK_SET_REMOTE_ADDRESS"
                                                  : "SIO_WSK_SET_SENDTO_ADDRESS")
           << " gave " << StatusText(set.status);
  }
  return ::testing::AssertionSuccess();
}

// A WskSendTo with RemoteAddress NULL (or `explicit_to`): the datagram must
// reach `expected` and not `unexpected`.
void SendAndExpectAt(const CaseInfo& info, DatagramSetup& d,
                     const SOCKADDR_STORAGE* explicit_to,
                     HostUdpSocket& expected, HostUdpSocket& unexpected) {
  const std::string data = Payload(60, 24);
  const CallOutcome sent = SendTo(d.socket, data, explicit_to);
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSendTo",
                          StatusClass::kSuccessOrPending)) {
    return;
  }
  auto got = expected.Receive(kExpectCompletion);
  ASSERT_TRUE(got.has_value()) << "the datagram did not reach the address it "
                                  "should go to";
  EXPECT_EQ(got->data, data);
  EXPECT_FALSE(unexpected.Receive(kExpectNoCompletion).has_value())
      << "a datagram reached the other address too";
}

}  // namespace

void FixedRemoteSendsThere(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(FixTo(d, SIO_WSK_SET_REMOTE_ADDRESS));
  SendAndExpectAt(info, d, nullptr, d.peer, d.other);
}

void FixedRemoteExplicitOverrides(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(FixTo(d, SIO_WSK_SET_REMOTE_ADDRESS));
  const SOCKADDR_STORAGE other = LoopbackAddress(d.family, d.other.port());
  SendAndExpectAt(info, d, &other, d.other, d.peer);
  // The other address's reply is still filtered out.
  ASSERT_TRUE(d.other.SendTo(d.port, Payload(10, 25)));
  ExpectNothingReceived(d.socket, "a reply from an address other than the "
                                  "fixed remote address was delivered");
}

void FixedRemoteFiltersReceives(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(FixTo(d, SIO_WSK_SET_REMOTE_ADDRESS));
  const std::string from_fixed = Payload(20, 26);
  ASSERT_TRUE(d.other.SendTo(d.port, Payload(20, 27)));
  ASSERT_TRUE(d.peer.SendTo(d.port, from_fixed));
  const Received r = ReceiveFrom(d.socket, 256, 0);
  ASSERT_TRUE(r.outcome.ok);
  if (!ExpectClauseStatus(info, r.outcome.status, "WskReceiveFrom",
                          StatusClass::kSuccess)) {
    return;
  }
  EXPECT_EQ(r.data, from_fixed) << "a datagram from another sender was delivered";
  EXPECT_EQ(PortOf(reinterpret_cast<const SOCKADDR*>(&r.from)), d.peer.port());
  ExpectNothingReceived(d.socket, "the other sender's datagram was delivered "
                                  "after the fixed address's");
}

void FixedRemoteCleared(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(FixTo(d, SIO_WSK_SET_REMOTE_ADDRESS));
  const CallOutcome cleared =
      SetFixed(d.socket, SIO_WSK_SET_REMOTE_ADDRESS, nullptr, d.family);
  ASSERT_TRUE(cleared.ok);
  ASSERT_EQ(cleared.status, STATUS_SUCCESS)
      << "clearing the fixed remote address gave " << StatusText(cleared.status);
  const std::string data = Payload(20, 28);
  ASSERT_TRUE(d.other.SendTo(d.port, data));
  const Received r = ReceiveFrom(d.socket, 256, 0);
  ASSERT_TRUE(r.outcome.ok);
  ExpectClauseStatus(info, r.outcome.status, "WskReceiveFrom after clearing");
  EXPECT_EQ(r.data, data);
}

void FixedSendToAddress(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(FixTo(d, SIO_WSK_SET_SENDTO_ADDRESS));
  SendAndExpectAt(info, d, nullptr, d.peer, d.other);
  const SOCKADDR_STORAGE other = LoopbackAddress(d.family, d.other.port());
  SendAndExpectAt(info, d, &other, d.other, d.peer);
}

void FixedSendToReceivesAny(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(FixTo(d, SIO_WSK_SET_SENDTO_ADDRESS));
  const std::string data = Payload(20, 29);
  ASSERT_TRUE(d.other.SendTo(d.port, data));
  const Received r = ReceiveFrom(d.socket, 256, 0);
  ASSERT_TRUE(r.outcome.ok);
  ExpectClauseStatus(info, r.outcome.status,
                     "WskReceiveFrom from a sender other than the destination");
  EXPECT_EQ(r.data, data);
}

// ---- WskSendMessages (Windows 8 and later) and WskRelease. ----

namespace {

CallOutcome SendMessages(const WskSocketOwner& socket,
                         const std::vector<std::string>& datagrams,
                         const SOCKADDR_STORAGE* remote) {
  std::vector<std::unique_ptr<MdlBuffer>> buffers;
  std::vector<WSK_BUF_LIST> list(datagrams.size());
  for (size_t i = 0; i < datagrams.size(); ++i) {
    buffers.push_back(std::make_unique<MdlBuffer>(datagrams[i]));
    list[i].Buffer = buffers.back()->Buf();
    list[i].Next = i + 1 < datagrams.size() ? &list[i + 1] : nullptr;
  }
  SOCKADDR_STORAGE copy = remote ? *remote : SOCKADDR_STORAGE{};
  TrackedIrp irp("WskSendMessages");
  return internal::Finish(
      irp, Table(socket)->WskSendMessages(
               socket.get(), list.data(), 0,
               remote ? reinterpret_cast<PSOCKADDR>(&copy) : nullptr, 0,
               nullptr, irp.irp()));
}

void ExpectDatagrams(HostUdpSocket& peer, const std::vector<std::string>& sent) {
  for (size_t i = 0; i < sent.size(); ++i) {
    auto got = peer.Receive(kExpectCompletion);
    ASSERT_TRUE(got.has_value()) << "datagram " << i << " of " << sent.size()
                                 << " did not arrive";
    EXPECT_EQ(got->data, sent[i]) << "datagram " << i << " is not list entry " << i;
  }
  EXPECT_FALSE(peer.Receive(kExpectNoCompletion).has_value())
      << "more datagrams arrived than the list had entries";
}

}  // namespace

void SendMessagesList(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_NE(Table(d.socket)->WskSendMessages, nullptr)
      << "the datagram dispatch table has no WskSendMessages";
  const std::vector<std::string> datagrams = {Payload(11, 30), Payload(222, 31),
                                              Payload(33, 32)};
  const SOCKADDR_STORAGE to = LoopbackAddress(d.family, d.peer.port());
  const CallOutcome sent = SendMessages(d.socket, datagrams, &to);
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSendMessages")) return;
  EXPECT_EQ(sent.information, 11u + 222u + 33u)
      << "IoStatus.Information is not the sum of the entries' lengths";
  ExpectDatagrams(d.peer, datagrams);
}

void SendMessagesToFixed(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_DATAGRAM_SETUP(d);
  ASSERT_TRUE(FixTo(d, SIO_WSK_SET_REMOTE_ADDRESS));
  const std::vector<std::string> datagrams = {Payload(12, 33), Payload(34, 34)};
  const CallOutcome sent = SendMessages(d.socket, datagrams, nullptr);
  ASSERT_TRUE(sent.ok);
  if (!ExpectClauseStatus(info, sent.status, "WskSendMessages")) return;
  ExpectDatagrams(d.peer, datagrams);
}

void ReleaseNullIndication(const CaseInfo& info) {
  WSKCONF_BEGIN_CASE(info);
  WSKCONF_OPEN_SESSION(session);
  WskSocketOwner socket(session);
  ASSERT_TRUE(socket.Create(info.category, info.address_family));
  NTSTATUS status;
  if (info.category == SocketCategory::kDatagram) {
    status = Table(socket)->WskRelease(socket.get(), nullptr);
  } else if (info.category == SocketCategory::kStream) {
    status = socket.table<WSK_PROVIDER_STREAM_DISPATCH>()->WskRelease(
        socket.get(), nullptr);
  } else {
    status = socket.table<WSK_PROVIDER_CONNECTION_DISPATCH>()->WskRelease(
        socket.get(), nullptr);
  }
  ExpectClauseStatus(info, status, "WskRelease of a NULL list");
}

}  // namespace wskconf::conformance::checks
