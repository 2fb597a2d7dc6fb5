// Opens the provider under test through the adapter loader (see
// provider_under_test.h and adapters/include/wskconf/adapters/loader.h).
#include "wskconf/provider_under_test.h"

#include <cstdlib>

#include <fmt/format.h>

#include "wskconf/adapters/loader.h"

#ifndef WSKCONF_DEFAULT_PROVIDER
#define WSKCONF_DEFAULT_PROVIDER ""
#endif

namespace wskconf::conformance {

std::string ProviderPath() {
  const char* env = std::getenv(kProviderEnvVar);
  if (env != nullptr && env[0] != '\0') return env;
  return WSKCONF_DEFAULT_PROVIDER;
}

StatusOr<ProviderEntryPoints> OpenProvider(const std::string& path) {
  if (path.empty()) {
    return NotFoundError(fmt::format(
        "no provider to test: set {} to the path of a WSK provider .so (this "
        "build has no reference provider to default to)",
        kProviderEnvVar));
  }
  adapters::Result<adapters::LoadedAdapter> opened = adapters::OpenAdapter(path);
  if (!opened.ok()) {
    const std::string message =
        fmt::format("{} ({}={})", opened.error->message, kProviderEnvVar, path);
    return opened.error->kind == adapters::LoadErrorKind::kNotFound
               ? NotFoundError(message)
               : InvalidArgumentError(message);
  }
  const adapters::EntryPoints& e = opened.value->entry;
  ProviderEntryPoints entry;
  entry.path = path;
  entry.WskRegister = e.WskRegister;
  entry.WskDeregister = e.WskDeregister;
  entry.WskCaptureProviderNPI = e.WskCaptureProviderNPI;
  entry.WskReleaseProviderNPI = e.WskReleaseProviderNPI;
  entry.WskQueryProviderCharacteristics = e.WskQueryProviderCharacteristics;
  return entry;
}

const StatusOr<ProviderEntryPoints>& ProviderUnderTest() {
  static const StatusOr<ProviderEntryPoints> provider =
      OpenProvider(ProviderPath());
  return provider;
}

}  // namespace wskconf::conformance
