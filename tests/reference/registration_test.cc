// Registration: WskRegister, WskCaptureProviderNPI (no wait, finite and
// infinite waits, deregistration), WskReleaseProviderNPI,
// WskQueryProviderCharacteristics, WskDeregister waiting for its objects.
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Holds the provider unavailable for the test's duration.
struct Unavailable {
  Unavailable() { WskconfReferenceSetAvailable(FALSE); }
  ~Unavailable() { WskconfReferenceSetAvailable(TRUE); }
};

class RegistrationTest : public ReferenceTest {
 protected:
  WSK_CLIENT_DISPATCH dispatch_{MAKE_WSK_VERSION(1, 0), 0, nullptr};
  WSK_CLIENT_NPI npi_{nullptr, &dispatch_};
  WSK_REGISTRATION registration_{};
  WSK_PROVIDER_NPI provider_{};
};

TEST_F(RegistrationTest, RegisterCaptureReleaseDeregister) {
  RecordClause("WskCaptureProviderNPI.SuccessFillsNpi");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  ASSERT_EQ(WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_), STATUS_SUCCESS);
  EXPECT_NE(provider_.Client, nullptr);
  ASSERT_NE(provider_.Dispatch, nullptr);
  // WSK_PROVIDER_DISPATCH.CoreMembersPresent
  EXPECT_EQ(provider_.Dispatch->Version, MAKE_WSK_VERSION(1, 0));
  EXPECT_NE(provider_.Dispatch->WskSocket, nullptr);
  EXPECT_NE(provider_.Dispatch->WskSocketConnect, nullptr);
  EXPECT_NE(provider_.Dispatch->WskControlClient, nullptr);
  WskReleaseProviderNPI(&registration_);
  WskDeregister(&registration_);
}

TEST_F(RegistrationTest, NullArgumentsRefused) {
  EXPECT_EQ(WskRegister(nullptr, &registration_), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(WskRegister(&npi_, nullptr), STATUS_INVALID_PARAMETER);
  WSK_CLIENT_NPI no_dispatch{nullptr, nullptr};
  EXPECT_EQ(WskRegister(&no_dispatch, &registration_), STATUS_INVALID_PARAMETER);
  EXPECT_EQ(WskCaptureProviderNPI(nullptr, WSK_NO_WAIT, &provider_), STATUS_INVALID_PARAMETER);
  WSK_PROVIDER_CHARACTERISTICS characteristics;
  EXPECT_EQ(WskQueryProviderCharacteristics(nullptr, &characteristics),
            STATUS_INVALID_PARAMETER);
  WskReleaseProviderNPI(nullptr);  // ignored, no crash
  WskDeregister(nullptr);
  EXPECT_EQ(ConsumeViolations("ClientCall.RegistrationUnbalanced"), 2);
  // The mistakes above, made on purpose, are verifier findings too.
  EXPECT_EQ(ConsumeViolations("ClientCall.InvalidRequest"), 1);
}

TEST_F(RegistrationTest, TwoInstancesAreIndependent) {
  RecordClause("WskRegister.MultipleInstances");
  WSK_REGISTRATION second{};
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  ASSERT_EQ(WskRegister(&npi_, &second), STATUS_SUCCESS);
  WskDeregister(&registration_);
  EXPECT_EQ(WskCaptureProviderNPI(&second, WSK_NO_WAIT, &provider_), STATUS_SUCCESS);
  WskReleaseProviderNPI(&second);
  WskDeregister(&second);
}

TEST_F(RegistrationTest, ClientNpiNotRetained) {
  RecordClause("WskRegister.ClientNpiNotRetained");
  {
    WSK_CLIENT_DISPATCH dispatch{MAKE_WSK_VERSION(1, 0), 0, nullptr};
    WSK_CLIENT_NPI npi{nullptr, &dispatch};
    ASSERT_EQ(WskRegister(&npi, &registration_), STATUS_SUCCESS);
    dispatch.Version = 0x7777;
    npi.Dispatch = nullptr;
  }
  EXPECT_EQ(WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_), STATUS_SUCCESS);
  WskReleaseProviderNPI(&registration_);
  WskDeregister(&registration_);
}

