// What adapters/ offers to the runner and the test binaries: opening a WSK
// implementation .so (the ABI of <wskconf/adapter_abi.h>), explaining in one
// line what is wrong with one that cannot be used, probing its registration
// in a child process so a crash becomes a message, and the names of the
// built-in adapters (reference, mutant-<name>).
#ifndef WSKCONF_ADAPTERS_LOADER_H_
#define WSKCONF_ADAPTERS_LOADER_H_

#include <wskconf/adapter_abi.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace wskconf::adapters {

// Why an adapter cannot be used. Every kind has its own one-line message.
enum class LoadErrorKind {
  kNotFound,             // no file at the path (or an empty path)
  kNotSharedObject,      // empty, not ELF, or an ELF that is not ET_DYN
  kWrongArchitecture,    // ELF class or machine not this host's
  kLoadFailed,           // dlopen refused it (e.g. an unresolved import)
  kMissingSymbol,        // a required entry point is not exported
  kUnknownAbiVersion,    // WskconfAdapterInfo names a version we do not know
  kRegistrationFailed,   // WskRegister/WskCaptureProviderNPI returned failure
  kRegistrationCrashed,  // the probe child died on a signal
  kRegistrationHung,     // the probe child did not finish in time
};

struct LoadError {
  LoadErrorKind kind;
  std::string message;  // "<path>: <what is wrong>", one line
};

// The entry points of a loaded adapter (null only for `info`).
struct EntryPoints {
  PFN_WSKCONF_WSK_REGISTER WskRegister = nullptr;
  PFN_WSKCONF_WSK_DEREGISTER WskDeregister = nullptr;
  PFN_WSKCONF_WSK_CAPTURE_PROVIDER_NPI WskCaptureProviderNPI = nullptr;
  PFN_WSKCONF_WSK_RELEASE_PROVIDER_NPI WskReleaseProviderNPI = nullptr;
  PFN_WSKCONF_WSK_QUERY_PROVIDER_CHARACTERISTICS
      WskQueryProviderCharacteristics = nullptr;
  PFN_WSKCONF_ADAPTER_INFO WskconfAdapterInfo = nullptr;  // optional
};

// What WskconfAdapterInfo said (defaults when the adapter has none).
struct AdapterDescription {
  unsigned long abi_version = WSKCONF_ADAPTER_ABI_VERSION;
  bool has_info = false;  // the adapter exports WskconfAdapterInfo
  std::string name;
  std::string version;
  std::string statement;
};

struct LoadedAdapter {
  std::string path;
  EntryPoints entry;
  AdapterDescription description;
};

// A value or the reason there is none.
template <typename T>
struct Result {
  std::optional<T> value;
  std::optional<LoadError> error;
  bool ok() const { return value.has_value(); }
};

// The required exports of ABI version 1, in the order they are checked.
inline constexpr const char* kRequiredSymbols[] = {
    "WskRegister", "WskDeregister", "WskCaptureProviderNPI",
    "WskReleaseProviderNPI", "WskQueryProviderCharacteristics"};

// Checks that `path` is a file holding an ELF shared object this process
// could load (class, byte order and machine of the host), without loading
// it. nullopt when it is.
std::optional<LoadError> CheckElfFile(const std::string& path);

// Opens the adapter in this process: CheckElfFile, dlopen (RTLD_NOW |
// RTLD_LOCAL, so one adapter's symbols never resolve another's), the
// required symbols, then WskconfAdapterInfo and its ABI version when
// exported. The library stays loaded for the life of the process. Runs the
// adapter's constructors: use ProbeAdapter first when a crash must not take
// the caller down.
Result<LoadedAdapter> OpenAdapter(const std::string& path);

// How long a probe may take before it is reported as hung.
inline constexpr std::chrono::milliseconds kProbeTimeout{10000};

// OpenAdapter in a forked child, then one registration round (WskRegister,
// WskCaptureProviderNPI, WskQueryProviderCharacteristics,
// WskReleaseProviderNPI, WskDeregister). Returns the adapter's description,
// or the error naming the step that failed, crashed (with its signal) or
// hung. Fork without exec: call it before the caller starts threads.
Result<AdapterDescription> ProbeAdapter(
    const std::string& path,
    std::chrono::milliseconds timeout = kProbeTimeout);

// Where the built-in adapters are: the reference .so of this build and the
// folder holding the mutants (libwskconf_mutant_<name>.so).
struct BuiltinPaths {
  std::string reference_so;
  std::string mutant_dir;
};

// The .so an --adapter value names: "reference", "mutant-<name>", or a path
// (anything containing '/' or ending in ".so"). kNotFound names the choices.
Result<std::string> ResolveAdapterName(const std::string& name,
                                       const BuiltinPaths& paths);

// The mutant names available in `mutant_dir`, sorted.
std::vector<std::string> ListMutants(const std::string& mutant_dir);

}  // namespace wskconf::adapters

#endif  // WSKCONF_ADAPTERS_LOADER_H_
