// The completion policy knob: parsing WSKCONF_POLICY's syntax and what each
// policy does to a call that could complete at once.
#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

// Restores the policy the binary was started with.
class PolicyTest : public ReferenceTest {
 protected:
  void SetUp() override {
    policy_ = WskconfReferenceGetPolicy(&seed_);
    ReferenceTest::SetUp();
  }
  void TearDown() override {
    WskconfReferenceSetPolicy(policy_, seed_);
    ReferenceTest::TearDown();
  }
  // Whether a bind (which never has to wait) returned STATUS_PENDING.
  bool BindPends() {
    PWSK_SOCKET s = client()->Socket(WS_AF_INET, WSK_FLAG_CONNECTION_SOCKET);
    SOCKADDR_STORAGE address = Loopback(WS_AF_INET);
    IrpProbe probe;
    NTSTATUS returned = ConnectionTable(s)->WskBind(
        s, reinterpret_cast<PSOCKADDR>(&address), 0, probe.Start());
    EXPECT_EQ(probe.Result(returned), STATUS_SUCCESS);
    EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
    return returned == STATUS_PENDING;
  }

 private:
  WSKCONF_COMPLETION_POLICY policy_;
  ULONG seed_;
};

TEST_F(PolicyTest, ParsesEverySpelling) {
  ULONG seed = 0;
  EXPECT_EQ(WskconfReferenceSetPolicyFromString("pend"), STATUS_SUCCESS);
  EXPECT_EQ(WskconfReferenceGetPolicy(nullptr), WskconfPolicyPend);
  EXPECT_EQ(WskconfReferenceSetPolicyFromString("random:42"), STATUS_SUCCESS);
  EXPECT_EQ(WskconfReferenceGetPolicy(&seed), WskconfPolicyRandom);
  EXPECT_EQ(seed, 42u);
  EXPECT_EQ(WskconfReferenceSetPolicyFromString("inline"), STATUS_SUCCESS);
  EXPECT_EQ(WskconfReferenceGetPolicy(nullptr), WskconfPolicyInline);
  EXPECT_EQ(WskconfReferenceSetPolicyFromString(nullptr), STATUS_SUCCESS);
  EXPECT_EQ(WskconfReferenceGetPolicy(nullptr), WskconfPolicyInline);
}

TEST_F(PolicyTest, RejectsBadSpellings) {
  ASSERT_EQ(WskconfReferenceSetPolicy(WskconfPolicyPend, 0), STATUS_SUCCESS);
  for (const char* bad : {"Pend", "random", "random:", "random:x", "random:-1",
                          "random:99999999999", "inline ", "fast"}) {
    EXPECT_EQ(WskconfReferenceSetPolicyFromString(bad), STATUS_INVALID_PARAMETER) << bad;
    EXPECT_EQ(WskconfReferenceGetPolicy(nullptr), WskconfPolicyPend) << bad;
  }
  EXPECT_EQ(WskconfReferenceSetPolicy(static_cast<WSKCONF_COMPLETION_POLICY>(7), 0),
            STATUS_INVALID_PARAMETER);
}

TEST_F(PolicyTest, InlineCompletesWithinTheCall) {
  ASSERT_EQ(WskconfReferenceSetPolicy(WskconfPolicyInline, 0), STATUS_SUCCESS);
  EXPECT_FALSE(BindPends());
}

TEST_F(PolicyTest, PendAlwaysPends) {
  RecordClause("Irp.CompletionContract.PendingThenComplete");
  ASSERT_EQ(WskconfReferenceSetPolicy(WskconfPolicyPend, 0), STATUS_SUCCESS);
  EXPECT_TRUE(BindPends());
}

TEST_F(PolicyTest, RandomMixesAndRepeatsFromItsSeed) {
  PWSK_SOCKET s = client()->Socket(WS_AF_INET, WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_EQ(Bind(s, Loopback(WS_AF_INET)), STATUS_SUCCESS);
  // One policy draw per call: a run of WskGetLocalAddress calls.
  auto draw = [s](ULONG seed) {
    EXPECT_EQ(WskconfReferenceSetPolicy(WskconfPolicyRandom, seed), STATUS_SUCCESS);
    std::string pattern;
    for (int i = 0; i < 32; ++i) {
      SOCKADDR_STORAGE address;
      IrpProbe probe;
      NTSTATUS returned = ConnectionTable(s)->WskGetLocalAddress(
          s, reinterpret_cast<PSOCKADDR>(&address), probe.Start());
      EXPECT_EQ(probe.Result(returned), STATUS_SUCCESS);
      pattern += returned == STATUS_PENDING ? 'P' : 'I';
    }
    return pattern;
  };
  std::string first = draw(7);
  EXPECT_NE(first.find('P'), std::string::npos) << first;
  EXPECT_NE(first.find('I'), std::string::npos) << first;
  EXPECT_EQ(draw(7), first);
  EXPECT_NE(draw(8), first);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

}  // namespace
}  // namespace wskconf::reference::testing