TEST_F(RegistrationTest, UnsupportedVersionNoInterface) {
  RecordClause("WskCaptureProviderNPI.UnsupportedVersion");
  dispatch_.Version = MAKE_WSK_VERSION(9, 0);
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  EXPECT_EQ(WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_), STATUS_NOINTERFACE);
  // WskQueryProviderCharacteristics.WorksAfterNoInterface
  WSK_PROVIDER_CHARACTERISTICS characteristics{};
  EXPECT_EQ(WskQueryProviderCharacteristics(&registration_, &characteristics), STATUS_SUCCESS);
  WskDeregister(&registration_);
}

TEST_F(RegistrationTest, QueryCharacteristicsReportsRange) {
  RecordClause("WskQueryProviderCharacteristics.ReportsRange");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  WSK_PROVIDER_CHARACTERISTICS characteristics{};
  EXPECT_EQ(WskQueryProviderCharacteristics(&registration_, &characteristics), STATUS_SUCCESS);
  EXPECT_EQ(characteristics.LowestVersion, MAKE_WSK_VERSION(1, 0));
  EXPECT_LE(characteristics.LowestVersion, characteristics.HighestVersion);
  // WskQueryProviderCharacteristics.CallableAtDispatch
  KIRQL irql = KeRaiseIrqlToDpcLevel();
  NTSTATUS status = WskQueryProviderCharacteristics(&registration_, &characteristics);
  KeLowerIrql(irql);
  EXPECT_EQ(status, STATUS_SUCCESS);
  WskDeregister(&registration_);
}

TEST_F(RegistrationTest, UnavailableProvider) {
  RecordClause("WSK_NO_WAIT.ReturnsImmediately");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  {
    Unavailable hold;
    auto start = Clock::now();
    EXPECT_EQ(WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_),
              STATUS_DEVICE_NOT_READY);
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(kExpectNoCompletion));
    // WskQueryProviderCharacteristics.NotReady
    WSK_PROVIDER_CHARACTERISTICS characteristics;
    EXPECT_EQ(WskQueryProviderCharacteristics(&registration_, &characteristics),
              STATUS_DEVICE_NOT_READY);
  }
  WskDeregister(&registration_);
}

TEST_F(RegistrationTest, FiniteTimeoutBounded) {
  RecordClause("WskCaptureProviderNPI.FiniteTimeoutBounded");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  {
    Unavailable hold;
    auto start = Clock::now();
    EXPECT_EQ(WskCaptureProviderNPI(&registration_, 100, &provider_), STATUS_DEVICE_NOT_READY);
    auto waited = Clock::now() - start;
    EXPECT_GE(waited, std::chrono::milliseconds(100));
    EXPECT_LT(waited, std::chrono::milliseconds(kExpectCompletion));
  }
  WskDeregister(&registration_);
}

TEST_F(RegistrationTest, InfiniteWaitReleasedWhenAvailable) {
  RecordClause("WSK_INFINITE_WAIT.WaitsUntilReady");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  WskconfReferenceSetAvailable(FALSE);
  auto capture = std::async(std::launch::async, [this] {
    return WskCaptureProviderNPI(&registration_, WSK_INFINITE_WAIT, &provider_);
  });
  EXPECT_EQ(capture.wait_for(std::chrono::milliseconds(kExpectNoCompletion)),
            std::future_status::timeout);
  WskconfReferenceSetAvailable(TRUE);
  ASSERT_EQ(capture.wait_for(std::chrono::milliseconds(kExpectCompletion)),
            std::future_status::ready);
  EXPECT_EQ(capture.get(), STATUS_SUCCESS);
  WskReleaseProviderNPI(&registration_);
  WskDeregister(&registration_);
}

