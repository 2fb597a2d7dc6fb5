// SIO_ADDRESS_LIST_QUERY and WS_SIO_ADDRESS_LIST_CHANGE: the list's Windows
// layout, the overflow size, and a notification IRP that pends until the
// host's address list changes (driven in a private network namespace, where
// bringing the loopback interface up adds its addresses), is cancelable and
// is completed by WskCloseSocket.
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "control_test_util.h"
#include "datagram_test_util.h"

namespace wskconf::reference::testing {
namespace {

class AddressListTest : public FamilyTest {
 protected:
  // The list of `s` in `buffer`; the status of the query.
  NTSTATUS Query(PWSK_SOCKET s, std::vector<unsigned char>* buffer, SIZE_T* returned) {
    return IoctlNoIrp(s, WS_SIO_ADDRESS_LIST_QUERY, 0, nullptr, buffer->size(),
                      buffer->empty() ? nullptr : buffer->data(), returned);
  }

  // Checks the layout of a list written into `buffer` (`used` bytes) and
  // returns its entries.
  std::vector<SOCKADDR_STORAGE> Entries(const std::vector<unsigned char>& buffer, SIZE_T used) {
    std::vector<SOCKADDR_STORAGE> entries;
    const auto* list = reinterpret_cast<const SOCKET_ADDRESS_LIST*>(buffer.data());
    EXPECT_GE(list->iAddressCount, 0);
    EXPECT_LE(SIZEOF_SOCKET_ADDRESS_LIST(list->iAddressCount), used);
    const SIZE_T length = family() == WS_AF_INET6 ? sizeof(SOCKADDR_IN6) : sizeof(SOCKADDR_IN);
    for (INT i = 0; i < list->iAddressCount; ++i) {
      const auto* at = reinterpret_cast<const unsigned char*>(list->Address[i].lpSockaddr);
      EXPECT_TRUE(at >= buffer.data() && at + length <= buffer.data() + used) << i;
      EXPECT_EQ(list->Address[i].iSockaddrLength, static_cast<INT>(length));
      EXPECT_EQ(list->Address[i].lpSockaddr->sa_family, family());
      SOCKADDR_STORAGE entry{};
      std::memcpy(&entry, at, length);
      entries.push_back(entry);
    }
    return entries;
  }

  bool HasLoopback(const std::vector<SOCKADDR_STORAGE>& entries) {
    const SOCKADDR_STORAGE loopback = Loopback(family());
    for (const SOCKADDR_STORAGE& entry : entries) {
      if (family() == WS_AF_INET6) {
        if (std::memcmp(&reinterpret_cast<const SOCKADDR_IN6&>(entry).sin6_addr,
                        &reinterpret_cast<const SOCKADDR_IN6&>(loopback).sin6_addr,
                        sizeof(IN6_ADDR)) == 0) {
          return true;
        }
      } else if (reinterpret_cast<const SOCKADDR_IN&>(entry).sin_addr.S_un.S_addr ==
                 reinterpret_cast<const SOCKADDR_IN&>(loopback).sin_addr.S_un.S_addr) {
        return true;
      }
    }
    return false;
  }
};

TEST_P(AddressListTest, QueryListsLoopbackInWindowsLayout) {
  RecordClause("SIO_ADDRESS_LIST_QUERY.OutputLayout");
  for (ULONG flags : {WSK_FLAG_BASIC_SOCKET, WSK_FLAG_LISTEN_SOCKET, WSK_FLAG_CONNECTION_SOCKET,
                      WSK_FLAG_DATAGRAM_SOCKET}) {  // SIO_ADDRESS_LIST_QUERY.AllSocketTypes
    PWSK_SOCKET s = flags == WSK_FLAG_DATAGRAM_SOCKET ? DatagramSocket(*client(), family())
                                                      : client()->Socket(family(), flags);
    ASSERT_NE(s, nullptr);
    std::vector<unsigned char> buffer(4096);
    SIZE_T used = 0;
    ASSERT_EQ(Query(s, &buffer, &used), STATUS_SUCCESS);
    EXPECT_TRUE(HasLoopback(Entries(buffer, used))) << "no loopback address listed";
    EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  }
}

TEST_P(AddressListTest, OverflowReportsSizeAndRetrySucceeds) {
  RecordClause("SIO_ADDRESS_LIST_QUERY.OverflowReportsSize");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_BASIC_SOCKET);
  ASSERT_NE(s, nullptr);
  std::vector<unsigned char> none;
  SIZE_T needed = 0;
  ASSERT_EQ(Query(s, &none, &needed), STATUS_BUFFER_OVERFLOW);
  EXPECT_GE(needed, sizeof(SOCKET_ADDRESS_LIST));
  std::vector<unsigned char> short_buffer(needed - 1, 0xcc);
  SIZE_T again = 0;
  EXPECT_EQ(Query(s, &short_buffer, &again), STATUS_BUFFER_OVERFLOW);
  EXPECT_EQ(again, needed);
  EXPECT_EQ(short_buffer[0], 0xcc);  // nothing written
  std::vector<unsigned char> exact(needed);
  SIZE_T used = 0;
  ASSERT_EQ(Query(s, &exact, &used), STATUS_SUCCESS);
  EXPECT_EQ(used, needed);
  Entries(exact, used);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
}

TEST_P(AddressListTest, QueryWithIrpAndChangeWithoutIrpFail) {
  RecordClause("SIO_ADDRESS_LIST_QUERY.NoIrp");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_BASIC_SOCKET);
  ASSERT_NE(s, nullptr);
  std::vector<unsigned char> buffer(4096);
  EXPECT_EQ(Ioctl(s, WS_SIO_ADDRESS_LIST_QUERY, 0, nullptr, buffer.size(), buffer.data()),
            STATUS_INVALID_PARAMETER);
  EXPECT_EQ(IoctlNoIrp(s, WS_SIO_ADDRESS_LIST_CHANGE, 0, nullptr, 0, nullptr, nullptr),
            STATUS_INVALID_PARAMETER);  // SIO_ADDRESS_LIST_CHANGE.IrpRequired
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  // The client mistakes this test makes on purpose (the verifier's ClientCall rules).
  ConsumeViolations("ClientCall.IrpMissing");
  ConsumeViolations("ClientCall.IrpNotAllowed");
  ConsumeViolations("ClientCall.WrongSocketState");
}

