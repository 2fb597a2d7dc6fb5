// VethLink: unshare(CLONE_NEWNET) twice for the two namespaces, then
// rtnetlink requests made from inside them (a netlink socket belongs to the
// namespace of the thread that opens it) to create the veth pair, bring
// both ends up and give them their addresses.
#include "wskconf/conformance/veth_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wskconf::conformance {
namespace {

constexpr char kNearName[] = "wskc0";
constexpr char kFarName[] = "wskc1";
constexpr uint8_t kNearV4[4] = {10, 201, 0, 1};
constexpr uint8_t kFarV4[4] = {10, 201, 0, 2};
constexpr uint8_t kNearV6[16] = {0xfd, 0x57, 0x77, 0x73, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
constexpr uint8_t kFarV6[16] = {0xfd, 0x57, 0x77, 0x73, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

std::string Failed(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

int OpenOwnNamespace() { return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC); }

// One rtnetlink request built in place: header, fixed part, attributes.
class Request {
 public:
  Request(uint16_t type, uint16_t flags) {
    std::memset(buffer_, 0, sizeof(buffer_));
    header()->nlmsg_type = type;
    header()->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    header()->nlmsg_len = NLMSG_LENGTH(0);
  }
  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buffer_); }
  // Appends `size` bytes (a fixed structure or an attribute payload).
  void* Append(const void* data, size_t size) {
    char* at = buffer_ + NLMSG_ALIGN(header()->nlmsg_len);
    if (data != nullptr) std::memcpy(at, data, size);
    header()->nlmsg_len = NLMSG_ALIGN(header()->nlmsg_len) + size;
    return at;
  }
  void Attribute(uint16_t type, const void* data, size_t size) {
    rtattr attr{static_cast<unsigned short>(RTA_LENGTH(size)), type};
    Append(&attr, sizeof(attr));
    Append(data, size);
  }
  rtattr* BeginNest(uint16_t type) {
    rtattr attr{static_cast<unsigned short>(RTA_LENGTH(0)), type};
    return static_cast<rtattr*>(Append(&attr, sizeof(attr)));
  }
  void EndNest(rtattr* nest) {
    nest->rta_len = static_cast<unsigned short>(
        buffer_ + header()->nlmsg_len - reinterpret_cast<char*>(nest));
  }
  // Sends the request in the calling thread's namespace; true when the
  // kernel acknowledged it.
  bool Send(const char* what, std::string* why) {
    const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
      *why = Failed("socket(AF_NETLINK)");
      return false;
    }
    bool ok = send(fd, buffer_, header()->nlmsg_len, 0) ==
              static_cast<ssize_t>(header()->nlmsg_len);
    alignas(nlmsghdr) char reply[1024];
    const ssize_t n = ok ? recv(fd, reply, sizeof(reply), 0) : -1;
    const auto* answer = reinterpret_cast<const nlmsghdr*>(reply);
    int error = n < 0 ? errno : EPROTO;
    if (n >= static_cast<ssize_t>(NLMSG_LENGTH(sizeof(nlmsgerr))) &&
        answer->nlmsg_type == NLMSG_ERROR) {
      error = -static_cast<const nlmsgerr*>(NLMSG_DATA(answer))->error;
    }
    close(fd);
    if (error != 0) {
      errno = error;
      *why = Failed(what);
      return false;
    }
    return true;
  }

 private:
  alignas(nlmsghdr) char buffer_[1024];
};

