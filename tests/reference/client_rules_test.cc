// The client rules the reference reports through the kernel runtime's
// buffer and IRP tracking and its own registration bookkeeping: a buffer
// released before its IRP completed (Irp.BufferReleasedBeforeCompletion),
// an IRP sent again while pending (Irp.SentWhilePending) and unbalanced
// registration calls (ClientCall.RegistrationUnbalanced). Each test makes
// the mistake and expects its finding, then the correct pattern and
// expects silence (the fixture fails on any finding left unconsumed).
#include <unistd.h>

#include <string>

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

WSKCONF_FAMILY_TESTS(ClientRulesTest);

}  // namespace
}  // namespace wskconf::reference::testing
