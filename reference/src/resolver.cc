// WskGetAddressInfo, WskFreeAddressInfo and WskGetNameInfo over the host
// resolver. The lookup runs on a worker thread (it may block on the name
// service), so the call always pends; the IRP is then completed by the
// event loop like every other. Results use Windows' layouts: ADDRINFOEXW
// entries with Windows SOCKADDRs and WCHAR names, each entry one pool block
// that WskFreeAddressInfo frees.
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <unordered_set>

#include <wskconf/verifier.h>

#include "internal/address.h"
#include "internal/client_checks.h"
#include "internal/client_level.h"
#include "internal/completion.h"
#include "internal/event_loop.h"
#include "internal/registration.h"

namespace wskconf::reference::internal {
namespace {

constexpr ULONG kAddrInfoTag = 'iAsW';
constexpr uint32_t kAddrInfoMagic = 0x6f666e49;  // "Info"

// Windows ws2def.h values of the ADDRINFOEXW hint flags and namespaces.
constexpr int kWsAiPassive = 0x01, kWsAiCanonName = 0x02, kWsAiNumericHost = 0x04,
              kWsAiNumericServ = 0x08, kWsAiAll = 0x0100, kWsAiAddrConfig = 0x0400,
              kWsAiV4Mapped = 0x0800;
constexpr ULONG kWsNsDns = 12;

// One result entry: the ADDRINFOEXW the client sees, its address and name.
struct AddrInfoEntry {
  uint32_t magic;
  ADDRINFOEXW info;
  SOCKADDR_STORAGE address;
  WCHAR name[1];
};

std::string Narrow(const UNICODE_STRING* text) {
  std::string out;
  if (text == nullptr || text->Buffer == nullptr) return out;
  for (USHORT i = 0; i < text->Length / sizeof(WCHAR); ++i) {
    auto c = static_cast<uint32_t>(text->Buffer[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// Host names are ASCII (IDNA) on the wire; each byte becomes one WCHAR.
size_t Widen(const char* text, WCHAR* out, size_t room) {
  size_t n = std::strlen(text);
  if (out == nullptr) return n;
  for (size_t i = 0; i < n && i < room; ++i) out[i] = static_cast<unsigned char>(text[i]);
  return n;
}

// Translates Windows hints to host ones; false for a flag or family the
// host cannot honour.
bool HostHints(const ADDRINFOEXW* hints, addrinfo* out) {
  std::memset(out, 0, sizeof(*out));
  if (hints == nullptr) return true;
  static const int kFlags[][2] = {
      {kWsAiPassive, AI_PASSIVE},         {kWsAiCanonName, AI_CANONNAME},
      {kWsAiNumericHost, AI_NUMERICHOST}, {kWsAiNumericServ, AI_NUMERICSERV},
      {kWsAiAll, AI_ALL},                 {kWsAiAddrConfig, AI_ADDRCONFIG},
      {kWsAiV4Mapped, AI_V4MAPPED}};
  int left = hints->ai_flags;
  for (const auto& flag : kFlags) {
    if (left & flag[0]) out->ai_flags |= flag[1];
    left &= ~flag[0];
  }
  if (left != 0) return false;
  if (hints->ai_family != WS_AF_UNSPEC) {
    out->ai_family = HostFamily(static_cast<ADDRESS_FAMILY>(hints->ai_family));
    if (out->ai_family < 0) return false;
  }
  out->ai_socktype = hints->ai_socktype;
  out->ai_protocol = hints->ai_protocol;
  return true;
}

AddrInfoEntry* NewEntry(const addrinfo* host) {
  size_t name_chars = host->ai_canonname != nullptr ? Widen(host->ai_canonname, nullptr, 0) : 0;
  size_t bytes = offsetof(AddrInfoEntry, name) + (name_chars + 1) * sizeof(WCHAR);
  auto* e = static_cast<AddrInfoEntry*>(
      ExAllocatePool2(POOL_FLAG_NON_PAGED, bytes, kAddrInfoTag));
  if (e == nullptr) return nullptr;
  std::memset(e, 0, bytes);
  e->magic = kAddrInfoMagic;
  FromHost(host->ai_addr, reinterpret_cast<PSOCKADDR>(&e->address));
  ADDRESS_FAMILY family = reinterpret_cast<PSOCKADDR>(&e->address)->sa_family;
  e->info.ai_family = family;
  e->info.ai_socktype = host->ai_socktype;
  e->info.ai_protocol = host->ai_protocol;
  e->info.ai_addrlen = WindowsAddressLength(family);
  e->info.ai_addr = reinterpret_cast<PSOCKADDR>(&e->address);
  if (host->ai_canonname != nullptr) {
    Widen(host->ai_canonname, e->name, name_chars);
    e->info.ai_canonname = e->name;
  }
  return e;
}

void FreeList(PADDRINFOEXW info) {
  while (info != nullptr) {
    auto* e = CONTAINING_RECORD(info, AddrInfoEntry, info);
    PADDRINFOEXW next = info->ai_next;
    if (e->magic != kAddrInfoMagic) return;  // not ours: leave it alone
    e->magic = 0;
    ExFreePoolWithTag(e, kAddrInfoTag);
    info = next;
  }
}

// The heads of the lists WskGetAddressInfo returned that WskFreeAddressInfo
// has not freed yet, by address: the pointer a client frees is looked up
// here before anything behind it is read, so a second free (of memory the
// pool has poisoned) is reported, never read. Kept outside the entries, so
// a list the client wrongly gave to ExFreePool is never read either.
std::mutex g_live_mu;
std::unordered_set<const void*>& LiveHeads() {
  static auto* heads = new std::unordered_set<const void*>;  // never destroyed
  return *heads;
}

bool AddLiveHead(PADDRINFOEXW head) {
  std::lock_guard<std::mutex> lock(g_live_mu);
  try {
    LiveHeads().insert(head);
  } catch (const std::bad_alloc&) {
    return false;
  }
  return true;
}

// Forgets the live head `head`; false when it is none.
bool TakeLiveHead(PADDRINFOEXW head) {
  std::lock_guard<std::mutex> lock(g_live_mu);
  return LiveHeads().erase(head) == 1;
}

// The host resolver's error as the status Windows reports.
NTSTATUS StatusFromEai(int error) {
  switch (error) {
    case 0: return STATUS_SUCCESS;
    case EAI_NONAME:
    case EAI_NODATA:
    case EAI_AGAIN:
    case EAI_FAIL: return STATUS_NO_MATCH;  // WskGetAddressInfo.UnresolvableName
    case EAI_MEMORY: return STATUS_INSUFFICIENT_RESOURCES;
    default: return STATUS_INVALID_PARAMETER;  // EAI_SERVICE, EAI_FAMILY, EAI_SOCKTYPE ...
  }
}

// Runs `lookup` (returning the IRP's status) on a worker thread and has the
// event loop complete `irp`; the registration counts the IRP until then.
template <typename Lookup>
NTSTATUS PendOnWorker(Registration* registration, PIRP irp, Lookup lookup) {
  IoMarkIrpPending(irp);
  registration->AddObject();
  try {
    std::thread([registration, irp, lookup]() mutable {
      irp->IoStatus.Information = 0;
      irp->IoStatus.Status = lookup();
      LoopPostCompletion(irp);
      registration->RemoveObject();
    }).detach();
  } catch (...) {
    registration->RemoveObject();
    CompletePending(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
  }
  return STATUS_PENDING;
}

// The checks both lookups share; STATUS_SUCCESS or the IRP's failure.
NTSTATUS CheckOwner(PEPROCESS process, PETHREAD thread) {
  // WskGetAddressInfo.ThreadNeedsProcess, WskGetNameInfo.ThreadNeedsProcess
  return thread != nullptr && process == nullptr ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
}

}  // namespace

NTSTATUS WSKAPI GetAddressInfo(PWSK_CLIENT Client, PUNICODE_STRING NodeName,
                               PUNICODE_STRING ServiceName, ULONG NameSpace,
                               GUID* Provider, PADDRINFOEXW Hints,
                               PADDRINFOEXW* Result, PEPROCESS OwningProcess,
                               PETHREAD OwningThread, PIRP Irp) {
  if (IrpMissing(Irp, "WskGetAddressInfo")) return STATUS_INVALID_PARAMETER;
  if (!TakeIrp(Irp, nullptr, OpKind::kNone)) return STATUS_INVALID_PARAMETER;
  Registration* registration = Registration::ForCall(Client, "WskGetAddressInfo");
  addrinfo hints;
  NTSTATUS status = CheckOwner(OwningProcess, OwningThread);
  if (registration == nullptr || Result == nullptr ||
      (NodeName == nullptr && ServiceName == nullptr) || !HostHints(Hints, &hints)) {
    status = STATUS_INVALID_PARAMETER;
  } else if (Provider != nullptr || (NameSpace != WS_NS_ALL && NameSpace != kWsNsDns)) {
    status = STATUS_NOT_SUPPORTED;  // only the host's own name service is there
  }
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  std::string node = Narrow(NodeName), service = Narrow(ServiceName);
  bool has_node = NodeName != nullptr, has_service = ServiceName != nullptr;
  return PendOnWorker(registration, Irp, [=]() -> NTSTATUS {
    addrinfo* found = nullptr;
    int error = getaddrinfo(has_node ? node.c_str() : nullptr,
                            has_service ? service.c_str() : nullptr, &hints, &found);
    NTSTATUS result = StatusFromEai(error);
    PADDRINFOEXW head = nullptr, *tail = &head;
    for (addrinfo* a = found; NT_SUCCESS(result) && a != nullptr; a = a->ai_next) {
      if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
      AddrInfoEntry* e = NewEntry(a);
      if (e == nullptr) {
        result = STATUS_INSUFFICIENT_RESOURCES;
        break;
      }
      *tail = &e->info;
      tail = &e->info.ai_next;
    }
    if (found != nullptr) freeaddrinfo(found);
    if (NT_SUCCESS(result) && head == nullptr) result = STATUS_NO_MATCH;
    if (NT_SUCCESS(result) && !AddLiveHead(head)) result = STATUS_INSUFFICIENT_RESOURCES;
    if (!NT_SUCCESS(result)) {
      FreeList(head);
      head = nullptr;
    }
    *Result = head;  // the list goes only through the out-pointer
    return result;
  });
}

VOID WSKAPI FreeAddressInfo(PWSK_CLIENT Client, PADDRINFOEXW AddrInfo) {
  if (AddrInfo == nullptr) return;  // no list: nothing to free
  if (!TakeLiveHead(AddrInfo)) {  // WskFreeAddressInfo.OncePerResult
    WskconfReportViolation(WskconfRuleClientCallAddressInfoNotReturned, Client,
                           "WskFreeAddressInfo: %p is not the head of a list "
                           "WskGetAddressInfo returned and WskFreeAddressInfo has "
                           "not freed (freed twice, never returned, or an entry "
                           "inside a list); nothing was freed",
                           static_cast<void*>(AddrInfo));
    return;
  }
  FreeList(AddrInfo);  // WskFreeAddressInfo.FreesWholeList
}

namespace {

// Copies `text` into a client UNICODE_STRING with its terminating NUL.
NTSTATUS WriteName(PUNICODE_STRING out, const char* text) {
  if (out == nullptr) return STATUS_SUCCESS;  // WskGetNameInfo.NullOutputNotWanted
  size_t chars = Widen(text, nullptr, 0);
  if (out->Buffer == nullptr || (chars + 1) * sizeof(WCHAR) > out->MaximumLength) {
    return STATUS_BUFFER_TOO_SMALL;  // WskGetNameInfo.OutputBuffersLargeEnough
  }
  Widen(text, out->Buffer, chars);
  out->Buffer[chars] = 0;
  out->Length = static_cast<USHORT>(chars * sizeof(WCHAR));
  return STATUS_SUCCESS;
}

int HostNameFlags(ULONG flags) {
  int host = 0;
  if (flags & WS_NI_NOFQDN) host |= NI_NOFQDN;
  if (flags & WS_NI_NUMERICHOST) host |= NI_NUMERICHOST;
  if (flags & WS_NI_NAMEREQD) host |= NI_NAMEREQD;
  if (flags & WS_NI_NUMERICSERV) host |= NI_NUMERICSERV;
  if (flags & WS_NI_DGRAM) host |= NI_DGRAM;
  return host;
}

}  // namespace

NTSTATUS WSKAPI GetNameInfo(PWSK_CLIENT Client, PSOCKADDR SockAddr,
                            ULONG SockAddrLength, PUNICODE_STRING NodeName,
                            PUNICODE_STRING ServiceName, ULONG Flags,
                            PEPROCESS OwningProcess, PETHREAD OwningThread, PIRP Irp) {
  if (IrpMissing(Irp, "WskGetNameInfo")) return STATUS_INVALID_PARAMETER;
  if (!TakeIrp(Irp, nullptr, OpKind::kNone)) return STATUS_INVALID_PARAMETER;
  Registration* registration = Registration::ForCall(Client, "WskGetNameInfo");
  if (SockAddr != nullptr && (SockAddrLength > sizeof(SOCKADDR_STORAGE) ||
                              SockAddrLength < WindowsAddressLength(SockAddr->sa_family))) {
    ReportInvalidRequest(Client, "WskGetNameInfo: SockAddrLength %lu is not the size of "
                         "the address (at most sizeof(SOCKADDR_STORAGE))",
                         static_cast<unsigned long>(SockAddrLength));
  }
  constexpr ULONG kKnownFlags =
      WS_NI_NOFQDN | WS_NI_NUMERICHOST | WS_NI_NAMEREQD | WS_NI_NUMERICSERV | WS_NI_DGRAM;
  NTSTATUS status = CheckOwner(OwningProcess, OwningThread);
  sockaddr_storage host;
  socklen_t host_length = 0;
  if (registration == nullptr || SockAddr == nullptr ||
      (NodeName == nullptr && ServiceName == nullptr) ||  // WskGetNameInfo.BothOutputsNullInvalid
      SockAddrLength > sizeof(SOCKADDR_STORAGE) || (Flags & ~kKnownFlags) != 0 ||
      HostFamily(SockAddr->sa_family) < 0 ||
      SockAddrLength < WindowsAddressLength(SockAddr->sa_family)) {
    status = STATUS_INVALID_PARAMETER;  // WskGetNameInfo.SockAddrLengthBounded
  }
  if (NT_SUCCESS(status)) status = ToHost(SockAddr, SockAddr->sa_family, &host, &host_length);
  if (!NT_SUCCESS(status)) return Finish(Irp, status, 0);
  int host_flags = HostNameFlags(Flags);
  return PendOnWorker(registration, Irp, [=]() -> NTSTATUS {
    char node[NI_MAXHOST], service[NI_MAXSERV];
    int error = getnameinfo(reinterpret_cast<const sockaddr*>(&host), host_length,
                            NodeName != nullptr ? node : nullptr,
                            NodeName != nullptr ? sizeof(node) : 0,
                            ServiceName != nullptr ? service : nullptr,
                            ServiceName != nullptr ? sizeof(service) : 0, host_flags);
    NTSTATUS result = StatusFromEai(error);  // WskGetNameInfo.NameRequiredFails
    if (NT_SUCCESS(result) && NodeName != nullptr) result = WriteName(NodeName, node);
    if (NT_SUCCESS(result) && ServiceName != nullptr) result = WriteName(ServiceName, service);
    return result;
  });
}

}  // namespace wskconf::reference::internal