TEST_F(RegistrationTest, DeregisterReleasesWaitersAndWaitsForCaptures) {
  RecordClause("WskCaptureProviderNPI.DeregisterReleasesWaiters");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  ASSERT_EQ(WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_), STATUS_SUCCESS);
  Unavailable hold;
  WSK_PROVIDER_NPI second{};
  auto waiter = std::async(std::launch::async, [&] {
    return WskCaptureProviderNPI(&registration_, WSK_INFINITE_WAIT, &second);
  });
  auto deregister = std::async(std::launch::async, [this] { WskDeregister(&registration_); });
  // WskCaptureProviderNPI.FailsAfterDeregister: the waiter is released.
  ASSERT_EQ(waiter.wait_for(std::chrono::milliseconds(kExpectCompletion)),
            std::future_status::ready);
  EXPECT_EQ(waiter.get(), STATUS_DEVICE_NOT_READY);
  // WskDeregister.ReturnsOnceIdle: still waiting for the first capture.
  EXPECT_EQ(deregister.wait_for(std::chrono::milliseconds(kExpectNoCompletion)),
            std::future_status::timeout);
  WskReleaseProviderNPI(&registration_);
  EXPECT_EQ(deregister.wait_for(std::chrono::milliseconds(kExpectCompletion)),
            std::future_status::ready);
}

TEST_F(RegistrationTest, DeregisterWaitsForOpenSocket) {
  RecordClause("WskDeregister.ReturnsOnceIdle");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  ASSERT_EQ(WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_), STATUS_SUCCESS);
  IrpProbe probe;
  ASSERT_EQ(probe.Result(provider_.Dispatch->WskSocket(
                provider_.Client, WS_AF_INET, WS_SOCK_STREAM, WS_IPPROTO_TCP,
                WSK_FLAG_CONNECTION_SOCKET, nullptr, nullptr, nullptr, nullptr, nullptr,
                probe.Start())),
            STATUS_SUCCESS);
  auto socket = reinterpret_cast<PWSK_SOCKET>(probe.information());
  WskReleaseProviderNPI(&registration_);
  auto deregister = std::async(std::launch::async, [this] { WskDeregister(&registration_); });
  EXPECT_EQ(deregister.wait_for(std::chrono::milliseconds(kExpectNoCompletion)),
            std::future_status::timeout);
  EXPECT_EQ(CloseSocket(socket), STATUS_SUCCESS);
  EXPECT_EQ(deregister.wait_for(std::chrono::milliseconds(kExpectCompletion)),
            std::future_status::ready);
}

TEST_F(RegistrationTest, CaptureAfterDeregisterNotReady) {
  RecordClause("WskCaptureProviderNPI.FailsAfterDeregister");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  WskDeregister(&registration_);
  EXPECT_EQ(WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_),
            STATUS_DEVICE_NOT_READY);
  WSK_PROVIDER_CHARACTERISTICS characteristics;
  EXPECT_EQ(WskQueryProviderCharacteristics(&registration_, &characteristics),
            STATUS_DEVICE_NOT_READY);
  WskDeregister(&registration_);  // a second deregister is ignored...
  EXPECT_EQ(ConsumeViolations("ClientCall.RegistrationUnbalanced"), 1);  // ...and reported
}

TEST_F(RegistrationTest, CapturesShareOneDispatch) {
  RecordClause("WSK_PROVIDER_NPI.StableAcrossCaptures");
  ASSERT_EQ(WskRegister(&npi_, &registration_), STATUS_SUCCESS);
  WSK_PROVIDER_NPI second{};
  ASSERT_EQ(WskCaptureProviderNPI(&registration_, WSK_NO_WAIT, &provider_), STATUS_SUCCESS);
  ASSERT_EQ(WskCaptureProviderNPI(&registration_, 1000, &second), STATUS_SUCCESS);
  EXPECT_EQ(provider_.Client, second.Client);
  EXPECT_EQ(provider_.Dispatch, second.Dispatch);
  WskReleaseProviderNPI(&registration_);
  WskReleaseProviderNPI(&registration_);
  WskDeregister(&registration_);
}

TEST_F(RegistrationTest, RegistrationBlockStaysInBounds) {
  RecordClause("WSK_REGISTRATION.Layout");
  struct Guarded {
    unsigned char before[32];
    WSK_REGISTRATION registration;
    unsigned char after[32];
  } guarded;
  std::memset(&guarded, 0xa5, sizeof(guarded));
  ASSERT_EQ(WskRegister(&npi_, &guarded.registration), STATUS_SUCCESS);
  WskDeregister(&guarded.registration);
  for (unsigned char c : guarded.before) EXPECT_EQ(c, 0xa5);
  for (unsigned char c : guarded.after) EXPECT_EQ(c, 0xa5);
}

}  // namespace
}  // namespace wskconf::reference::testing
