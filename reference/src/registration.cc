// Client registration: WskRegister, WskCaptureProviderNPI,
// WskReleaseProviderNPI, WskQueryProviderCharacteristics, WskDeregister.
#include "internal/registration.h"

#include <wskconf/reference.h>

#include <atomic>
#include <chrono>
#include <new>
#include <unordered_set>

#include <wskconf/verifier.h>

#include "internal/client_level.h"
#include "internal/event_loop.h"
#include "internal/ops.h"

namespace wskconf::reference::internal {
namespace {

// One lock for every registration's bookkeeping and the availability flag:
// these paths run once per capture or socket, never per byte.
std::mutex g_mu;
// WSK_REGISTRATION.ReservedRegistrationState values.
constexpr ULONGLONG kRegistered = 1;
constexpr ULONGLONG kDeregistered = 2;
std::condition_variable g_cv;
bool g_unavailable = false;

// Every registration WskRegister made and WskDeregister has not ended, so a
// block is recognised by address, never by reading what its pointer names.
std::unordered_set<const Registration*>& Live() {
  static auto* live = new std::unordered_set<const Registration*>;
  return *live;
}

Registration* FromRegistration(PWSK_REGISTRATION registration) {
  if (registration == nullptr) return nullptr;
  auto* r = static_cast<Registration*>(registration->ReservedRegistrationContext);
  std::lock_guard<std::mutex> lock(g_mu);
  if (r == nullptr || Live().count(r) == 0 || r->magic_ != Registration::kMagic) {
    return nullptr;
  }
  return r;
}

// ClientCall.RegistrationUnbalanced (WskDeregister.OnlyRegisteredBlock,
// WskRegister.DistinctBlockPerCall, WskReleaseProviderNPI.OnlyAfterSuccessfulCapture).
void ReportUnbalanced(PWSK_REGISTRATION registration, const char* what) {
  WskconfReportViolation(WskconfRuleClientCallRegistrationUnbalanced, registration,
                         "%s (WSK_REGISTRATION %p)", what,
                         static_cast<void*>(registration));
}

// A block WskDeregister already released: captures and queries fail as the
// spec's "provider going away" case (WskCaptureProviderNPI.FailsAfterDeregister).
bool WasDeregistered(PWSK_REGISTRATION registration) {
  return registration != nullptr &&
         registration->ReservedRegistrationState == kDeregistered &&
         registration->ReservedRegistrationContext == nullptr;
}

bool VersionSupported(USHORT version) {
  return version >= WSKCONF_REFERENCE_LOWEST_VERSION &&
         version <= WSKCONF_REFERENCE_HIGHEST_VERSION;
}

}  // namespace

Registration::Registration(PVOID client_context,
                           const WSK_CLIENT_DISPATCH* dispatch)
    : client_context_(client_context), version_(dispatch->Version) {}

Registration* Registration::FromClient(PWSK_CLIENT client) {
  auto* r = static_cast<Registration*>(client);
  if (r == nullptr || r->magic_ != kMagic) return nullptr;
  return r;
}

Registration* Registration::ForCall(PWSK_CLIENT client, const char* routine) {
  Registration* r = FromClient(client);
  if (r == nullptr) {
    WskconfReportViolation(WskconfRuleClientCallInvalidRequest, client,
                           "%s: Client %p is not the WSK_CLIENT a capture returned",
                           routine, static_cast<void*>(client));
    return nullptr;
  }
  bool held;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    held = r->captures_ > 0;
  }
  if (!held) {
    WskconfReportViolation(WskconfRuleClientCallInvalidRequest, client,
                           "%s: called through a provider NPI whose capture was "
                           "released (WskReleaseProviderNPI)", routine);
  }
  return r;
}

NTSTATUS Registration::Capture(ULONG wait_ms) {
  std::unique_lock<std::mutex> lock(g_mu);
  auto ready = [this] { return deregistering_ || !g_unavailable; };
  if (wait_ms == WSK_INFINITE_WAIT) {
    g_cv.wait(lock, ready);
  } else if (wait_ms != WSK_NO_WAIT) {
    g_cv.wait_for(lock, std::chrono::milliseconds(wait_ms), ready);
  }
  if (deregistering_ || g_unavailable) return STATUS_DEVICE_NOT_READY;
  // Windows checks the version once the provider is attached.
  if (!VersionSupported(version_)) return STATUS_NOINTERFACE;
  ++captures_;
  return STATUS_SUCCESS;
}

bool Registration::ReleaseCapture() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (captures_ == 0) return false;
  --captures_;
  g_cv.notify_all();
  return true;
}

void Registration::AddObject() {
  std::lock_guard<std::mutex> lock(g_mu);
  ++objects_;
}

bool Registration::AddObjectUnlessDeregistering() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (deregistering_) return false;
  ++objects_;
  return true;
}

ULONG Registration::NoteSocketCreated() {
  std::lock_guard<std::mutex> lock(settings_.mu);
  settings_.socket_created = true;
  return settings_.static_events;
}

void Registration::RemoveObject() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (objects_ > 0) --objects_;
  g_cv.notify_all();
}

void Registration::Deregister() {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    deregistering_ = true;
    g_cv.notify_all();
  }
  CancelTransportListWaiters(this);
  std::unique_lock<std::mutex> lock(g_mu);
  g_cv.wait(lock, [this] { return captures_ == 0 && objects_ == 0; });
}

void Registration::NotifyAvailabilityChanged() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_cv.notify_all();
}