TEST_P(AddressListTest, ChangeRequestPendsUntilCancelledOrClosed) {
  RecordClause("SIO_ADDRESS_LIST_CHANGE.CompletedOnClose");
  PWSK_SOCKET s = client()->Socket(family(), WSK_FLAG_CONNECTION_SOCKET);
  ASSERT_NE(s, nullptr);
  IrpProbe cancelled, closed;
  EXPECT_EQ(BasicTable(s)->WskControlSocket(s, WskIoctl, WS_SIO_ADDRESS_LIST_CHANGE, 0, 0, nullptr,
                                            0, nullptr, nullptr, cancelled.Start()),
            STATUS_PENDING);  // SIO_ADDRESS_LIST_CHANGE.QueuesAndPends
  EXPECT_FALSE(cancelled.Wait(kExpectNoCompletion));
  IoCancelIrp(cancelled.irp());
  ASSERT_TRUE(cancelled.Wait(kExpectCompletion));
  EXPECT_EQ(cancelled.status(), STATUS_CANCELLED);
  EXPECT_EQ(BasicTable(s)->WskControlSocket(s, WskIoctl, WS_SIO_ADDRESS_LIST_CHANGE, 0, 0, nullptr,
                                            0, nullptr, nullptr, closed.Start()),
            STATUS_PENDING);
  EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  ASSERT_TRUE(closed.completed()) << "the close completed before the notification IRP";
  EXPECT_EQ(closed.status(), STATUS_CANCELLED);
}

// Brings the loopback interface of the calling thread's network namespace up.
bool LoopbackUp() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  request.ifr_flags |= IFF_UP;
  ok = ok && ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  close(fd);
  return ok;
}

TEST_P(AddressListTest, ChangeCompletesWhenAnAddressAppears) {
  RecordClause("SIO_ADDRESS_LIST_CHANGE.CompletesOnChange");
  // unshare(CLONE_NEWNET) moves only the calling thread, so the test runs
  // on a thread of its own and the rest of the process keeps its network.
  bool skipped = false;
  std::thread([&] {
    if (unshare(CLONE_NEWNET) != 0) {
      skipped = true;  // no CAP_SYS_ADMIN: the host cannot be changed here
      return;
    }
    PWSK_SOCKET s = DatagramSocket(*client(), family());
    ASSERT_NE(s, nullptr);
    std::vector<unsigned char> buffer(4096);
    SIZE_T used = 0;
    ASSERT_EQ(Query(s, &buffer, &used), STATUS_SUCCESS);
    EXPECT_TRUE(Entries(buffer, used).empty()) << "a new namespace has no address up";
    IrpProbe probe;
    EXPECT_EQ(BasicTable(s)->WskControlSocket(s, WskIoctl, WS_SIO_ADDRESS_LIST_CHANGE, 0, 0,
                                              nullptr, 0, nullptr, nullptr, probe.Start()),
              STATUS_PENDING);
    EXPECT_FALSE(probe.Wait(kExpectNoCompletion));
    ASSERT_TRUE(LoopbackUp()) << std::strerror(errno);
    ASSERT_TRUE(probe.Wait(kExpectCompletion)) << "no notification after lo came up";
    EXPECT_EQ(probe.status(), STATUS_SUCCESS);
    ASSERT_EQ(Query(s, &buffer, &used), STATUS_SUCCESS);
    EXPECT_TRUE(HasLoopback(Entries(buffer, used))) << "the new address is not listed";
    EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  }).join();
  if (skipped) GTEST_SKIP() << "unshare(CLONE_NEWNET) not permitted";
}

WSKCONF_FAMILY_TESTS(AddressListTest);

}  // namespace
}  // namespace wskconf::reference::testing
