// The mutants' registration entry points. The mutants link a copy of the
// static reference whose entry points objcopy renamed to __real_<name>
// (CMakeLists.txt), so these definitions are what the .so exports; they
// forward, and carry the registration faults.
#include <map>
#include <mutex>

#include "internal/hooks.h"

extern "C" {
NTSTATUS __real_WskRegister(PWSK_CLIENT_NPI, PWSK_REGISTRATION);
VOID __real_WskDeregister(PWSK_REGISTRATION);
NTSTATUS __real_WskCaptureProviderNPI(PWSK_REGISTRATION, ULONG, PWSK_PROVIDER_NPI);
VOID __real_WskReleaseProviderNPI(PWSK_REGISTRATION);
NTSTATUS __real_WskQueryProviderCharacteristics(PWSK_REGISTRATION,
                                                PWSK_PROVIDER_CHARACTERISTICS);
}

namespace wskconf::mutants {
namespace {

// reg-capture-accepts-any-version: what the reference is told the client
// registered, per registration (the client's version replaced by 1.0).
struct Substitute {
  WSK_CLIENT_DISPATCH dispatch;
  WSK_CLIENT_NPI npi;
};
std::mutex g_mu;
std::map<PWSK_REGISTRATION, Substitute*> g_substitutes;

}  // namespace
}  // namespace wskconf::mutants

using wskconf::mutants::Active;
using wskconf::mutants::Fault;

WSKCONF_PROVIDER_API NTSTATUS WskRegister(PWSK_CLIENT_NPI WskClientNpi,
                                          PWSK_REGISTRATION WskRegistration) {
  if (!Active(Fault::kCaptureAcceptsAnyVersion) || WskClientNpi == nullptr ||
      WskClientNpi->Dispatch == nullptr || WskRegistration == nullptr) {
    return __real_WskRegister(WskClientNpi, WskRegistration);
  }
  // The fault: the client's version is never looked at.
  auto* substitute = new wskconf::mutants::Substitute{*WskClientNpi->Dispatch, *WskClientNpi};
  substitute->dispatch.Version = MAKE_WSK_VERSION(1, 0);
  substitute->npi.Dispatch = &substitute->dispatch;
  const NTSTATUS status = __real_WskRegister(&substitute->npi, WskRegistration);
  std::lock_guard<std::mutex> lock(wskconf::mutants::g_mu);
  wskconf::mutants::g_substitutes[WskRegistration] = substitute;
  return status;
}

WSKCONF_PROVIDER_API VOID WskDeregister(PWSK_REGISTRATION WskRegistration) {
  __real_WskDeregister(WskRegistration);
  std::lock_guard<std::mutex> lock(wskconf::mutants::g_mu);
  auto it = wskconf::mutants::g_substitutes.find(WskRegistration);
  if (it != wskconf::mutants::g_substitutes.end()) {
    delete it->second;
    wskconf::mutants::g_substitutes.erase(it);
  }
}

WSKCONF_PROVIDER_API NTSTATUS WskCaptureProviderNPI(PWSK_REGISTRATION WskRegistration,
                                                    ULONG WaitTimeout,
                                                    PWSK_PROVIDER_NPI WskProviderNpi) {
  return __real_WskCaptureProviderNPI(WskRegistration, WaitTimeout, WskProviderNpi);
}

WSKCONF_PROVIDER_API VOID WskReleaseProviderNPI(PWSK_REGISTRATION WskRegistration) {
  __real_WskReleaseProviderNPI(WskRegistration);
}

WSKCONF_PROVIDER_API NTSTATUS WskQueryProviderCharacteristics(
    PWSK_REGISTRATION WskRegistration,
    PWSK_PROVIDER_CHARACTERISTICS WskProviderCharacteristics) {
  const NTSTATUS status =
      __real_WskQueryProviderCharacteristics(WskRegistration, WskProviderCharacteristics);
  if (Active(Fault::kLowestAboveHighest) && NT_SUCCESS(status) &&
      WskProviderCharacteristics != nullptr) {
    // The fault: the lowest version is reported one minor version too high.
    WskProviderCharacteristics->LowestVersion =
        static_cast<USHORT>(WskProviderCharacteristics->HighestVersion + 1);
  }
  return status;
}
