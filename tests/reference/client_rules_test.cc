// The client rules the reference reports through the kernel runtime's
// buffer and IRP tracking and its own registration bookkeeping: a buffer
// released before its IRP completed (Irp.BufferReleasedBeforeCompletion),
// an IRP sent again while pending (Irp.SentWhilePending) and unbalanced
// registration calls (ClientCall.RegistrationUnbalanced). Each test makes
// the mistake and expects its finding, then the correct pattern and
// expects silence (the fixture fails on any finding left unconsumed).
#include <unistd.h>

#include <string>

#include "datagram_test_util.h"

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

constexpr ULONG kTag = 'tRlC';

class ClientRulesTest : public FamilyTest {
 protected:
  void SetUp() override {
    FamilyTest::SetUp();
    pair_ = ConnectToHost(*client(), family());
    ASSERT_NE(pair_.wsk, nullptr);
  }
  void TearDown() override {
    if (pair_.wsk != nullptr) {
      EXPECT_EQ(CloseSocket(pair_.wsk), STATUS_SUCCESS);
    }
    if (pair_.host >= 0) close(pair_.host);
    FamilyTest::TearDown();
  }

  // A receive that stays pending (the host sends nothing) into a pool
  // buffer described by an MDL built for nonpaged pool.
  void StartReceive(IrpProbe& probe) {
    data_ = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, kTag);
    ASSERT_NE(data_, nullptr);
    mdl_ = IoAllocateMdl(data_, 64, FALSE, FALSE, nullptr);
    ASSERT_NE(mdl_, nullptr);
    MmBuildMdlForNonPagedPool(mdl_);
    WSK_BUF buffer{mdl_, 0, 64};
    ASSERT_EQ(ConnectionTable(pair_.wsk)->WskReceive(pair_.wsk, &buffer, 0,
                                                      probe.Start()),
              STATUS_PENDING);
  }

  ConnectedPair pair_;
  PVOID data_ = nullptr;
  PMDL mdl_ = nullptr;
};

TEST_P(ClientRulesTest, FreeingAPendingReceiveBufferIsReported) {
  RecordClause("Irp.BufferReleasedBeforeCompletion");
  IrpProbe probe;
  StartReceive(probe);
  IoFreeMdl(mdl_);
  ExFreePoolWithTag(data_, kTag);
  EXPECT_EQ(ConsumeViolations("Irp.BufferReleasedBeforeCompletion"), 2)
      << "the MDL and its pool block";
  IoCancelIrp(probe.irp());
  EXPECT_EQ(probe.Result(STATUS_PENDING), STATUS_CANCELLED);
}

TEST_P(ClientRulesTest, FreeingAfterTheReceiveCompletedIsSilent) {
  RecordClause("Irp.BufferReleasedBeforeCompletion");
  IrpProbe probe;
  StartReceive(probe);
  IoCancelIrp(probe.irp());
  EXPECT_EQ(probe.Result(STATUS_PENDING), STATUS_CANCELLED);
  IoFreeMdl(mdl_);
  ExFreePoolWithTag(data_, kTag);
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
}

