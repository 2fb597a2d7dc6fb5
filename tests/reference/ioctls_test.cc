// The socket IOCTLs through WskControlSocket (spec/ioctls.xml): the backlog
// queries, the inspect id, fixed datagram addresses, and the codes the host
// cannot serve refused with their documented status.
#include <unistd.h>

#include <chrono>
#include <vector>

#include "control_test_util.h"
#include "datagram_test_util.h"

namespace wskconf::reference::testing {
namespace {

class IoctlsTest : public KeepingFamilyTest {
 protected:
  PWSK_SOCKET Connection() { return Keep(client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET)); }
  ConnectedPair Connected() {
    ConnectedPair pair = ConnectToHost(*client(), family());
    Keep(pair.wsk);
    KeepFd(pair.host);
    return pair;
  }
  PWSK_SOCKET Datagram(SOCKADDR_STORAGE* local) {
    return Keep(BoundDatagramSocket(*client(), family(), local));
  }
  SIZE_T AddressSize() const {
    return family() == WS_AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
  }
};

TEST_P(IoctlsTest, ReceiveBacklogCountsUnreadBytes) {
  RecordClause("SIO_WSK_QUERY_RECEIVE_BACKLOG.ReportsUnreadBytes");
  ConnectedPair pair = Connected();
  ASSERT_NE(pair.wsk, nullptr);
  SIZE_T backlog = 1;
  ULONG_PTR information = 0;
  ASSERT_EQ(Ioctl(pair.wsk, SIO_WSK_QUERY_RECEIVE_BACKLOG, 0, nullptr, sizeof(backlog),
                  &backlog, &information),
            STATUS_SUCCESS);
  EXPECT_EQ(backlog, 0u);
  EXPECT_EQ(information, sizeof(SIZE_T));
  HostWriteAll(pair.host, Pattern(100));
  // Loopback delivery runs apart from the writer: ask again until the bytes
  // are counted, for at most kExpectCompletion.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kExpectCompletion);
  do {
    ASSERT_EQ(Ioctl(pair.wsk, SIO_WSK_QUERY_RECEIVE_BACKLOG, 0, nullptr, sizeof(backlog),
                    &backlog),
              STATUS_SUCCESS);
  } while (backlog < 100 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(backlog, 100u);
  std::string got;
  ASSERT_EQ(Receive(pair.wsk, 100, &got, WSK_FLAG_WAITALL), STATUS_SUCCESS);
  ASSERT_EQ(Ioctl(pair.wsk, SIO_WSK_QUERY_RECEIVE_BACKLOG, 0, nullptr, sizeof(backlog),
                  &backlog),
            STATUS_SUCCESS);
  EXPECT_EQ(backlog, 0u);
}

TEST_P(IoctlsTest, IdealSendBacklogOnConnectedSocket) {
  RecordClause("SIO_WSK_QUERY_IDEAL_SEND_BACKLOG.ReturnsSize");
  ConnectedPair pair = Connected();
  ASSERT_NE(pair.wsk, nullptr);
  SIZE_T isb = 0;
  ULONG_PTR information = 0;
  ASSERT_EQ(Ioctl(pair.wsk, SIO_WSK_QUERY_IDEAL_SEND_BACKLOG, 0, nullptr, sizeof(isb), &isb,
                  &information),
            STATUS_SUCCESS);
  EXPECT_GT(isb, 0u);
  EXPECT_EQ(information, sizeof(SIZE_T));
  ULONG small = 0;
  EXPECT_EQ(Ioctl(pair.wsk, SIO_WSK_QUERY_IDEAL_SEND_BACKLOG, 0, nullptr, sizeof(small), &small),
            STATUS_BUFFER_TOO_SMALL);
  EXPECT_EQ(small, 0u);
}

TEST_P(IoctlsTest, BacklogQueriesNeedConnectedSocketAndIrp) {
  RecordClause("SIO_WSK_QUERY_RECEIVE_BACKLOG.AfterConnect");
  PWSK_SOCKET s = Connection();
  ASSERT_NE(s, nullptr);
  SIZE_T value = 0;
  for (ULONG code : {SIO_WSK_QUERY_RECEIVE_BACKLOG, SIO_WSK_QUERY_IDEAL_SEND_BACKLOG}) {
    EXPECT_EQ(Ioctl(s, code, 0, nullptr, sizeof(value), &value), STATUS_INVALID_DEVICE_STATE);
    SIZE_T returned = 0;
    EXPECT_EQ(IoctlNoIrp(s, code, 0, nullptr, sizeof(value), &value, &returned),
              STATUS_INVALID_PARAMETER);  // IrpRequired
  }
  SOCKADDR_STORAGE local;
  PWSK_SOCKET datagram = Datagram(&local);
  EXPECT_EQ(Ioctl(datagram, SIO_WSK_QUERY_RECEIVE_BACKLOG, 0, nullptr, sizeof(value), &value),
            STATUS_NOT_SUPPORTED);
  // The client mistakes this test makes on purpose (the verifier's ClientCall rules).
  ConsumeViolations("ClientCall.IrpMissing");
  ConsumeViolations("ClientCall.IrpNotAllowed");
  ConsumeViolations("ClientCall.WrongSocketState");
}

TEST_P(IoctlsTest, InspectIdOfOrdinarySocketIsInvalidRequest) {
  RecordClause("SIO_WSK_QUERY_INSPECT_ID.OtherSocketsRejected");
  ConnectedPair pair = Connected();
  ASSERT_NE(pair.wsk, nullptr);
  WSK_INSPECT_ID id{};
  SIZE_T returned = 0;
  EXPECT_EQ(IoctlNoIrp(pair.wsk, SIO_WSK_QUERY_INSPECT_ID, 0, nullptr, sizeof(id), &id,
                       &returned),
            STATUS_INVALID_DEVICE_REQUEST);
  PWSK_SOCKET unconnected = Connection();
  EXPECT_EQ(IoctlNoIrp(unconnected, SIO_WSK_QUERY_INSPECT_ID, 0, nullptr, sizeof(id), &id,
                       &returned),
            STATUS_INVALID_DEVICE_REQUEST);
}

TEST_P(IoctlsTest, ExtensionRegistrationRefused) {
  RecordClause("SIO_WSK_REGISTER_EXTENSION.NoneDefinedToday");
  for (ULONG flags : {WSK_FLAG_BASIC_SOCKET, WSK_FLAG_CONNECTION_SOCKET, WSK_FLAG_LISTEN_SOCKET}) {
    PWSK_SOCKET s = Keep(client()->Socket(family(), flags));
    ASSERT_NE(s, nullptr);
    WSK_EXTENSION_CONTROL_IN in{&NPI_WSK_INTERFACE_ID, nullptr, nullptr};
    WSK_EXTENSION_CONTROL_OUT out{};
    EXPECT_EQ(IoctlNoIrp(s, SIO_WSK_REGISTER_EXTENSION, sizeof(in), &in, sizeof(out), &out,
                         nullptr),
              STATUS_NOT_SUPPORTED);
  }
}

TEST_P(IoctlsTest, LoopbackFastPathChecksSizeThenRefuses) {
  RecordClause("SIO_LOOPBACK_FAST_PATH.FailureStatuses");
  PWSK_SOCKET s = Connection();
  ASSERT_NE(s, nullptr);
  ULONG wrong = 1;
  BOOLEAN on = TRUE;
  EXPECT_EQ(Ioctl(s, WS_SIO_LOOPBACK_FAST_PATH, sizeof(wrong), &wrong, 0, nullptr),
            STATUS_INVALID_BUFFER_SIZE);
  EXPECT_EQ(Ioctl(s, WS_SIO_LOOPBACK_FAST_PATH, sizeof(on), &on, 0, nullptr),
            STATUS_NOT_SUPPORTED);
}

TEST_P(IoctlsTest, NoRedirectionWithoutWfp) {
  RecordClause("SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS.NotRedirectedFails");
  ConnectedPair pair = Connected();
  ASSERT_NE(pair.wsk, nullptr);
  char records[64];
  EXPECT_EQ(Ioctl(pair.wsk, WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_RECORDS, 0, nullptr,
                  sizeof(records), records),
            STATUS_NOT_FOUND);
  EXPECT_EQ(Ioctl(pair.wsk, WS_SIO_QUERY_WFP_CONNECTION_REDIRECT_CONTEXT, 0, nullptr,
                  sizeof(records), records),
            STATUS_NOT_FOUND);
  // SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS.FailureStatuses
  PWSK_SOCKET proxy = Connection();
  EXPECT_EQ(Ioctl(proxy, WS_SIO_SET_WFP_CONNECTION_REDIRECT_RECORDS, sizeof(records), records,
                  0, nullptr),
            STATUS_ACCESS_DENIED);
}

TEST_P(IoctlsTest, SilentModeOnLoopbackAndReceiveExRefused) {
  RecordClause("SIO_WSK_SET_RECEIVE_EX_CALLBACK.UnpublishedOnly");
  ConnectedPair pair = Connected();
  ASSERT_NE(pair.wsk, nullptr);
  // SIO_WSK_SET_TCP_SILENT_MODE.ConnectedTcpOnly: "not supported on loopback".
  EXPECT_EQ(Ioctl(pair.wsk, SIO_WSK_SET_TCP_SILENT_MODE, 0, nullptr, 0, nullptr),
            STATUS_NOT_SUPPORTED);
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1);
  EXPECT_EQ(Ioctl(pair.wsk, SIO_WSK_SET_RECEIVE_EX_CALLBACK, 0, nullptr, 0, nullptr),
            STATUS_NOT_SUPPORTED);
  // The connection still works: nothing was half-applied.
  HostWriteAll(pair.host, "still here");
  std::string got;
  ASSERT_EQ(Receive(pair.wsk, 10, &got, WSK_FLAG_WAITALL), STATUS_SUCCESS);
  EXPECT_EQ(got, "still here");
}

TEST_P(IoctlsTest, SendToAddressIsDefaultAndFiltersNothing) {
  RecordClause("SIO_WSK_SET_SENDTO_ADDRESS.SendsGoThere");
  SOCKADDR_STORAGE local, first_address, second_address;
  PWSK_SOCKET s = Datagram(&local);
  ASSERT_NE(s, nullptr);
  int first = KeepFd(HostUdp(family(), &first_address));
  int second = KeepFd(HostUdp(family(), &second_address));
  ASSERT_EQ(Ioctl(s, SIO_WSK_SET_SENDTO_ADDRESS, AddressSize(), &first_address, 0, nullptr),
            STATUS_SUCCESS);
  ASSERT_EQ(SendTo(s, "default", nullptr), STATUS_SUCCESS);
  std::string got;
  ASSERT_TRUE(HostReceive(first, &got));
  EXPECT_EQ(got, "default");
  ASSERT_EQ(SendTo(s, "explicit", &second_address), STATUS_SUCCESS);
  ASSERT_TRUE(HostReceive(second, &got));
  EXPECT_EQ(got, "explicit");
  HostSendTo(second, "anyone", local);  // SIO_WSK_SET_SENDTO_ADDRESS.ReceivesFromAnyone
  MdlBuffer buffer(16);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  ASSERT_EQ(probe.Result(DatagramTable(s)->WskReceiveFrom(s, &buf, 0, nullptr, nullptr,
                                                          nullptr, nullptr, probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "anyone");
  ASSERT_EQ(Ioctl(s, SIO_WSK_SET_SENDTO_ADDRESS, 0, nullptr, 0, nullptr), STATUS_SUCCESS);
  EXPECT_EQ(SendTo(s, "nowhere", nullptr), STATUS_INVALID_PARAMETER);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_P(IoctlsTest, RemoteAddressFiltersReceives) {
  RecordClause("SIO_WSK_SET_REMOTE_ADDRESS.FiltersReceives");
  SOCKADDR_STORAGE local, fixed_address, other_address;
  PWSK_SOCKET s = Datagram(&local);
  ASSERT_NE(s, nullptr);
  int fixed = KeepFd(HostUdp(family(), &fixed_address));
  int other = KeepFd(HostUdp(family(), &other_address));
  ASSERT_EQ(Ioctl(s, SIO_WSK_SET_REMOTE_ADDRESS, AddressSize(), &fixed_address, 0, nullptr),
            STATUS_SUCCESS);
  ASSERT_EQ(SendTo(s, "to fixed", nullptr), STATUS_SUCCESS);  // SendsGoThere
  std::string got;
  ASSERT_TRUE(HostReceive(fixed, &got));
  EXPECT_EQ(got, "to fixed");
  MdlBuffer buffer(16);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned = DatagramTable(s)->WskReceiveFrom(s, &buf, 0, nullptr, nullptr, nullptr,
                                                       nullptr, probe.Start());
  HostSendTo(other, "filtered", local);
  EXPECT_FALSE(probe.Wait(kExpectNoCompletion));
  HostSendTo(fixed, "from fixed", local);
  ASSERT_EQ(probe.Result(returned), STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "from fixed");
  // SIO_WSK_SET_REMOTE_ADDRESS.ClearRestoresAny
  ASSERT_EQ(Ioctl(s, SIO_WSK_SET_REMOTE_ADDRESS, 0, nullptr, 0, nullptr), STATUS_SUCCESS);
  HostSendTo(other, "open again", local);
  ASSERT_EQ(probe.Result(DatagramTable(s)->WskReceiveFrom(s, &buf, 0, nullptr, nullptr,
                                                          nullptr, nullptr, probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(buffer.Read(0, probe.information()), "open again");
}

TEST_P(IoctlsTest, FixedAddressNeedsBoundDatagramSocketAndFullAddress) {
  RecordClause("SIO_WSK_SET_SENDTO_ADDRESS.AfterBind");
  PWSK_SOCKET unbound = Keep(DatagramSocket(*client(), family()));
  ASSERT_NE(unbound, nullptr);
  SOCKADDR_STORAGE to = Loopback(family(), 9);
  EXPECT_EQ(Ioctl(unbound, SIO_WSK_SET_SENDTO_ADDRESS, AddressSize(), &to, 0, nullptr),
            STATUS_INVALID_DEVICE_STATE);
  PWSK_SOCKET connection = Connection();
  EXPECT_EQ(Ioctl(connection, SIO_WSK_SET_REMOTE_ADDRESS, AddressSize(), &to, 0, nullptr),
            STATUS_NOT_SUPPORTED);
  SOCKADDR_STORAGE local;
  PWSK_SOCKET bound = Datagram(&local);
  // SIO_WSK_SET_REMOTE_ADDRESS.InputMatchesFamily: a cut-short address.
  EXPECT_EQ(Ioctl(bound, SIO_WSK_SET_REMOTE_ADDRESS, AddressSize() - 1, &to, 0, nullptr),
            STATUS_INVALID_PARAMETER);
  // The client mistakes this test makes on purpose (the verifier's ClientCall rules).
  ConsumeViolations("ClientCall.IrpMissing");
  ConsumeViolations("ClientCall.IrpNotAllowed");
  ConsumeViolations("ClientCall.WrongSocketState");
  // The mistake above, made on purpose, is a verifier finding too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

WSKCONF_FAMILY_TESTS(IoctlsTest);

}  // namespace
}  // namespace wskconf::reference::testing
