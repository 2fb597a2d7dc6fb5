// Choosing and loading the provider under test (WSKCONF_PROVIDER, dlopen),
// and the client session over it, against the tiny fake provider.
#include "wskconf/provider_under_test.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "wskconf/conformance/irp_harness.h"
#include "wskconf/conformance/status_matchers.h"
#include "wskconf/conformance/wsk_client.h"

namespace wskconf::conformance {
namespace {

using ::testing::HasSubstr;

// Every test in this binary that goes through ProviderUnderTest() uses the
// fake provider; set before the first test runs.
const bool kProviderSet =
    setenv(kProviderEnvVar, WSKCONF_TEST_FAKE_PROVIDER, 1) == 0;

TEST(ProviderUnderTest, EnvironmentVariableChoosesTheProvider) {
  ASSERT_TRUE(kProviderSet);
  EXPECT_EQ(ProviderPath(), WSKCONF_TEST_FAKE_PROVIDER);
}

TEST(ProviderUnderTest, OpensEveryEntryPoint) {
  auto provider = OpenProvider(WSKCONF_TEST_FAKE_PROVIDER);
  ASSERT_TRUE(provider.ok()) << provider.status().message();
  EXPECT_NE(provider->WskRegister, nullptr);
  EXPECT_NE(provider->WskDeregister, nullptr);
  EXPECT_NE(provider->WskCaptureProviderNPI, nullptr);
  EXPECT_NE(provider->WskReleaseProviderNPI, nullptr);
  EXPECT_NE(provider->WskQueryProviderCharacteristics, nullptr);
  EXPECT_EQ(provider->path, WSKCONF_TEST_FAKE_PROVIDER);
}

TEST(ProviderUnderTest, MissingFileIsNamed) {
  auto provider = OpenProvider("/nonexistent/provider.so");
  ASSERT_FALSE(provider.ok());
  EXPECT_EQ(provider.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(provider.status().message(),
              HasSubstr("/nonexistent/provider.so: no such provider file"));
}

TEST(ProviderUnderTest, EmptyPathSaysHowToChooseOne) {
  auto provider = OpenProvider("");
  ASSERT_FALSE(provider.ok());
  EXPECT_THAT(provider.status().message(), HasSubstr("set WSKCONF_PROVIDER"));
}

TEST(ProviderUnderTest, MissingEntryPointIsNamed) {
  auto provider = OpenProvider(WSKCONF_TEST_FAKE_NOQUERY);
  ASSERT_FALSE(provider.ok());
  EXPECT_EQ(provider.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(provider.status().message(),
              HasSubstr("does not export WskQueryProviderCharacteristics"));
}

TEST(ProviderUnderTest, FileThatIsNoLibraryIsRefused) {
  auto provider = OpenProvider("/etc/hostname");
  ASSERT_FALSE(provider.ok());
  EXPECT_THAT(provider.status().message(),
              HasSubstr("/etc/hostname: cannot load the provider"));
}

TEST(WskClientSession, RegistersAndCapturesThroughTheEntryPoints) {
  WskClientSession session;
  ASSERT_TRUE(session.Open());
  EXPECT_TRUE(session.captured());
  EXPECT_NE(session.client(), nullptr);
  ASSERT_NE(session.dispatch(), nullptr);
  EXPECT_EQ(session.dispatch()->Version, MAKE_WSK_VERSION(1, 0));
}

TEST(WskSocketOwner, ReportsAFailedWskSocketByName) {
  WskClientSession session;
  ASSERT_TRUE(session.Open());
  WskSocketOwner socket(session);
  auto created = socket.Create(SocketCategory::kStream, AF_INET);
  EXPECT_FALSE(created);
  EXPECT_THAT(created.message(),
              HasSubstr("WskSocket(stream, Inet) completed with "
                        "STATUS_NOT_IMPLEMENTED (0xC0000002)"));
  EXPECT_EQ(socket.get(), nullptr);
}

}  // namespace
}  // namespace wskconf::conformance