TEST_P(ClientRulesTest, SendingAPendingIrpAgainIsReported) {
  RecordClause("Irp.SentWhilePending");
  IrpProbe probe;
  StartReceive(probe);
  WSK_BUF buffer{mdl_, 0, 64};
  // The same IRP again, without waiting for the first receive.
  EXPECT_EQ(ConnectionTable(pair_.wsk)->WskReceive(pair_.wsk, &buffer, 0, probe.irp()),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("Irp.SentWhilePending"), 1);
  // The first request is untouched: data completes it.
  HostWriteAll(pair_.host, "data");
  EXPECT_EQ(probe.Result(STATUS_PENDING), STATUS_SUCCESS);
  EXPECT_EQ(probe.information(), 4u);
  // Reused after completion (IrpProbe::Start calls IoReuseIrp): silent.
  HostWriteAll(pair_.host, "more");
  EXPECT_EQ(probe.Result(ConnectionTable(pair_.wsk)->WskReceive(pair_.wsk, &buffer, 0,
                                                                  probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
  IoFreeMdl(mdl_);
  ExFreePoolWithTag(data_, kTag);
}

using RegistrationRulesTest = ReferenceTest;

WSK_CLIENT_DISPATCH kDispatch{MAKE_WSK_VERSION(1, 0), 0, nullptr};

TEST_F(RegistrationRulesTest, DeregisteringABlockNeverRegisteredIsReported) {
  RecordClause("ClientCall.RegistrationUnbalanced");
  WSK_REGISTRATION never{};
  WskDeregister(&never);
  EXPECT_EQ(ConsumeViolations("ClientCall.RegistrationUnbalanced"), 1);
}

TEST_F(RegistrationRulesTest, DeregisteringTwiceIsReported) {
  RecordClause("ClientCall.RegistrationUnbalanced");
  WSK_CLIENT_NPI npi{nullptr, &kDispatch};
  WSK_REGISTRATION registration{};
  ASSERT_EQ(WskRegister(&npi, &registration), STATUS_SUCCESS);
  WskDeregister(&registration);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "one WskDeregister is silent";
  WskDeregister(&registration);
  EXPECT_EQ(ConsumeViolations("ClientCall.RegistrationUnbalanced"), 1);
}

TEST_F(RegistrationRulesTest, RegisteringALiveBlockAgainIsReported) {
  RecordClause("ClientCall.RegistrationUnbalanced");
  WSK_CLIENT_NPI npi{nullptr, &kDispatch};
  WSK_REGISTRATION registration{};
  ASSERT_EQ(WskRegister(&npi, &registration), STATUS_SUCCESS);
  EXPECT_EQ(WskRegister(&npi, &registration), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(ConsumeViolations("ClientCall.RegistrationUnbalanced"), 1);
  WskDeregister(&registration);
  WSK_REGISTRATION second{};
  ASSERT_EQ(WskRegister(&npi, &second), STATUS_SUCCESS);  // its own block: silent
  WskDeregister(&second);
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
}

TEST_F(RegistrationRulesTest, CallsAfterTheLastReleaseAreReported) {
  RecordClause("Registration.NoProviderCallsAfterRelease");
  WSK_CLIENT_NPI npi{nullptr, &kDispatch};
  WSK_REGISTRATION registration{};
  ASSERT_EQ(WskRegister(&npi, &registration), STATUS_SUCCESS);
  WSK_PROVIDER_NPI provider{};
  ASSERT_EQ(WskCaptureProviderNPI(&registration, WSK_NO_WAIT, &provider), STATUS_SUCCESS);
  WskReleaseProviderNPI(&registration);
  SIZE_T returned = 0;
  provider.Dispatch->WskControlClient(provider.Client, WSK_TRANSPORT_LIST_QUERY, 0, nullptr,
                                      0, nullptr, &returned, nullptr);
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
  WskDeregister(&registration);
}

TEST_F(RegistrationRulesTest, ReservedDispatchMemberIsReported) {
  RecordClause("WSK_CLIENT_DISPATCH.ReservedZero");
  WSK_CLIENT_DISPATCH dispatch{MAKE_WSK_VERSION(1, 0), 7, nullptr};
  WSK_CLIENT_NPI npi{nullptr, &dispatch};
  WSK_REGISTRATION registration{};
  ASSERT_EQ(WskRegister(&npi, &registration), STATUS_SUCCESS);
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
  WskDeregister(&registration);
}

TEST_F(RegistrationRulesTest, ReleasingWithoutACaptureIsReported) {
  RecordClause("ClientCall.RegistrationUnbalanced");
  WSK_CLIENT_NPI npi{nullptr, &kDispatch};
  WSK_REGISTRATION registration{};
  ASSERT_EQ(WskRegister(&npi, &registration), STATUS_SUCCESS);
  WskReleaseProviderNPI(&registration);
  EXPECT_EQ(ConsumeViolations("ClientCall.RegistrationUnbalanced"), 1);
  WSK_PROVIDER_NPI provider{};
  ASSERT_EQ(WskCaptureProviderNPI(&registration, WSK_NO_WAIT, &provider), STATUS_SUCCESS);
  WskReleaseProviderNPI(&registration);  // balances the capture: silent
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
  WskDeregister(&registration);
}

TEST_P(ClientRulesTest, ReservedSendExAndReceiveExAreReported) {
  RecordClause("WSK_PROVIDER_CONNECTION_DISPATCH.ReservedMembersNotCalled");
  MdlBuffer buffer(8);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  const auto* table = ConnectionTable(pair_.wsk);
  EXPECT_EQ(probe.Result(table->WskSendEx(pair_.wsk, &buf, 0, 0, nullptr, probe.Start())),
            STATUS_NOT_SUPPORTED);
  EXPECT_EQ(probe.Result(table->WskReceiveEx(pair_.wsk, &buf, 0, nullptr, nullptr, nullptr,
                                             probe.Start())),
            STATUS_NOT_SUPPORTED);
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 2);
  EXPECT_EQ(Send(pair_.wsk, "x"), STATUS_SUCCESS);  // WskSend itself: silent
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
}

TEST_P(ClientRulesTest, DrainFlagMisuseIsReported) {
  RecordClause("WskReceive.DrainRequiresZeroLength");
  MdlBuffer buffer(8);
  WSK_BUF some = buffer.Buf();
  WSK_BUF none = buffer.Buf(0, 0);
  const auto* table = ConnectionTable(pair_.wsk);
  // Drains wait for the end of the stream; all three are queued first.
  IrpProbe right, long_buffer, with_waitall;
  NTSTATUS r1 = table->WskReceive(pair_.wsk, &none, WSK_FLAG_DRAIN, right.Start());
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "DRAIN with Length 0 alone is silent";
  NTSTATUS r2 = table->WskReceive(pair_.wsk, &some, WSK_FLAG_DRAIN, long_buffer.Start());
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1) << "DRAIN with Length 8";
  NTSTATUS r3 = table->WskReceive(pair_.wsk, &none, WSK_FLAG_DRAIN | WSK_FLAG_WAITALL,
                                  with_waitall.Start());
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1) << "DRAIN with WAITALL";
  close(pair_.host);
  pair_.host = -1;
  right.Result(r1);
  long_buffer.Result(r2);
  with_waitall.Result(r3);
}

TEST_P(ClientRulesTest, IoctlRulesAreReported) {
  RecordClause("Ioctls.LevelZero");
  const auto* table = ConnectionTable(pair_.wsk);
  SIZE_T backlog = 0;
  IrpProbe probe;
  probe.Result(table->WskControlSocket(pair_.wsk, WskIoctl, SIO_WSK_QUERY_RECEIVE_BACKLOG, 1,
                                       0, nullptr, sizeof(backlog), &backlog, nullptr,
                                       probe.Start()));
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1) << "Level 1";
  EXPECT_EQ(probe.Result(table->WskControlSocket(pair_.wsk, WskIoctl,
                                                 SIO_WSK_QUERY_RECEIVE_BACKLOG, 0, 0, nullptr,
                                                 sizeof(backlog), &backlog, nullptr,
                                                 probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "Level 0 is silent";
  // SIO_LOOPBACK_FAST_PATH.IrpAndCompletionRequired: an IRP with no routine.
  PIRP bare = IoAllocateIrp(1, FALSE);
  KEVENT done;
  KeInitializeEvent(&done, NotificationEvent, FALSE);
  bare->UserEvent = &done;
  ULONG on = 1;
  NTSTATUS returned = table->WskControlSocket(pair_.wsk, WskIoctl, WS_SIO_LOOPBACK_FAST_PATH,
                                              0, sizeof(on), &on, 0, nullptr, nullptr, bare);
  if (returned == STATUS_PENDING) {
    LARGE_INTEGER timeout;
    timeout.QuadPart = -static_cast<LONGLONG>(kExpectCompletion) * 10000;
    KeWaitForSingleObject(&done, Executive, KernelMode, FALSE, &timeout);
  }
  EXPECT_EQ(ConsumeViolations("ClientCall.IrpMissing"), 1);
  // Without a routine nobody stops the completion: the runtime says so too.
  EXPECT_EQ(ConsumeViolations("Irp.CallerAllocatedCompletionReturnsMoreProcessing"), 1);
  // SIO_WSK_SET_TCP_SILENT_MODE.NoPendingSendOrDisconnect: a send that waits
  // for the host to read.
  std::string big = Pattern(8 << 20, 3);
  MdlBuffer out(big.size());
  out.Write(0, big);
  WSK_BUF out_buf = out.Buf();
  IrpProbe send;
  NTSTATUS send_returned = table->WskSend(pair_.wsk, &out_buf, 0, send.Start());
  ASSERT_EQ(send_returned, STATUS_PENDING);
  probe.Result(table->WskControlSocket(pair_.wsk, WskIoctl, SIO_WSK_SET_TCP_SILENT_MODE, 0, 0,
                                       nullptr, 0, nullptr, nullptr, probe.Start()));
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 1) << "silent mode, send pending";
  EXPECT_TRUE(HostReadAll(pair_.host, big.size()) == big);
  EXPECT_EQ(send.Result(send_returned), STATUS_SUCCESS);
  IoFreeIrp(bare);
}

TEST_P(ClientRulesTest, TcpOnlyIoctlsOnADatagramSocketAreReported) {
  RecordClause("SIO_LOOPBACK_FAST_PATH.TcpOnly");
  SOCKADDR_STORAGE local{};
  PWSK_SOCKET datagram = BoundDatagramSocket(*client(), family(), &local);
  ASSERT_NE(datagram, nullptr);
  ULONG on = 1;
  IrpProbe probe;
  probe.Result(DatagramTable(datagram)->WskControlSocket(
      datagram, WskIoctl, WS_SIO_LOOPBACK_FAST_PATH, 0, sizeof(on), &on, 0, nullptr, nullptr,
      probe.Start()));
  probe.Result(DatagramTable(datagram)->WskControlSocket(
      datagram, WskIoctl, SIO_WSK_SET_TCP_SILENT_MODE, 0, 0, nullptr, 0, nullptr, nullptr,
      probe.Start()));
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 2);
  EXPECT_EQ(CloseSocket(datagram), STATUS_SUCCESS);
  // On the connected TCP socket of the fixture the same codes are silent.
  probe.Result(ConnectionTable(pair_.wsk)->WskControlSocket(
      pair_.wsk, WskIoctl, WS_SIO_LOOPBACK_FAST_PATH, 0, sizeof(on), &on, 0, nullptr, nullptr,
      probe.Start()));
  EXPECT_EQ(ConsumeViolations("ClientCall.WrongSocketState"), 0);
}

TEST_P(ClientRulesTest, ControlInfoWithoutLengthIsReported) {
  RecordClause("WskSendTo.ControlInfoLengthZeroWithoutControl");
  SOCKADDR_STORAGE local{};
  PWSK_SOCKET datagram = BoundDatagramSocket(*client(), family(), &local);
  ASSERT_NE(datagram, nullptr);
  MdlBuffer buffer(4);
  WSK_BUF buf = buffer.Buf();
  IrpProbe probe;
  probe.Result(DatagramTable(datagram)->WskSendTo(datagram, &buf, 0,
                                                   reinterpret_cast<PSOCKADDR>(&local), 16,
                                                   nullptr, probe.Start()));
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
  EXPECT_EQ(probe.Result(DatagramTable(datagram)->WskSendTo(
                datagram, &buf, 0, reinterpret_cast<PSOCKADDR>(&local), 0, nullptr,
                probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "no control information: silent";
  EXPECT_EQ(CloseSocket(datagram), STATUS_SUCCESS);
}

TEST_P(ClientRulesTest, SendMessagesAboveDispatchLevelIsReported) {
  RecordClause("WskSendMessages.IrqlAtMostDispatch");
  SOCKADDR_STORAGE local{};
  PWSK_SOCKET datagram = BoundDatagramSocket(*client(), family(), &local);
  ASSERT_NE(datagram, nullptr);
  MdlBuffer buffer(4);
  WSK_BUF_LIST list{};
  list.Buffer = buffer.Buf();
  IrpProbe probe;
  NTSTATUS returned;
  {
    KIRQL old = KfRaiseIrql(DISPATCH_LEVEL + 1);
    returned = DatagramTable(datagram)->WskSendMessages(
        datagram, &list, 0, reinterpret_cast<PSOCKADDR>(&local), 0, nullptr, probe.Start());
    KeLowerIrql(old);
  }
  probe.Result(returned);
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
  WskconfClearViolations();  // what the runtime says about the raised IRQL itself
  EXPECT_EQ(probe.Result(DatagramTable(datagram)->WskSendMessages(
                datagram, &list, 0, reinterpret_cast<PSOCKADDR>(&local), 0, nullptr,
                probe.Start())),
            STATUS_SUCCESS);
  EXPECT_EQ(WskconfGetViolationCount(), 0u) << "at PASSIVE_LEVEL it is silent";
  EXPECT_EQ(CloseSocket(datagram), STATUS_SUCCESS);
}

TEST_P(ClientRulesTest, CallsThroughAReleasedCaptureAreReported) {
  RecordClause("Registration.NoProviderCallsAfterRelease");
  WSK_PROVIDER_NPI second{};
  ASSERT_EQ(WskCaptureProviderNPI(client()->registration(), WSK_NO_WAIT, &second),
            STATUS_SUCCESS);
  WskReleaseProviderNPI(client()->registration());
  // The fixture still holds its own capture: a call is silent.
  PWSK_SOCKET s = client()->Socket(family(), 0);
  EXPECT_EQ(WskconfGetViolationCount(), 0u);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

WSKCONF_FAMILY_TESTS(ClientRulesTest);

}  // namespace
}  // namespace wskconf::reference::testing
