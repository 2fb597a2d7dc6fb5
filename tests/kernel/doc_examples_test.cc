// Runs the documentation's control-operation example (SO_EXCLUSIVEADDRUSE on
// a datagram socket) and accept example, compiled as C from the pages
// themselves (doc_examples_test.cmake), against the fake provider of
// doc_examples_test.c, under inline and pended completion. The KernelTest
// fixture fails a test that leaks the IRP or trips the verifier.
#include "doc_examples_test.h"

#include <gtest/gtest.h>

#include <string>

#include "kernel_test_util.h"

namespace {

using wskconf::testing::KernelTest;

class DocExamplesTest : public KernelTest {
 protected:
  void TearDown() override {
    WskconfFailNthAllocation(WskconfAllocIrp, 0);
    KernelTest::TearDown();
  }
};

void ExpectExclusiveAddrUseRequest() {
  const WSKCONF_DOCS_FAKE& fake = WskconfDocsFake;
  EXPECT_EQ(fake.ControlCalls, 1u);
  EXPECT_EQ(fake.ControlSocket, &WskconfDocsDatagramSocket);
  EXPECT_EQ(fake.RequestType, WskSetOption);
  EXPECT_EQ(fake.ControlCode, static_cast<ULONG>(SO_EXCLUSIVEADDRUSE));
  EXPECT_EQ(fake.ControlCode, 0xFFFFFFFBu);
  EXPECT_EQ(fake.Level, static_cast<ULONG>(SOL_SOCKET));
  EXPECT_EQ(fake.InputSize, sizeof(ULONG));
  EXPECT_EQ(fake.InputValue, 1u);
  EXPECT_EQ(fake.OutputSize, 0u);
  EXPECT_EQ(fake.OutputBuffer, nullptr);
  EXPECT_EQ(fake.OutputSizeReturned, nullptr);
  EXPECT_NE(fake.LastIrp, nullptr);
}

TEST_F(DocExamplesTest, ControlExampleSetsExclusiveAddrUse) {
  WskconfDocsReset(WskconfDocsCompleteInline, STATUS_SUCCESS);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS,
                     SetExclusiveAddrUse(&WskconfDocsDatagramSocket));
  ExpectExclusiveAddrUseRequest();
  // Its completion routine reached the success branch with its context.
  EXPECT_EQ(WskconfDocsFake.ElidedCalls, 1u);
  EXPECT_EQ(std::string(WskconfDocsFake.ElidedFunction),
            "ControlSocketComplete");
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WskconfDocsFake.ElidedStatus);
  EXPECT_EQ(WskconfDocsFake.ElidedContext, &WskconfDocsDatagramSocket);
}

TEST_F(DocExamplesTest, ControlExampleCompletesWhenThePendedRequestEnds) {
  WskconfDocsReset(WskconfDocsCompleteLater, STATUS_SUCCESS);
  EXPECT_NTSTATUS_EQ(STATUS_PENDING,
                     SetExclusiveAddrUse(&WskconfDocsDatagramSocket));
  ExpectExclusiveAddrUseRequest();
  EXPECT_EQ(WskconfDocsFake.ElidedCalls, 0u);
  WskconfDocsCompletePending();
  EXPECT_EQ(WskconfDocsFake.ElidedCalls, 1u);
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, WskconfDocsFake.ElidedStatus);
}

TEST_F(DocExamplesTest, ControlExampleHandlesAFailedRequest) {
  WskconfDocsReset(WskconfDocsCompleteInline, STATUS_INVALID_PARAMETER);
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER,
                     SetExclusiveAddrUse(&WskconfDocsDatagramSocket));
  EXPECT_EQ(WskconfDocsFake.ElidedCalls, 1u);  // the error branch
  EXPECT_NTSTATUS_EQ(STATUS_INVALID_PARAMETER, WskconfDocsFake.ElidedStatus);
}

