// The datagram category: creation (UDP, raw, refused combinations), bind and
// local address, WskSendTo, WskSendMessages and WskReceiveFrom against host
// UDP peers, truncation, pending receives and their cancellation by close.
#include <sys/socket.h>
#include <unistd.h>

#include "datagram_test_util.h"

namespace wskconf::reference::testing {
namespace {

class DatagramTest : public FamilyTest {
 protected:
  void SetUp() override {
    FamilyTest::SetUp();
    socket_ = BoundDatagramSocket(*client(), family(), &local_);
    ASSERT_NE(socket_, nullptr);
    peer_ = HostUdp(family(), &peer_address_);
    ASSERT_GE(peer_, 0);
  }
  void TearDown() override {
    if (socket_ != nullptr) {
      EXPECT_EQ(CloseSocket(socket_), STATUS_SUCCESS);
    }
    if (peer_ >= 0) close(peer_);
    FamilyTest::TearDown();
  }
  const WSK_PROVIDER_DATAGRAM_DISPATCH* table() { return DatagramTable(socket_); }

  PWSK_SOCKET socket_ = nullptr;
  SOCKADDR_STORAGE local_{};
  int peer_ = -1;
  SOCKADDR_STORAGE peer_address_{};
};

TEST_P(DatagramTest, BoundSocketHasLoopbackAddress) {
  RecordClause("WskGetLocalAddress.ReturnsBoundAddress");
  EXPECT_EQ(local_.ss_family, family());
  EXPECT_NE(PortOf(local_), 0);
  EXPECT_TRUE(SameAddress(local_, Loopback(family(), PortOf(local_))));
}

TEST_P(DatagramTest, SendToDeliversOneDatagram) {
  RecordClause("WskSendTo.OneCallOneDatagram");
  std::string bytes = Pattern(1200, 1);
  ULONG_PTR information = 0;
  ASSERT_EQ(SendTo(socket_, bytes, &peer_address_, &information), STATUS_SUCCESS);
  EXPECT_EQ(information, bytes.size());  // WskSendTo.InformationIsBytesSent
  std::string got;
  ASSERT_TRUE(HostReceive(peer_, &got));
  EXPECT_EQ(got, bytes);
  EXPECT_FALSE(HostReceive(peer_, &got, kExpectNoCompletion));
}

TEST_P(DatagramTest, SendToFromChainWithOffset) {
  RecordClause("WskSendTo.CompletesOnlyWhenSent");
  MdlBuffer buffer({5, 100, 3, 700});
  std::string bytes = Pattern(buffer.size(), 2);
  buffer.Write(0, bytes);
  WSK_BUF buf = buffer.Buf(4, 800);
  IrpProbe probe;
  ASSERT_EQ(probe.Result(table()->WskSendTo(socket_, &buf, 0,
                                            reinterpret_cast<PSOCKADDR>(&peer_address_),
                                            0, nullptr, probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 800u);
  std::string got;
  ASSERT_TRUE(HostReceive(peer_, &got));
  EXPECT_EQ(got, bytes.substr(4, 800));
}

TEST_P(DatagramTest, SendToWithoutAddressOrDefaultFails) {
  RecordClause("WskSendTo.NullRemoteWithoutFixedFails");
  EXPECT_EQ(SendTo(socket_, "x", nullptr), STATUS_INVALID_PARAMETER);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(DatagramTest, SendToOtherFamilyFails) {
  RecordClause("WskSendTo.AddressFamilyMatchesSocket");
  SOCKADDR_STORAGE other = Loopback(family() == WS_AF_INET ? WS_AF_INET6 : WS_AF_INET, 9);
  EXPECT_EQ(SendTo(socket_, "x", &other), STATUS_INVALID_ADDRESS_COMPONENT);
  EXPECT_EQ(ConsumeViolations("ClientCall.AddressFamilyMismatch"), 1) << "the mistake made on purpose";
}

TEST_P(DatagramTest, SendToNonZeroFlagsFails) {
  RecordClause("WskSendTo.FlagsMustBeZero");
  MdlBuffer buffer(4);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskSendTo(socket_, &buf, WSK_FLAG_NODELAY,
                                            reinterpret_cast<PSOCKADDR>(&peer_address_),
                                            0, nullptr, probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReservedFlagsNotZero"), 1) << "the mistake made on purpose";
}

TEST_P(DatagramTest, SendToWithControlInfoRefused) {
  RecordClause("WskSendMessages.ControlInfoMayBeUnsupported");
  MdlBuffer buffer(4);
  WSK_BUF buf = buffer.Buf();
  alignas(8) char control[32] = {};
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskSendTo(socket_, &buf, 0,
                                            reinterpret_cast<PSOCKADDR>(&peer_address_),
                                            sizeof(control),
                                            reinterpret_cast<PCMSGHDR>(control),
                                            probe.Start())),
            STATUS_NOT_SUPPORTED);
}

TEST_P(DatagramTest, ReceiveFromTakesOneDatagramEach) {
  RecordClause("WskReceiveFrom.OneDatagramPerReceive");
  HostSendTo(peer_, "first", local_);
  HostSendTo(peer_, "second!", local_);
  for (const char* expected : {"first", "second!"}) {
    MdlBuffer buffer(100);
    WSK_BUF buf = buffer.Buf();
    SOCKADDR_STORAGE from{};
    ULONG control_length = 77, control_flags = 77;
    IrpProbe probe;
    ASSERT_EQ(probe.Result(table()->WskReceiveFrom(
                  socket_, &buf, 0, reinterpret_cast<PSOCKADDR>(&from), &control_length,
                  nullptr, &control_flags, probe.Start())),
              STATUS_SUCCESS);
    EXPECT_EQ(buffer.Read(0, probe.information()), expected);
    EXPECT_TRUE(SameAddress(from, peer_address_));  // WskReceiveFrom.RemoteAddressIsSender
    EXPECT_EQ(control_length, 0u);  // WskReceiveFrom.ControlLengthReportsSize
    EXPECT_EQ(control_flags, 0u);   // unicast, not cut
  }
}

TEST_P(DatagramTest, ReceiveFromWithNullOutputs) {
  RecordClause("WskReceiveFrom.OptionalOutputsMayBeNull");
  HostSendTo(peer_, "plain", local_);
  MdlBuffer buffer(10);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  ASSERT_EQ(probe.Result(table()->WskReceiveFrom(socket_, &buf, 0, nullptr, nullptr,
                                                 nullptr, nullptr, probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "plain");
}

TEST_P(DatagramTest, ReceiveFromCutsLongDatagram) {
  RecordClause("WskReceiveFrom.TruncationSetsMsgTrunc");
  HostSendTo(peer_, "0123456789", local_);
  MdlBuffer buffer(4);
  WSK_BUF buf = buffer.Buf();
  ULONG control_flags = 0;
  IrpProbe probe;
  ASSERT_EQ(probe.Result(table()->WskReceiveFrom(socket_, &buf, 0, nullptr, nullptr,
                                                 nullptr, &control_flags, probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 4u);
  EXPECT_EQ(buffer.Read(0, 4), "0123");
  EXPECT_EQ(control_flags, static_cast<ULONG>(WS_MSG_TRUNC));
  EXPECT_TRUE(buffer.GuardsIntact());
}

TEST_P(DatagramTest, ReceiveFromPendsUntilDatagram) {
  RecordClause("WskReceiveFrom.PendsUntilDatagram");
  MdlBuffer buffer(32);
  WSK_BUF buf = buffer.Buf();
  SOCKADDR_STORAGE from{};
  ULONG control_flags = 77;
  IrpProbe probe;
  NTSTATUS returned = table()->WskReceiveFrom(socket_, &buf, 0,
                                              reinterpret_cast<PSOCKADDR>(&from), nullptr,
                                              nullptr, &control_flags, probe.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  EXPECT_FALSE(probe.Wait(kExpectNoCompletion));
  HostSendTo(peer_, "late", local_);
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "late");
  EXPECT_TRUE(SameAddress(from, peer_address_));
  EXPECT_EQ(control_flags, 0u);
}

TEST_P(DatagramTest, ReceiveFromCancelled) {
  RecordClause("WskReceiveFrom.PendsUntilDatagram");  // "... or the IRP is cancelled"
  MdlBuffer buffer(32);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = table()->WskReceiveFrom(socket_, &buf, 0, nullptr, nullptr, nullptr,
                                              nullptr, probe.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  IoCancelIrp(probe.irp());
  EXPECT_EQ(probe.Result(returned), STATUS_CANCELLED);
}

TEST_P(DatagramTest, CloseCancelsPendingReceives) {
  RecordClause("Close.CancelsPendingIrps");  // and Close.CancelledIrpsStatus
  MdlBuffer first_buffer(8), second_buffer(8);
  WSK_BUF first_buf = first_buffer.Buf(), second_buf = second_buffer.Buf();
  IrpProbe first, second;
  NTSTATUS r1 = table()->WskReceiveFrom(socket_, &first_buf, 0, nullptr, nullptr, nullptr,
                                        nullptr, first.Start());
  NTSTATUS r2 = table()->WskReceiveFrom(socket_, &second_buf, 0, nullptr, nullptr, nullptr,
                                        nullptr, second.Start());
  ASSERT_EQ(r1, STATUS_PENDING);
  ASSERT_EQ(r2, STATUS_PENDING);
  IrpProbe close_probe;
  NTSTATUS closed = BasicTable(socket_)->WskCloseSocket(socket_, close_probe.Start());
  socket_ = nullptr;
  EXPECT_EQ(first.Result(r1), STATUS_CANCELLED);
  EXPECT_EQ(second.Result(r2), STATUS_CANCELLED);
  EXPECT_EQ(close_probe.Result(closed), STATUS_SUCCESS);
}

TEST_P(DatagramTest, ReceiveFromNonZeroFlagsFails) {
  RecordClause("WskReceiveFrom.FlagsMustBeZero");
  MdlBuffer buffer(8);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskReceiveFrom(socket_, &buf, WSK_FLAG_WAITALL, nullptr,
                                                 nullptr, nullptr, nullptr, probe.Start())),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.ReservedFlagsNotZero"), 1) << "the mistake made on purpose";
}

TEST_P(DatagramTest, SendMessagesSendsEachEntry) {
  RecordClause("WskSendMessages.EachBufferIsOneDatagram");
  MdlBuffer a(3), b(1000), c(17);
  a.Write(0, "abc");
  b.Write(0, Pattern(1000, 5));
  c.Write(0, Pattern(17, 6));
  WSK_BUF_LIST third{nullptr, c.Buf()};
  WSK_BUF_LIST second{&third, b.Buf()};
  WSK_BUF_LIST first{&second, a.Buf()};
  IrpProbe probe;
  ASSERT_EQ(probe.Result(table()->WskSendMessages(
                socket_, &first, 0, reinterpret_cast<PSOCKADDR>(&peer_address_), 0,
                nullptr, probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 1020u);  // WskSendMessages.InformationIsTotalBytes
  std::string got;
  ASSERT_TRUE(HostReceive(peer_, &got));
  EXPECT_EQ(got, "abc");
  ASSERT_TRUE(HostReceive(peer_, &got));
  EXPECT_EQ(got, Pattern(1000, 5));
  ASSERT_TRUE(HostReceive(peer_, &got));
  EXPECT_EQ(got, Pattern(17, 6));
}

TEST_P(DatagramTest, SendMessagesNullListFails) {
  RecordClause("WskSendMessages.IrpRequired");
  IrpProbe probe;
  EXPECT_EQ(probe.Result(table()->WskSendMessages(
                socket_, nullptr, 0, reinterpret_cast<PSOCKADDR>(&peer_address_), 0,
                nullptr, probe.Start())),
            STATUS_INVALID_PARAMETER);
}

TEST_P(DatagramTest, SecondBindFails) {
  RecordClause("WskBind.SecondBindFails");  // and WskBind.SecondBindStatus
  EXPECT_EQ(Bind(socket_, Loopback(family())), STATUS_INVALID_DEVICE_STATE);
}

TEST_P(DatagramTest, BindToAddressInUseFails) {
  RecordClause("WskBind.AddressInUseFails");
  PWSK_SOCKET other = DatagramSocket(*client(), family());
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Bind(other, local_), STATUS_ADDRESS_ALREADY_EXISTS);
  EXPECT_EQ(CloseSocket(other), STATUS_SUCCESS);
}

// Sockets that are not bound, or not created.
class DatagramCreateTest : public FamilyTest {};

TEST_P(DatagramCreateTest, UnboundSendToFails) {
  RecordClause("WskSendTo.UnboundSocketFails");
  PWSK_SOCKET s = DatagramSocket(*client(), family());
  ASSERT_NE(s, nullptr);
  SOCKADDR_STORAGE to = Loopback(family(), 9);
  EXPECT_EQ(SendTo(s, "x", &to), STATUS_INVALID_DEVICE_STATE);
  SOCKADDR_STORAGE local{};
  EXPECT_EQ(DatagramLocalAddress(s, &local), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1)
      << "the mistakes made on purpose";
}

TEST_P(DatagramCreateTest, StreamProtocolRefused) {
  RecordClause("WskSocket.UnsupportedCombinationFails");
  NTSTATUS status;
  EXPECT_EQ(DatagramSocket(*client(), family(), nullptr, nullptr, &status, WS_SOCK_STREAM,
                           WS_IPPROTO_TCP),
            nullptr);
  EXPECT_FALSE(NT_SUCCESS(status)) << StatusName(status);
}

TEST_P(DatagramCreateTest, UdpListenSocketRefused) {
  RecordClause("WskSocket.UnsupportedCombinationFails");
  IrpProbe probe;
  NTSTATUS status = probe.Result(client()->dispatch()->WskSocket(
      client()->client(), family(), WS_SOCK_DGRAM, WS_IPPROTO_UDP, WSK_FLAG_LISTEN_SOCKET,
      nullptr, nullptr, nullptr, nullptr, nullptr, probe.Start()));
  EXPECT_FALSE(NT_SUCCESS(status)) << StatusName(status);
  EXPECT_EQ(probe.information(), 0u);  // WskSocket.FailureDeliversNoSocket
}

TEST_P(DatagramCreateTest, RawSocketWhereHostAllows) {
  RecordClause("AF_INET.SupportedCombinations");
  // The host decides: raw sockets need CAP_NET_RAW. Without it the host's
  // EPERM maps to STATUS_ACCESS_DENIED.
  int probe_fd = socket(HostFamily(family()), SOCK_RAW, 253);
  bool host_allows = probe_fd >= 0;
  if (probe_fd >= 0) close(probe_fd);
  NTSTATUS status;
  PWSK_SOCKET s = DatagramSocket(*client(), family(), nullptr, nullptr, &status,
                                 WS_SOCK_RAW, 253);
  if (host_allows) {
    ASSERT_EQ(status, STATUS_SUCCESS) << StatusName(status);
    EXPECT_EQ(Bind(s, Loopback(family())), STATUS_SUCCESS);
    EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  } else {
    EXPECT_EQ(status, STATUS_ACCESS_DENIED) << StatusName(status);
    EXPECT_EQ(s, nullptr);
  }
}

WSKCONF_FAMILY_TESTS(DatagramTest);
WSKCONF_FAMILY_TESTS(DatagramCreateTest);

}  // namespace
}  // namespace wskconf::reference::testing