bool ProviderHeldUnavailable() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_unavailable;
}

}  // namespace wskconf::reference::internal

namespace internal = wskconf::reference::internal;
using internal::Registration;

EXTERN_C_START

NTSTATUS WskRegister(PWSK_CLIENT_NPI WskClientNpi,
                     PWSK_REGISTRATION WskRegistration) {
  if (WskClientNpi != nullptr && WskClientNpi->Dispatch == nullptr) {
    // WSK_CLIENT_NPI.DispatchPointsToClientDispatch
    WskconfReportViolation(WskconfRuleClientCallInvalidRequest, WskRegistration,
                           "WskRegister: WskClientNpi->Dispatch is NULL");
  } else if (WskClientNpi != nullptr && WskClientNpi->Dispatch->Reserved != 0) {
    // WSK_CLIENT_DISPATCH.ReservedZero
    WskconfReportViolation(WskconfRuleClientCallInvalidRequest, WskRegistration,
                           "WskRegister: WSK_CLIENT_DISPATCH.Reserved is %u, not 0",
                           static_cast<unsigned>(WskClientNpi->Dispatch->Reserved));
  }
  if (WskClientNpi == nullptr || WskRegistration == nullptr ||
      WskClientNpi->Dispatch == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  if (internal::FromRegistration(WskRegistration) != nullptr) {
    internal::ReportUnbalanced(WskRegistration,
                               "WskRegister: the block already holds a live "
                               "registration; each registration needs its own block");
    return STATUS_INVALID_PARAMETER;
  }
  auto* r = new (std::nothrow)
      Registration(WskClientNpi->ClientContext, WskClientNpi->Dispatch);
  if (r == nullptr) return STATUS_INSUFFICIENT_RESOURCES;
  NTSTATUS status = internal::LoopAddUser();
  if (!NT_SUCCESS(status)) {
    delete r;
    return status;
  }
  {
    std::lock_guard<std::mutex> lock(internal::g_mu);
    internal::Live().insert(r);
  }
  WskRegistration->ReservedRegistrationState = internal::kRegistered;
  WskRegistration->ReservedRegistrationContext = r;
  KeInitializeSpinLock(&WskRegistration->ReservedRegistrationLock);
  return STATUS_SUCCESS;
}

NTSTATUS WskCaptureProviderNPI(PWSK_REGISTRATION WskRegistration,
                               ULONG WaitTimeout,
                               PWSK_PROVIDER_NPI WskProviderNpi) {
  if (internal::WasDeregistered(WskRegistration)) return STATUS_DEVICE_NOT_READY;
  Registration* r = internal::FromRegistration(WskRegistration);
  if (r == nullptr || WskProviderNpi == nullptr) return STATUS_INVALID_PARAMETER;
  NTSTATUS status = r->Capture(WaitTimeout);
  if (status != STATUS_SUCCESS) return status;
  WskProviderNpi->Client = r->client();
  WskProviderNpi->Dispatch = &internal::kProviderDispatch;
  return STATUS_SUCCESS;
}

VOID WskReleaseProviderNPI(PWSK_REGISTRATION WskRegistration) {
  Registration* r = internal::FromRegistration(WskRegistration);
  if (r == nullptr) {
    internal::ReportUnbalanced(WskRegistration,
                               "WskReleaseProviderNPI: the block holds no live "
                               "registration");
  } else if (!r->ReleaseCapture()) {
    internal::ReportUnbalanced(WskRegistration,
                               "WskReleaseProviderNPI: no capture from "
                               "WskCaptureProviderNPI is held on this registration");
  }
}

NTSTATUS WskQueryProviderCharacteristics(
    PWSK_REGISTRATION WskRegistration,
    PWSK_PROVIDER_CHARACTERISTICS WskProviderCharacteristics) {
  if (internal::WasDeregistered(WskRegistration)) return STATUS_DEVICE_NOT_READY;
  if (internal::FromRegistration(WskRegistration) == nullptr ||
      WskProviderCharacteristics == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  if (internal::ProviderHeldUnavailable()) return STATUS_DEVICE_NOT_READY;
  WskProviderCharacteristics->HighestVersion = WSKCONF_REFERENCE_HIGHEST_VERSION;
  WskProviderCharacteristics->LowestVersion = WSKCONF_REFERENCE_LOWEST_VERSION;
  return STATUS_SUCCESS;
}

VOID WskDeregister(PWSK_REGISTRATION WskRegistration) {
  Registration* r = internal::FromRegistration(WskRegistration);
  if (r == nullptr) {
    internal::ReportUnbalanced(WskRegistration,
                               internal::WasDeregistered(WskRegistration)
                                   ? "WskDeregister: the block was already deregistered"
                                   : "WskDeregister: the block was never registered "
                                     "by a successful WskRegister");
    return;
  }
  r->Deregister();
  {
    std::lock_guard<std::mutex> lock(internal::g_mu);
    internal::Live().erase(r);
  }
  // Copies the client never released go with the registration.
  internal::FreeSecurityCache(r);
  r->magic_ = 0;
  WskRegistration->ReservedRegistrationContext = nullptr;
  WskRegistration->ReservedRegistrationState = internal::kDeregistered;
  delete r;
  internal::LoopRemoveUser();
  internal::DrainIndicationCache();
}

VOID WskconfReferenceSetAvailable(BOOLEAN Available) {
  {
    std::lock_guard<std::mutex> lock(internal::g_mu);
    internal::g_unavailable = !Available;
  }
  Registration::NotifyAvailabilityChanged();
}

EXTERN_C_END
