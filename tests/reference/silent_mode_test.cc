// SIO_WSK_SET_TCP_SILENT_MODE on the reference provider, over a connection
// that crosses a veth link between two private network namespaces (the
// page rules loopback out): afterwards nothing reaches the peer, not even
// an ACK or the close, sends and disconnects fail, receives wait for the
// close. Skipped, with the reason, where namespaces cannot be made.
#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstring>

#include <wskconf/conformance/veth_link.h>

#include "control_test_util.h"

namespace wskconf::reference::testing {
namespace {

using conformance::VethLink;

// The address of `end` of the link in Windows' layout.
SOCKADDR_STORAGE LinkAddress(ADDRESS_FAMILY family, VethLink::End end, USHORT port = 0) {
  SOCKADDR_STORAGE address = Loopback(family, port);
  const bool ipv6 = family == WS_AF_INET6;
  void* bytes = ipv6 ? static_cast<void*>(&reinterpret_cast<SOCKADDR_IN6*>(&address)->sin6_addr)
                     : static_cast<void*>(&reinterpret_cast<SOCKADDR_IN*>(&address)->sin_addr);
  std::memcpy(bytes, VethLink::AddressBytes(end, ipv6), ipv6 ? 16 : 4);
  return address;
}

// Whether `fd` becomes readable (data, FIN or reset) within `ms`.
bool PeerHearsWithin(int fd, ULONG ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, static_cast<int>(ms)) != 0;
}

int Unacknowledged(int fd) {
  int bytes = -1;
  ioctl(fd, SIOCOUTQ, &bytes);
  return bytes;
}

class SilentModeTest : public FamilyTest {
 protected:
  void SetUp() override {
    FamilyTest::SetUp();
    std::string why;
    if (!link_.Create(&why)) GTEST_SKIP() << "no veth link between namespaces: " << why;
    const bool ipv6 = family() == WS_AF_INET6;
    uint16_t port = 0;
    const int listener = link_.ListenTcp(VethLink::End::kFar, ipv6, &port);
    ASSERT_GE(listener, 0);
    // The provider opens its host socket in the calling thread's namespace.
    link_.RunIn(VethLink::End::kNear,
                [&] { wsk_ = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET); });
    ASSERT_NE(wsk_, nullptr);
    ASSERT_EQ(Bind(wsk_, LinkAddress(family(), VethLink::End::kNear)), STATUS_SUCCESS);
    ASSERT_EQ(Connect(wsk_, LinkAddress(family(), VethLink::End::kFar, port)), STATUS_SUCCESS);
    host_ = VethLink::AcceptTcp(listener, std::chrono::milliseconds(kExpectCompletion));
    close(listener);
    ASSERT_GE(host_, 0);
  }
  void TearDown() override {
    if (wsk_ != nullptr) {
      EXPECT_EQ(CloseSocket(wsk_), STATUS_SUCCESS);
    }
    if (host_ >= 0) close(host_);
    FamilyTest::TearDown();
  }
  NTSTATUS Silence() {
    return Ioctl(wsk_, SIO_WSK_SET_TCP_SILENT_MODE, 0, nullptr, 0, nullptr);
  }

  VethLink link_;
  PWSK_SOCKET wsk_ = nullptr;
  int host_ = -1;
};

TEST_P(SilentModeTest, ConnectionWorksUntilSilenced) {
  RecordClause("SIO_WSK_SET_TCP_SILENT_MODE.SuccessWhenOn");
  // The link carries the connection both ways (not loopback).
  ASSERT_EQ(Send(wsk_, "over the link"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host_, 13), "over the link");
  ULONG_PTR information = 1;
  EXPECT_EQ(Ioctl(wsk_, SIO_WSK_SET_TCP_SILENT_MODE, 0, nullptr, 0, nullptr, &information),
            STATUS_SUCCESS);
  EXPECT_EQ(information, 0u);
  EXPECT_EQ(Silence(), STATUS_SUCCESS) << "asking again changes nothing";
}