// RTM_NEWLINK of the veth pair: `near` here, its peer `far` moved into the
// namespace open as `far_fd`.
bool CreatePair(int far_fd, std::string* why) {
  Request r(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
  ifinfomsg link{};
  link.ifi_family = AF_UNSPEC;
  r.Append(&link, sizeof(link));
  r.Attribute(IFLA_IFNAME, kNearName, sizeof(kNearName));
  rtattr* info = r.BeginNest(IFLA_LINKINFO);
  r.Attribute(IFLA_INFO_KIND, "veth", 5);
  rtattr* data = r.BeginNest(IFLA_INFO_DATA);
  rtattr* peer = r.BeginNest(VETH_INFO_PEER);
  r.Append(&link, sizeof(link));
  r.Attribute(IFLA_IFNAME, kFarName, sizeof(kFarName));
  const uint32_t ns = static_cast<uint32_t>(far_fd);
  r.Attribute(IFLA_NET_NS_FD, &ns, sizeof(ns));
  r.EndNest(peer);
  r.EndNest(data);
  r.EndNest(info);
  return r.Send("RTM_NEWLINK veth", why);
}

bool LinkUp(int index, std::string* why) {
  Request r(RTM_NEWLINK, 0);
  ifinfomsg link{};
  link.ifi_family = AF_UNSPEC;
  link.ifi_index = index;
  link.ifi_flags = IFF_UP;
  link.ifi_change = IFF_UP;
  r.Append(&link, sizeof(link));
  return r.Send("RTM_NEWLINK up", why);
}

// An address with its prefix route; IPv6 without duplicate address
// detection, so it is usable at once.
bool AddAddress(int index, bool ipv6, const uint8_t* address, std::string* why) {
  Request r(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  ifaddrmsg a{};
  a.ifa_family = ipv6 ? AF_INET6 : AF_INET;
  a.ifa_prefixlen = ipv6 ? 64 : 24;
  a.ifa_flags = ipv6 ? IFA_F_NODAD : 0;
  a.ifa_index = static_cast<unsigned>(index);
  r.Append(&a, sizeof(a));
  const size_t size = ipv6 ? 16 : 4;
  r.Attribute(IFA_LOCAL, address, size);
  r.Attribute(IFA_ADDRESS, address, size);
  return r.Send(ipv6 ? "RTM_NEWADDR (IPv6)" : "RTM_NEWADDR (IPv4)", why);
}

}  // namespace

VethLink::~VethLink() {
  for (int fd : {own_fd_, near_fd_, far_fd_}) {
    if (fd >= 0) close(fd);
  }
}

bool VethLink::Create(std::string* why) {
  own_fd_ = OpenOwnNamespace();
  if (own_fd_ < 0) {
    *why = Failed("open(/proc/thread-self/ns/net)");
    return false;
  }
  for (int* fd : {&near_fd_, &far_fd_}) {
    if (unshare(CLONE_NEWNET) != 0) {
      *why = Failed("unshare(CLONE_NEWNET) (a network namespace needs CAP_SYS_ADMIN)");
      return false;
    }
    *fd = OpenOwnNamespace();
    if (setns(own_fd_, CLONE_NEWNET) != 0) {
      *why = Failed("setns(own namespace)");
      return false;  // a harness fault: the thread is stranded
    }
    if (*fd < 0) {
      *why = Failed("open(/proc/thread-self/ns/net)");
      return false;
    }
  }
  bool ok = false;
  RunIn(End::kNear, [&] { ok = CreatePair(far_fd_, why); });
  if (ok) RunIn(End::kFar, [&] { ok = Configure(End::kFar, why); });
  if (ok) RunIn(End::kNear, [&] { ok = Configure(End::kNear, why); });
  return ok;
}

bool VethLink::Configure(End end, std::string* why) const {
  const bool near = end == End::kNear;
  const int index = static_cast<int>(if_nametoindex(near ? kNearName : kFarName));
  if (index == 0) {
    *why = Failed("if_nametoindex");
    return false;
  }
  return LinkUp(index, why) && AddAddress(index, false, near ? kNearV4 : kFarV4, why) &&
         AddAddress(index, true, near ? kNearV6 : kFarV6, why);
}

bool VethLink::RunIn(End end, const std::function<void()>& body) const {
  const int fd = end == End::kNear ? near_fd_ : far_fd_;
  if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) return false;
  body();
  return setns(own_fd_, CLONE_NEWNET) == 0;
}

const uint8_t* VethLink::AddressBytes(End end, bool ipv6) {
  if (end == End::kNear) return ipv6 ? kNearV6 : kNearV4;
  return ipv6 ? kFarV6 : kFarV4;
}

int VethLink::ListenTcp(End end, bool ipv6, uint16_t* port) const {
  int fd = -1;
  RunIn(end, [&] { fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); });
  if (fd < 0) return -1;
  sockaddr_storage storage{};
  socklen_t length;
  if (ipv6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    in6->sin6_family = AF_INET6;
    std::memcpy(&in6->sin6_addr, AddressBytes(end, true), 16);
    length = sizeof(*in6);
  } else {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    in->sin_family = AF_INET;
    std::memcpy(&in->sin_addr, AddressBytes(end, false), 4);
    length = sizeof(*in);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || listen(fd, 4) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                     : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  return fd;
}

int VethLink::AcceptTcp(int listener, std::chrono::milliseconds limit) {
  pollfd p{listener, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(limit.count())) != 1) return -1;
  return accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
}

}  // namespace wskconf::conformance
