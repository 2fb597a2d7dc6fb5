// Opens the provider under test with dlopen (see provider_under_test.h).
#include "wskconf/provider_under_test.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#ifndef WSKCONF_DEFAULT_PROVIDER
#define WSKCONF_DEFAULT_PROVIDER ""
#endif

namespace wskconf::conformance {
namespace {

// Looks `name` up in `handle` into `out`; false (with `error` set) if absent.
template <typename Fn>
bool Resolve(void* handle, const std::string& path, const char* name, Fn& out,
             std::string& error) {
  dlerror();
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    error = fmt::format("{}: the provider does not export {}", path, name);
    return false;
  }
  out = reinterpret_cast<Fn>(symbol);
  return true;
}

}  // namespace

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
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFoundError(
        fmt::format("{}: no such provider file ({})", path, kProviderEnvVar));
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return InvalidArgumentError(fmt::format(
        "{}: cannot load the provider: {}", path, why ? why : "unknown error"));
  }
  ProviderEntryPoints entry;
  entry.path = path;
  std::string error;
  if (!Resolve(handle, path, "WskRegister", entry.WskRegister, error) ||
      !Resolve(handle, path, "WskDeregister", entry.WskDeregister, error) ||
      !Resolve(handle, path, "WskCaptureProviderNPI",
               entry.WskCaptureProviderNPI, error) ||
      !Resolve(handle, path, "WskReleaseProviderNPI",
               entry.WskReleaseProviderNPI, error) ||
      !Resolve(handle, path, "WskQueryProviderCharacteristics",
               entry.WskQueryProviderCharacteristics, error)) {
    dlclose(handle);
    return InvalidArgumentError(error);
  }
  return entry;
}

const StatusOr<ProviderEntryPoints>& ProviderUnderTest() {
  static const StatusOr<ProviderEntryPoints> provider =
      OpenProvider(ProviderPath());
  return provider;
}

}  // namespace wskconf::conformance