TEST_F(DocExamplesTest, ControlExampleReportsIrpAllocationFailure) {
  WskconfDocsReset(WskconfDocsCompleteInline, STATUS_SUCCESS);
  WskconfFailNthAllocation(WskconfAllocIrp, 1);
  EXPECT_NTSTATUS_EQ(STATUS_INSUFFICIENT_RESOURCES,
                     SetExclusiveAddrUse(&WskconfDocsDatagramSocket));
  EXPECT_EQ(WskconfDocsFake.ControlCalls, 0u);
}

void ExpectAcceptRequest(PVOID context,
                         const WSK_CLIENT_CONNECTION_DISPATCH* dispatch) {
  const WSKCONF_DOCS_FAKE& fake = WskconfDocsFake;
  EXPECT_EQ(fake.AcceptCalls, 1u);
  EXPECT_EQ(fake.ListenSocket, &WskconfDocsListenSocket);
  EXPECT_EQ(fake.AcceptFlags, 0u);
  EXPECT_EQ(fake.AcceptSocketContext, context);
  EXPECT_EQ(fake.AcceptSocketDispatch, dispatch);
  EXPECT_EQ(fake.LocalAddress, nullptr);
  EXPECT_EQ(fake.RemoteAddress, nullptr);
}

TEST_F(DocExamplesTest, AcceptExampleGetsTheAcceptedSocket) {
  WskconfDocsReset(WskconfDocsCompleteInline, STATUS_SUCCESS);
  int context = 0;
  WSK_CLIENT_CONNECTION_DISPATCH dispatch{};
  EXPECT_NTSTATUS_EQ(STATUS_SUCCESS, AcceptConnection(&WskconfDocsListenSocket,
                                                      &context, &dispatch));
  ExpectAcceptRequest(&context, &dispatch);
  EXPECT_EQ(WskconfDocsFake.ElidedCalls, 1u);
  EXPECT_EQ(std::string(WskconfDocsFake.ElidedFunction), "AcceptComplete");
  EXPECT_EQ(WskconfDocsFake.ElidedInformation,
            reinterpret_cast<ULONG_PTR>(&WskconfDocsAcceptedSocket));
  EXPECT_EQ(WskconfDocsFake.ElidedContext, &context);
}

TEST_F(DocExamplesTest, AcceptExampleGetsTheSocketWhenThePendedAcceptEnds) {
  WskconfDocsReset(WskconfDocsCompleteLater, STATUS_SUCCESS);
  int context = 0;
  WSK_CLIENT_CONNECTION_DISPATCH dispatch{};
  EXPECT_NTSTATUS_EQ(STATUS_PENDING, AcceptConnection(&WskconfDocsListenSocket,
                                                      &context, &dispatch));
  ExpectAcceptRequest(&context, &dispatch);
  EXPECT_EQ(WskconfDocsFake.ElidedCalls, 0u);
  WskconfDocsCompletePending();
  EXPECT_EQ(WskconfDocsFake.ElidedCalls, 1u);
  EXPECT_EQ(WskconfDocsFake.ElidedInformation,
            reinterpret_cast<ULONG_PTR>(&WskconfDocsAcceptedSocket));
}

TEST_F(DocExamplesTest, AcceptExampleHandlesAFailedAccept) {
  WskconfDocsReset(WskconfDocsCompleteInline, STATUS_FILE_FORCED_CLOSED);
  int context = 0;
  EXPECT_NTSTATUS_EQ(
      STATUS_FILE_FORCED_CLOSED,
      AcceptConnection(&WskconfDocsListenSocket, &context, nullptr));
  EXPECT_EQ(WskconfDocsFake.ElidedCalls, 1u);
  EXPECT_NTSTATUS_EQ(STATUS_FILE_FORCED_CLOSED, WskconfDocsFake.ElidedStatus);
  EXPECT_EQ(WskconfDocsFake.ElidedInformation, 0u);
}

}  // namespace
