// One client registration (WskRegister .. WskDeregister): what it has
// captured, the sockets and IRPs it still owns, and the WSK_CLIENT handle.
#ifndef WSKCONF_REFERENCE_SRC_INTERNAL_REGISTRATION_H_
#define WSKCONF_REFERENCE_SRC_INTERNAL_REGISTRATION_H_

#include <wsk.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace wskconf::reference::internal {

struct CachedSecurityDescriptor;

// What WskControlClient sets for a registration (client_control.cc,
// security_cache.cc), guarded by `mu`.
struct ClientSettings {
  std::mutex mu;
  bool socket_created = false;  // WskSocket/WskSocketConnect ever succeeded
  ULONG static_events = 0;      // WSK_SET_STATIC_EVENT_CALLBACKS mask
  ULONG tdi_behavior = 0;       // WSK_TDI_BEHAVIOR flags
  bool tdi_mapping_set = false; // WSK_TDI_DEVICENAME_MAPPING accepted
  CachedSecurityDescriptor* descriptors = nullptr;  // WSK_CACHE_SD copies
};

class Registration {
 public:
  Registration(PVOID client_context, const WSK_CLIENT_DISPATCH* dispatch);

  // The WSK_CLIENT handle a capture returns is this object.
  PWSK_CLIENT client() { return this; }
  static Registration* FromClient(PWSK_CLIENT client);
  // FromClient for a call of `routine` through the provider dispatch:
  // ClientCall.InvalidRequest when `client` is no captured WSK_CLIENT
  // (WSK_PROVIDER_NPI.ClientIsFirstArgument) or no capture of it is held
  // any more (Registration.NoProviderCallsAfterRelease).
  static Registration* ForCall(PWSK_CLIENT client, const char* routine);

  PVOID client_context() const { return client_context_; }
  USHORT requested_version() const { return version_; }

  // Capture / release bookkeeping (WskCaptureProviderNPI).
  NTSTATUS Capture(ULONG wait_ms);
  // False, changing nothing, when no capture is held.
  bool ReleaseCapture();

  // Every socket and client-level IRP in flight counts as one object; the
  // registration cannot go away until they are gone.
  void AddObject();
  void RemoveObject();
  // AddObject, unless WskDeregister has begun (then false).
  bool AddObjectUnlessDeregistering();

  // WskDeregister: refuse new captures, wake waiting ones, cancel waiting
  // WSK_TRANSPORT_LIST_CHANGE IRPs, wait for every capture, socket and IRP
  // to be released.
  void Deregister();

  // Wakes captures waiting for the provider to become available.
  static void NotifyAvailabilityChanged();

  ClientSettings& settings() { return settings_; }
  // The static event mask a new socket starts with; marks that a socket
  // exists, after which the before-any-socket control codes are refused.
  ULONG NoteSocketCreated();

  uint32_t magic_ = kMagic;
  static constexpr uint32_t kMagic = 0x67655257;  // "WReg"

 private:
  PVOID client_context_;
  USHORT version_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool deregistering_ = false;
  uint32_t captures_ = 0;
  uint32_t objects_ = 0;
  ClientSettings settings_;
};

// True while WskconfReferenceSetAvailable(FALSE) holds the NPI back.
bool ProviderHeldUnavailable();

// The provider-level dispatch table (WskSocket, WskSocketConnect, ...).
extern const WSK_PROVIDER_DISPATCH kProviderDispatch;

}  // namespace wskconf::reference::internal

#endif  // WSKCONF_REFERENCE_SRC_INTERNAL_REGISTRATION_H_
