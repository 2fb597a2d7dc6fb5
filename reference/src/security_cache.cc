// WSK_CACHE_SD and WSK_RELEASE_SD: the provider's cache of security
// descriptors. A cached descriptor is a validated self-relative copy of
// what the client passed, shared (with a reference count) by every caching
// of the same bytes, as Windows' descriptor cache shares identical ones.
// Sockets carry references too (SO_WSK_SECURITY, socket_security.cc); this
// host enforces no Windows security, so no access check ever reads them.
#include <cstddef>
#include <cstring>

#include "internal/client_checks.h"
#include "internal/client_level.h"
#include "internal/registration.h"

namespace wskconf::reference::internal {

struct CachedSecurityDescriptor {
  CachedSecurityDescriptor* next;
  ULONG references;
  ULONG length;
  // The self-relative descriptor; the client's PSECURITY_DESCRIPTOR points here.
  alignas(8) unsigned char bytes[1];
};

namespace {

constexpr ULONG kCacheTag = 'dSsW';

// Windows' SECURITY_DESCRIPTOR layouts (winnt.h): a 4-byte header
// (Revision, Sbz1, Control), then Owner, Group, Sacl, Dacl as 32-bit
// offsets (self-relative form, 20 bytes) or as pointers from offset 8
// (absolute form, x64).
constexpr UCHAR kDescriptorRevision = 1;      // SECURITY_DESCRIPTOR_REVISION
constexpr USHORT kSelfRelative = 0x8000;      // SE_SELF_RELATIVE
constexpr USHORT kDaclPresent = 0x0004;       // SE_DACL_PRESENT
constexpr USHORT kSaclPresent = 0x0010;       // SE_SACL_PRESENT
constexpr size_t kRelativeHeader = 20;
constexpr size_t kAbsolutePointers = 8;
constexpr UCHAR kSidRevision = 1;
constexpr UCHAR kMaxSubAuthorities = 15;      // SID_MAX_SUB_AUTHORITIES
constexpr UCHAR kMinAclRevision = 2;          // ACL_REVISION
constexpr UCHAR kMaxAclRevision = 4;          // ACL_REVISION_DS
constexpr USHORT kAclHeader = 8;

enum Part { kOwner, kGroup, kSacl, kDacl, kParts };

// One component of a descriptor being captured: where it is and its size.
struct Component {
  const unsigned char* data = nullptr;
  ULONG length = 0;
};

NTSTATUS MeasureSid(const unsigned char* sid, ULONG* length) {
  if (sid[0] != kSidRevision || sid[1] > kMaxSubAuthorities) return STATUS_INVALID_SID;
  *length = 8 + 4u * sid[1];
  return STATUS_SUCCESS;
}

NTSTATUS MeasureAcl(const unsigned char* acl, ULONG* length) {
  USHORT size;
  std::memcpy(&size, acl + 2, sizeof(size));
  if (acl[0] < kMinAclRevision || acl[0] > kMaxAclRevision || size < kAclHeader ||
      size % 4 != 0) {
    return STATUS_INVALID_ACL;
  }
  *length = size;
  return STATUS_SUCCESS;
}

// Finds and checks the four components of the client's descriptor.
NTSTATUS Capture(const unsigned char* sd, Component parts[kParts]) {
  if (sd[0] != kDescriptorRevision) return STATUS_UNKNOWN_REVISION;
  USHORT control;
  std::memcpy(&control, sd + 2, sizeof(control));
  for (int i = 0; i < kParts; ++i) {
    const unsigned char* where;
    if (control & kSelfRelative) {
      ULONG offset;
      std::memcpy(&offset, sd + 4 + 4 * i, sizeof(offset));
      if (offset != 0 && offset < kRelativeHeader) return STATUS_INVALID_SECURITY_DESCR;
      where = offset == 0 ? nullptr : sd + offset;
    } else {
      std::memcpy(&where, sd + kAbsolutePointers + sizeof(void*) * i, sizeof(where));
    }
    if (where == nullptr) continue;
    // An ACL pointer counts only when its "present" bit says so.
    if (i == kSacl && !(control & kSaclPresent)) continue;
    if (i == kDacl && !(control & kDaclPresent)) continue;
    NTSTATUS status = i <= kGroup ? MeasureSid(where, &parts[i].length)
                                  : MeasureAcl(where, &parts[i].length);
    if (!NT_SUCCESS(status)) return status;
    parts[i].data = where;
  }
  return STATUS_SUCCESS;
}

// Builds the self-relative copy in pool; nullptr when out of memory.
CachedSecurityDescriptor* BuildCopy(const unsigned char* sd, const Component parts[kParts]) {
  ULONG length = kRelativeHeader;
  for (int i = 0; i < kParts; ++i) length += parts[i].length;
  auto* entry = static_cast<CachedSecurityDescriptor*>(ExAllocatePool2(
      POOL_FLAG_NON_PAGED, offsetof(CachedSecurityDescriptor, bytes) + length, kCacheTag));
  if (entry == nullptr) return nullptr;
  entry->next = nullptr;
  entry->references = 1;
  entry->length = length;
  unsigned char* out = entry->bytes;
  std::memset(out, 0, kRelativeHeader);
  out[0] = sd[0];
  USHORT control;
  std::memcpy(&control, sd + 2, sizeof(control));
  control |= kSelfRelative;
  std::memcpy(out + 2, &control, sizeof(control));
  ULONG offset = kRelativeHeader;
  for (int i = 0; i < kParts; ++i) {
    if (parts[i].data == nullptr) continue;
    std::memcpy(out + 4 + 4 * i, &offset, sizeof(offset));
    std::memcpy(out + offset, parts[i].data, parts[i].length);
    offset += parts[i].length;
  }
  return entry;
}

CachedSecurityDescriptor* FindLocked(ClientSettings& settings, const void* cached) {
  for (CachedSecurityDescriptor* e = settings.descriptors; e != nullptr; e = e->next) {
    if (e->bytes == cached) return e;
  }
  return nullptr;
}

// The PSECURITY_DESCRIPTOR variable a cache/release call passes: exactly
// one pointer (the pages give sizeof(PSECURITY_DESCRIPTOR)).
bool PointerArgument(SIZE_T size, PVOID buffer) {
  return buffer != nullptr && size == sizeof(PSECURITY_DESCRIPTOR);
}

}  // namespace

namespace {

// Caches the descriptor at `sd` (absolute or self-relative, checked) and
// writes the cached copy's address to *cached: a new entry, or one more
// reference on the entry holding the same bytes.
NTSTATUS CacheBytes(Registration* r, const unsigned char* sd, PVOID* cached) {
  Component parts[kParts];
  NTSTATUS status = Capture(sd, parts);
  if (!NT_SUCCESS(status)) return status;
  CachedSecurityDescriptor* copy = BuildCopy(sd, parts);
  if (copy == nullptr) return STATUS_INSUFFICIENT_RESOURCES;
  ClientSettings& settings = r->settings();
  std::unique_lock<std::mutex> lock(settings.mu);
  for (CachedSecurityDescriptor* e = settings.descriptors; e != nullptr; e = e->next) {
    if (e->length == copy->length && std::memcmp(e->bytes, copy->bytes, e->length) == 0) {
      ++e->references;  // the same descriptor: share the cached copy
      *cached = e->bytes;
      lock.unlock();
      ExFreePoolWithTag(copy, kCacheTag);
      return STATUS_SUCCESS;
    }
  }
  copy->next = settings.descriptors;
  settings.descriptors = copy;
  *cached = copy->bytes;
  return STATUS_SUCCESS;
}

// The descriptor a socket gets when the client gives none
// (SO_WSK_SECURITY.DefaultForbidsSharing): owner and group LocalSystem
// (S-1-5-18) and a present but empty DACL, which grants nobody access, so
// no other socket may share the address. Self-relative: the header, two
// 12-byte SIDs at 20 and 32, the 8-byte ACL at 44.
struct DefaultDescriptor {
  unsigned char bytes[kRelativeHeader + 12 + 12 + kAclHeader];
  DefaultDescriptor() {
    static constexpr unsigned char kSystemSid[12] = {kSidRevision, 1, 0, 0, 0, 0,
                                                     0, 5, 18, 0, 0, 0};
    static constexpr unsigned char kEmptyAcl[kAclHeader] = {kMinAclRevision, 0,
                                                            kAclHeader, 0, 0, 0, 0, 0};
    std::memset(bytes, 0, sizeof(bytes));
    bytes[0] = kDescriptorRevision;
    const USHORT control = kSelfRelative | kDaclPresent;
    std::memcpy(bytes + 2, &control, sizeof(control));
    const ULONG offsets[kParts] = {20, 32, 0, 44};  // owner, group, SACL, DACL
    std::memcpy(bytes + 4, offsets, sizeof(offsets));
    std::memcpy(bytes + 20, kSystemSid, sizeof(kSystemSid));
    std::memcpy(bytes + 32, kSystemSid, sizeof(kSystemSid));
    std::memcpy(bytes + 44, kEmptyAcl, sizeof(kEmptyAcl));
  }
};

}  // namespace

NTSTATUS CacheSecurityDescriptor(Registration* r, SIZE_T input_size, PVOID input,
                                 SIZE_T output_size, PVOID output) {
  if (!PointerArgument(input_size, input) || !PointerArgument(output_size, output)) {
    return STATUS_INVALID_PARAMETER;
  }
  auto* sd = *static_cast<const unsigned char* const*>(input);
  if (sd == nullptr) return STATUS_INVALID_PARAMETER;
  return CacheBytes(r, sd, static_cast<PVOID*>(output));
}

NTSTATUS CacheDefaultSecurityDescriptor(Registration* r, PVOID* cached) {
  static const DefaultDescriptor kDefault;
  return CacheBytes(r, kDefault.bytes, cached);
}

bool ReferenceSecurityDescriptor(Registration* r, const void* descriptor) {
  ClientSettings& settings = r->settings();
  std::lock_guard<std::mutex> lock(settings.mu);
  CachedSecurityDescriptor* e = FindLocked(settings, descriptor);
  if (e == nullptr) return false;
  ++e->references;
  return true;
}

NTSTATUS ReleaseSecurityDescriptor(Registration* r, SIZE_T input_size, PVOID input) {
  if (!PointerArgument(input_size, input)) return STATUS_INVALID_PARAMETER;
  const void* cached = *static_cast<const PVOID*>(input);
  ClientSettings& settings = r->settings();
  CachedSecurityDescriptor* freed = nullptr;
  {
    std::lock_guard<std::mutex> lock(settings.mu);
    // Compared by address only: a pointer the cache never handed out is
    // refused, never dereferenced.
    CachedSecurityDescriptor* e = FindLocked(settings, cached);
    if (e == nullptr) {
      // WSK_RELEASE_SD.OnlyCachedDescriptors
      ReportInvalidRequest(r, "WskControlClient: WSK_RELEASE_SD of %p, which is no "
                           "cached copy held (never cached, or released already)",
                           cached);
      return STATUS_INVALID_PARAMETER;
    }
    if (--e->references > 0) return STATUS_SUCCESS;
    for (CachedSecurityDescriptor** link = &settings.descriptors; *link != nullptr;
         link = &(*link)->next) {
      if (*link == e) {
        *link = e->next;
        break;
      }
    }
    freed = e;
  }
  ExFreePoolWithTag(freed, kCacheTag);
  return STATUS_SUCCESS;
}

bool IsCachedSecurityDescriptor(Registration* r, const void* descriptor) {
  ClientSettings& settings = r->settings();
  std::lock_guard<std::mutex> lock(settings.mu);
  return FindLocked(settings, descriptor) != nullptr;
}

void FreeSecurityCache(Registration* r) {
  ClientSettings& settings = r->settings();
  CachedSecurityDescriptor* list;
  {
    std::lock_guard<std::mutex> lock(settings.mu);
    list = settings.descriptors;
    settings.descriptors = nullptr;
  }
  if (list != nullptr) {
    // WSK_CACHE_SD.ReleasedWhenDone, Close.SecurityDescriptorNotReleased,
    // SO_WSK_SECURITY.ReleaseRetrievedCopy
    ReportInvalidRequest(r, "WskDeregister: security descriptor copies from "
                         "WSK_CACHE_SD or SO_WSK_SECURITY were never released with "
                         "WSK_RELEASE_SD");
  }
  while (list != nullptr) {
    CachedSecurityDescriptor* next = list->next;
    ExFreePoolWithTag(list, kCacheTag);
    list = next;
  }
}

}  // namespace wskconf::reference::internal
