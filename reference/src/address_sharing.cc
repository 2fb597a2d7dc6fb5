// The provider's table of bound local addresses and Windows' sharing rules
// (guide/sharing-transport-addresses.md). Every TCP or UDP socket bound with
// WskBind is listed until it closes; a bind that overlaps a listed address
// is decided by the guide's table, and only a bind the table allows is
// handed to the host, with SO_REUSEADDR and SO_REUSEPORT on both host
// sockets so that Linux (whose own rules are stricter for listeners and for
// a wildcard next to a specific address) lets it through.
#include "internal/address_sharing.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

#include "internal/errno_status.h"

namespace wskconf::reference::internal {
namespace {

// One bound socket: what the table needs to know of it.
struct Holder {
  Socket* socket;
  int fd;           // the socket's host descriptor, open while listed
  int type;         // SOCK_STREAM or SOCK_DGRAM: separate port spaces
  int host_family;  // AF_INET or AF_INET6 (IPV6_V6ONLY: separate spaces)
  sockaddr_storage address;
  bool wildcard;
  int options;  // kNone, kReuse or kExclusive
};

enum Options { kNone = 0, kReuse = 1, kExclusive = 2 };
enum Verdict { kSuccess, kInUse, kDenied, kCheck };

// The guide's table. Rows: the second bind; columns: the first. Each index
// is options * 2 + (specific ? 1 : 0), in the table's order (no options,
// SO_REUSEADDR, SO_EXCLUSIVEADDRUSE; wildcard before specific).
constexpr Verdict kTable[6][6] = {
    {kInUse, kSuccess, kInUse, kSuccess, kInUse, kSuccess},      // none, wildcard
    {kCheck, kInUse, kCheck, kDenied, kDenied, kInUse},          // none, specific
    {kDenied, kSuccess, kSuccess, kSuccess, kDenied, kSuccess},  // reuse, wildcard
    {kCheck, kDenied, kSuccess, kSuccess, kDenied, kDenied},     // reuse, specific
    {kInUse, kInUse, kInUse, kInUse, kInUse, kInUse},            // exclusive, wildcard
    {kCheck, kInUse, kCheck, kInUse, kDenied, kInUse},           // exclusive, specific
};

std::mutex g_mu;
std::vector<Holder>* g_holders = new std::vector<Holder>();  // lives as long as the process

int OptionsOf(const Socket* s) {
  // SO_EXCLUSIVEADDRUSE wins when a client set both.
  if (s->exclusive_address) return kExclusive;
  return s->reuse_address ? kReuse : kNone;
}

uint16_t PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET6) return reinterpret_cast<const sockaddr_in6&>(a).sin6_port;
  return reinterpret_cast<const sockaddr_in&>(a).sin_port;
}

bool IsWildcard(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET6) {
    const in6_addr& addr = reinterpret_cast<const sockaddr_in6&>(a).sin6_addr;
    return IN6_IS_ADDR_UNSPECIFIED(&addr);
  }
  return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr == htonl(INADDR_ANY);
}

bool SameHost(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                       &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr,
                       sizeof(in6_addr)) == 0;
  }
  return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
         reinterpret_cast<const sockaddr_in&>(b).sin_addr.s_addr;
}

// A holder whose address the new one shares: same port space and port,
// and the same address or a wildcard on either side. Two different
// specific addresses share nothing (the guide's last paragraph).
bool Overlaps(const Holder& held, const Holder& wanted) {
  return held.type == wanted.type && held.host_family == wanted.host_family &&
         PortOf(held.address) == PortOf(wanted.address) &&
         (held.wildcard || wanted.wildcard || SameHost(held.address, wanted.address));
}

NTSTATUS StatusOf(Verdict verdict) {
  switch (verdict) {
    case kSuccess: return STATUS_SUCCESS;
    case kInUse: return STATUS_ADDRESS_ALREADY_EXISTS;
    // CHECK compares the second socket's security context with the first
    // socket's descriptor; every socket here has the default one, which does
    // not permit sharing (SO_WSK_SECURITY.DefaultForbidsSharing).
    case kCheck:
    case kDenied: return STATUS_ACCESS_DENIED;
  }
  return STATUS_ACCESS_DENIED;
}

// Lets the host share the port between `fd` and an existing holder.
void AllowHostSharing(int fd) {
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
}

// The host socket type, or 0 for one without ports (raw).
int PortSpaceOf(int fd) {
  int type = 0;
  socklen_t length = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0) return 0;
  return type == SOCK_STREAM || type == SOCK_DGRAM ? type : 0;
}

// Decides `wanted` against the listed holders and, when it may go ahead,
// readies the host sockets of those it overlaps. Caller holds g_mu.
NTSTATUS Decide(const Holder& wanted, int fd) {
  const int row = wanted.options * 2 + (wanted.wildcard ? 0 : 1);
  std::vector<int> shared;
  for (const Holder& held : *g_holders) {
    if (!Overlaps(held, wanted)) continue;
    const int column = held.options * 2 + (held.wildcard ? 0 : 1);
    NTSTATUS status = StatusOf(kTable[row][column]);
    if (!NT_SUCCESS(status)) return status;
    shared.push_back(held.fd);
  }
  if (!shared.empty()) {
    AllowHostSharing(fd);
    for (int other : shared) AllowHostSharing(other);
  }
  return STATUS_SUCCESS;
}

}  // namespace

NTSTATUS BindShared(Socket* s, const sockaddr_storage& host, socklen_t length) {
  Holder wanted{s, s->fd, PortSpaceOf(s->fd), s->host_family, host, IsWildcard(host), OptionsOf(s)};
  std::lock_guard<std::mutex> lock(g_mu);
  // Port 0 asks the host for a port nobody holds; raw sockets have none.
  if (wanted.type != 0 && PortOf(host) != 0) {
    NTSTATUS status = Decide(wanted, s->fd);
    if (!NT_SUCCESS(status)) return status;  // WskBind.AddressInUseFails
  }
  if (bind(s->fd, reinterpret_cast<const sockaddr*>(&host), length) != 0) {
    return StatusFromErrno(errno);
  }
  if (wanted.type == 0) return STATUS_SUCCESS;
  socklen_t bound_length = sizeof(wanted.address);
  if (getsockname(s->fd, reinterpret_cast<sockaddr*>(&wanted.address), &bound_length) != 0) {
    return StatusFromErrno(errno);
  }
  g_holders->push_back(wanted);
  s->holds_address = true;
  return STATUS_SUCCESS;
}

void ReleaseSharedAddress(Socket* s) {
  if (!s->holds_address) return;
  s->holds_address = false;
  std::lock_guard<std::mutex> lock(g_mu);
  for (auto it = g_holders->begin(); it != g_holders->end(); ++it) {
    if (it->socket == s) {
      g_holders->erase(it);
      return;
    }
  }
}

}  // namespace wskconf::reference::internal
