// SO_WSK_SECURITY (spec/options.xml): the security descriptor a socket
// carries. A socket holds one reference on a copy in its client's
// descriptor cache (security_cache.cc): the one given to WskSocket or
// WskSocketConnect, the last one set with the option, or, when the client
// gave none, the cached default. A get hands the client one more reference,
// which it drops with WSK_RELEASE_SD (SO_WSK_SECURITY.ReleaseRetrievedCopy).
#include "internal/client_checks.h"
#include "internal/client_level.h"
#include "internal/control.h"

namespace wskconf::reference::internal {
namespace {

// The option applies to listening, datagram and connection-oriented
// sockets (a stream socket is the last two in one).
bool CarriesDescriptor(const Socket* s) { return s->category != Category::kBasic; }

// Drops the socket's reference on `descriptor` (nullptr: none).
void Unreference(Socket* s, PVOID descriptor) {
  if (descriptor != nullptr) {
    ReleaseSecurityDescriptor(s->registration, sizeof(descriptor), &descriptor);
  }
}

// WskSetOption: the input is one PSECURITY_DESCRIPTOR that this client
// cached (SO_WSK_SECURITY.InputFromCacheSd, else STATUS_INVALID_PARAMETER),
// applied before the socket is bound (SetBeforeBind; the page names no
// status, so a later set fails with STATUS_INVALID_DEVICE_STATE, the
// reference's status for a call in the wrong state). The new descriptor
// replaces the old (SetReplacesPrevious).
NTSTATUS SetDescriptor(const ControlRequest& req) {
  if (req.input == nullptr || req.input_size != sizeof(PSECURITY_DESCRIPTOR)) {
    return STATUS_INVALID_PARAMETER;
  }
  PVOID wanted = *static_cast<const PVOID*>(req.input);
  Socket* s = req.socket;
  if (wanted == nullptr || !ReferenceSecurityDescriptor(s->registration, wanted)) {
    ReportInvalidRequest(s, "WskControlSocket: SO_WSK_SECURITY is set with %p, which is "
                         "no copy cached with WSK_CACHE_SD", wanted);
    return STATUS_INVALID_PARAMETER;
  }
  PVOID old;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    if (s->state != State::kUnbound) {
      old = wanted;  // not applied: drop the reference just taken
    } else {
      old = s->security_descriptor;
      s->security_descriptor = wanted;
      wanted = nullptr;
    }
  }
  Unreference(s, old);
  return wanted == nullptr ? STATUS_SUCCESS : STATUS_INVALID_DEVICE_STATE;
}

// WskGetOption: writes a referenced cached copy of the socket's descriptor
// (SO_WSK_SECURITY.GetReturnsCachedCopy), the default one when the socket
// has none of its own.
NTSTATUS GetDescriptor(const ControlRequest& req, SIZE_T* output_bytes) {
  if (req.output == nullptr) return STATUS_INVALID_PARAMETER;
  if (req.output_size < sizeof(PSECURITY_DESCRIPTOR)) return STATUS_BUFFER_TOO_SMALL;
  Socket* s = req.socket;
  PVOID copy = nullptr;
  {
    // Referenced under the socket's lock: a concurrent set cannot drop the
    // socket's own reference in between.
    std::lock_guard<std::mutex> lock(s->mu);
    if (s->security_descriptor != nullptr &&
        ReferenceSecurityDescriptor(s->registration, s->security_descriptor)) {
      copy = s->security_descriptor;
    }
  }
  if (copy == nullptr) {
    NTSTATUS status = CacheDefaultSecurityDescriptor(s->registration, &copy);
    if (!NT_SUCCESS(status)) return status;
  }
  *static_cast<PVOID*>(req.output) = copy;
  *output_bytes = sizeof(PSECURITY_DESCRIPTOR);
  return STATUS_SUCCESS;
}

}  // namespace

NTSTATUS SecurityOption(const ControlRequest& req, SIZE_T* output_bytes) {
  if (req.irp == nullptr) return STATUS_INVALID_PARAMETER;  // Set/GetRequiresIrp
  if (!CarriesDescriptor(req.socket)) return STATUS_NOT_SUPPORTED;  // NotOnBasic
  return req.type == WskSetOption ? SetDescriptor(req) : GetDescriptor(req, output_bytes);
}

bool AdoptSecurityDescriptor(Socket* s, PSECURITY_DESCRIPTOR descriptor) {
  if (descriptor == nullptr) return true;
  if (!ReferenceSecurityDescriptor(s->registration, descriptor)) return false;
  std::lock_guard<std::mutex> lock(s->mu);
  s->security_descriptor = descriptor;
  return true;
}

void DropSecurityDescriptor(Socket* s) {
  PVOID old;
  {
    std::lock_guard<std::mutex> lock(s->mu);
    old = s->security_descriptor;
    s->security_descriptor = nullptr;
  }
  Unreference(s, old);
}

}  // namespace wskconf::reference::internal
