// WSK_TRANSPORT_LIST_CHANGE against real changes of the host: in a private
// network namespace (root only; skipped with the reason otherwise) the test
// disables IPv6 for the namespace and enables it again, which removes and
// restores the IPv6 transports, and toggles the loopback interface, which
// changes addresses but no transport. Its own binary: the namespace is the
// whole process's from the suite's set-up on.
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

constexpr const char* kDisableIpv6 = "/proc/sys/net/ipv6/conf/all/disable_ipv6";

bool WriteDisableIpv6(bool disabled) {
  std::ofstream out(kDisableIpv6);
  out << (disabled ? "1" : "0") << std::endl;
  return static_cast<bool>(out);
}

// Brings the namespace's loopback interface up or down; "" or the error.
std::string SetLoopback(bool up) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  std::string error;
  if (ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
    error = std::string("SIOCGIFFLAGS lo: ") + std::strerror(errno);
  } else {
    request.ifr_flags = static_cast<short>(up ? (request.ifr_flags | IFF_UP)
                                              : (request.ifr_flags & ~IFF_UP));
    if (ioctl(fd, SIOCSIFFLAGS, &request) != 0) {
      error = std::string("SIOCSIFFLAGS lo: ") + std::strerror(errno);
    }
  }
  close(fd);
  return error;
}

class TransportWatchTest : public ReferenceTest {
 public:
  // Before any client registers, so the provider's loop thread starts in
  // the new namespace too.
  static void SetUpTestSuite() {
    if (unshare(CLONE_NEWNET) != 0) {
      skip_reason_ = std::string("no private network namespace (unshare(CLONE_NEWNET): ") +
                     std::strerror(errno) + "; run as root)";
      return;
    }
    int probe = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe < 0) {
      skip_reason_ = "the host kernel has no IPv6";
      return;
    }
    close(probe);
    if (!WriteDisableIpv6(false)) {
      skip_reason_ = std::string("cannot write ") + kDisableIpv6;
      return;
    }
    std::string error = SetLoopback(true);  // IPv6 addresses to lose and regain
    if (!error.empty()) skip_reason_ = error;
  }

 protected:
  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ReferenceTest::SetUp();
  }
  void TearDown() override {
    if (skip_reason_.empty()) WriteDisableIpv6(false);
    ReferenceTest::TearDown();
  }

  // WSK_TRANSPORT_LIST_QUERY: the number of transports listed.
  size_t Transports() {
    WSK_TRANSPORT list[8];
    SIZE_T returned = 0;
    NTSTATUS status = client()->dispatch()->WskControlClient(
        client()->client(), WSK_TRANSPORT_LIST_QUERY, 0, nullptr, sizeof(list), list, &returned,
        nullptr);
    EXPECT_EQ(status, STATUS_SUCCESS) << StatusName(status);
    return returned / sizeof(WSK_TRANSPORT);
  }

  NTSTATUS WaitForChange(PIRP irp) {
    return client()->dispatch()->WskControlClient(client()->client(), WSK_TRANSPORT_LIST_CHANGE,
                                                  0, nullptr, 0, nullptr, nullptr, irp);
  }

  static std::string skip_reason_;
};

std::string TransportWatchTest::skip_reason_;

TEST_F(TransportWatchTest, ListFollowsIpv6) {
  RecordClause("WSK_TRANSPORT_LIST_QUERY.FillsList");
  EXPECT_EQ(Transports(), 4u) << "TCP and UDP over IPv4 and IPv6";
  ASSERT_TRUE(WriteDisableIpv6(true));
  EXPECT_EQ(Transports(), 2u) << "IPv6 disabled: TCP and UDP over IPv4";
  ASSERT_TRUE(WriteDisableIpv6(false));
  EXPECT_EQ(Transports(), 4u);
}

TEST_F(TransportWatchTest, ChangeCompletesWhenIpv6GoesAndComes) {
  RecordClause("WSK_TRANSPORT_LIST_CHANGE.CompletesOnChange");
  IrpProbe gone;
  ASSERT_EQ(WaitForChange(gone.Start()), STATUS_PENDING);
  EXPECT_FALSE(gone.Wait(kExpectNoCompletion));
  ASSERT_TRUE(WriteDisableIpv6(true));
  EXPECT_EQ(gone.Result(STATUS_PENDING), STATUS_SUCCESS);
  IrpProbe back;
  ASSERT_EQ(WaitForChange(back.Start()), STATUS_PENDING);
  ASSERT_TRUE(WriteDisableIpv6(false));
  EXPECT_EQ(back.Result(STATUS_PENDING), STATUS_SUCCESS);
  EXPECT_EQ(gone.calls(), 1);
  EXPECT_EQ(back.calls(), 1);
}

TEST_F(TransportWatchTest, AddressChangeAloneCompletesNothing) {
  RecordClause("WSK_TRANSPORT_LIST_CHANGE.PendsUntilChange");
  IrpProbe probe;
  ASSERT_EQ(WaitForChange(probe.Start()), STATUS_PENDING);
  // The loopback's addresses go and come back; the transports stay.
  EXPECT_EQ(SetLoopback(false), "");
  EXPECT_EQ(SetLoopback(true), "");
  EXPECT_FALSE(probe.Wait(kExpectNoCompletion));
  IoCancelIrp(probe.irp());
  EXPECT_EQ(probe.Result(STATUS_PENDING), STATUS_CANCELLED);
}

}  // namespace
}  // namespace wskconf::reference::testing