TEST_P(SilentModeTest, SendAndDisconnectFail) {
  RecordClause("SIO_WSK_SET_TCP_SILENT_MODE.SendDisconnectFail");
  ASSERT_EQ(Silence(), STATUS_SUCCESS);
  EXPECT_EQ(Send(wsk_, "never"), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(Disconnect(wsk_, 0), STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(Disconnect(wsk_, WSK_FLAG_ABORTIVE), STATUS_INVALID_DEVICE_STATE);
  // SIO_WSK_SET_TCP_SILENT_MODE.OnlyCloseAfter: each was a client mistake.
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 3);
  EXPECT_FALSE(PeerHearsWithin(host_, kExpectNoCompletion)) << "the peer got a packet";
}

TEST_P(SilentModeTest, IncomingDroppedAndUnacknowledged) {
  RecordClause("SIO_WSK_SET_TCP_SILENT_MODE.IncomingDiscarded");
  MdlBuffer buffer(64);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = ConnectionTable(wsk_)->WskReceive(wsk_, &buf, 0, probe.Start());
  ASSERT_EQ(returned, STATUS_PENDING);
  ASSERT_EQ(Silence(), STATUS_SUCCESS);
  HostWriteAll(host_, std::string(100, 'x'));
  // Nothing answers the peer (no data, no FIN or reset, and no ACK: its 100
  // bytes stay unacknowledged), and nothing reaches the waiting receive.
  EXPECT_FALSE(PeerHearsWithin(host_, kExpectNoCompletion));
  EXPECT_EQ(Unacknowledged(host_), 100);
  EXPECT_FALSE(probe.completed());
  // The close cancels it. (The peer's retransmissions then meet no
  // connection at all, which the host's stack answers with a reset.)
  EXPECT_EQ(CloseSocket(wsk_), STATUS_SUCCESS);
  wsk_ = nullptr;
  EXPECT_EQ(probe.Result(returned), STATUS_CANCELLED);
}

TEST_P(SilentModeTest, CloseSendsNothing) {
  RecordClause("SIO_WSK_SET_TCP_SILENT_MODE.SuccessWhenOn");
  ASSERT_EQ(Silence(), STATUS_SUCCESS);
  // An unsilenced close of a connection the client never disconnected
  // resets it (WskDisconnect.CloseWithoutDisconnectIsAbortive); this one
  // leaves without a FIN or a reset.
  EXPECT_EQ(CloseSocket(wsk_), STATUS_SUCCESS);
  wsk_ = nullptr;
  EXPECT_FALSE(PeerHearsWithin(host_, kExpectNoCompletion)) << "the close reached the peer";
}

TEST_P(SilentModeTest, RefusedWhereItCannotApply) {
  RecordClause("SIO_WSK_SET_TCP_SILENT_MODE.ConnectedTcpOnly");
  // A connection socket that is not connected, and a pending send.
  PWSK_SOCKET idle = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(idle, nullptr);
  EXPECT_EQ(Ioctl(idle, SIO_WSK_SET_TCP_SILENT_MODE, 0, nullptr, 0, nullptr),
            STATUS_INVALID_DEVICE_STATE);
  EXPECT_EQ(CloseSocket(idle), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1);
  // Without an IRP (the verifier reports the missing IRP).
  EXPECT_EQ(BasicTable(wsk_)->WskControlSocket(wsk_, WskIoctl, SIO_WSK_SET_TCP_SILENT_MODE, 0,
                                                0, nullptr, 0, nullptr, nullptr, nullptr),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 1);
  // Still connected and audible.
  ASSERT_EQ(Send(wsk_, "fine"), STATUS_SUCCESS);
  EXPECT_EQ(HostReadAll(host_, 4), "fine");
}

WSKCONF_FAMILY_TESTS(SilentModeTest);

}  // namespace
}  // namespace wskconf::reference::testing
