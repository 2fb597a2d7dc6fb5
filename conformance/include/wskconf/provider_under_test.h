// Which WSK implementation a conformance test binary exercises: a provider
// .so opened by the adapter loader (adapters/, ABI in
// <wskconf/adapter_abi.h>), chosen by the environment variable
// WSKCONF_PROVIDER (default: the reference provider of this build tree, when
// it was built). Cases reach the provider only through these entry points and
// the NPI they return.
#ifndef WSKCONF_PROVIDER_UNDER_TEST_H_
#define WSKCONF_PROVIDER_UNDER_TEST_H_

#include <wsk.h>

#include <string>

#include "wskconf/status.h"

namespace wskconf::conformance {

// The client-side registration routines a provider .so exports (wsk.h).
struct ProviderEntryPoints {
  std::string path;  // the file they were loaded from
  NTSTATUS(NTAPI* WskRegister)(PWSK_CLIENT_NPI, PWSK_REGISTRATION) = nullptr;
  VOID(NTAPI* WskDeregister)(PWSK_REGISTRATION) = nullptr;
  NTSTATUS(NTAPI* WskCaptureProviderNPI)
  (PWSK_REGISTRATION, ULONG, PWSK_PROVIDER_NPI) = nullptr;
  VOID(NTAPI* WskReleaseProviderNPI)(PWSK_REGISTRATION) = nullptr;
  NTSTATUS(NTAPI* WskQueryProviderCharacteristics)
  (PWSK_REGISTRATION, PWSK_PROVIDER_CHARACTERISTICS) = nullptr;
};

// The environment variable naming the provider .so.
inline constexpr char kProviderEnvVar[] = "WSKCONF_PROVIDER";

// $WSKCONF_PROVIDER when set and non-empty, else the reference provider this
// build tree compiled in, else empty (none known).
std::string ProviderPath();

// Opens `path` with adapters::OpenAdapter (ELF checks, dlopen RTLD_NOW |
// RTLD_LOCAL, the five entry points, the ABI version). kNotFound when the
// file does not exist or `path` is empty; kInvalidArgument with the loader's
// one-line reason otherwise (not a shared object, wrong architecture, a
// missing symbol, an unknown ABI version). The library stays loaded for the
// life of the process.
StatusOr<ProviderEntryPoints> OpenProvider(const std::string& path);

// The provider of this process: OpenProvider(ProviderPath()), done once.
const StatusOr<ProviderEntryPoints>& ProviderUnderTest();

}  // namespace wskconf::conformance

#endif  // WSKCONF_PROVIDER_UNDER_TEST_H_
