// 10,000 concurrent connected sockets through the reference (issue 6 item
// 9): each one echoes a few bytes with a host peer while all are open, then
// all close; the fixture checks that nothing leaked. The host peers live in
// a forked child so that only the WSK ends count against this process's
// open-file limit, which the test raises.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "reference_test_util.h"

namespace wskconf::reference::testing {
namespace {

constexpr size_t kSockets = 10000;
// The whole test on a loaded 2-core machine takes a few seconds.
constexpr auto kScaleBudget = std::chrono::seconds(60);

// A child process that accepts on a host listener and echoes whatever
// arrives on every connection, until the parent closes the stop pipe. It
// makes system calls only: it is forked from a threaded process.
class EchoPeerProcess {
 public:
  EchoPeerProcess() {
    int listener = HostListener(WS_AF_INET, &port_);
    int fds[2];
    if (listener < 0 || pipe2(fds, O_CLOEXEC) != 0) return;
    child_ = fork();
    if (child_ == 0) {
      close(fds[1]);
      Serve(listener, fds[0]);
    }
    close(fds[0]);
    close(listener);
    stop_ = fds[1];
  }
  ~EchoPeerProcess() {
    if (stop_ >= 0) close(stop_);
    int status = 0;
    if (child_ > 0) waitpid(child_, &status, 0);
  }
  bool ok() const { return child_ > 0; }
  USHORT port() const { return port_; }

 private:
  [[noreturn]] static void Serve(int listener, int stop) {
    static char buffer[4096];
    int epoll = epoll_create1(0);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = listener;
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &e);
    e.data.fd = stop;
    epoll_ctl(epoll, EPOLL_CTL_ADD, stop, &e);
    epoll_event events[64];
    for (;;) {
      int n = epoll_wait(epoll, events, 64, -1);
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == stop) _exit(0);
        if (fd == listener) {
          int accepted = accept4(listener, nullptr, nullptr, 0);
          if (accepted < 0) continue;
          e.data.fd = accepted;
          epoll_ctl(epoll, EPOLL_CTL_ADD, accepted, &e);
          continue;
        }
        ssize_t got = read(fd, buffer, sizeof(buffer));
        if (got <= 0 || write(fd, buffer, static_cast<size_t>(got)) != got) close(fd);
      }
    }
  }
  USHORT port_ = 0;
  int stop_ = -1;
  pid_t child_ = -1;
};

bool RaiseOpenFileLimit(rlim_t wanted) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= wanted) return true;
  rlimit raised{wanted, limit.rlim_max > wanted ? limit.rlim_max : wanted};
  if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return true;
  limit.rlim_cur = limit.rlim_max;  // without the privilege: up to the hard limit
  return setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= wanted;
}

// The sockets the test opened. Whatever is still open when the test body
// returns early (a failed ASSERT) is closed here, so that TearDown's
// WskDeregister, which waits for every socket to close, does not hang: the
// run would otherwise see a timeout instead of the failed assertion (a host
// out of ephemeral ports fails the Bind of one socket).
struct OpenSockets {
  std::vector<PWSK_SOCKET> list;
  ~OpenSockets() {
    for (PWSK_SOCKET s : list) CloseSocket(s);
  }
};

using ScaleTest = ReferenceTest;

TEST_F(ScaleTest, TenThousandConnectedSockets) {
  RecordClause("WskSend.DataArrivesInOrder");
  ASSERT_TRUE(RaiseOpenFileLimit(kSockets + 200))
      << "cannot raise RLIMIT_NOFILE to " << kSockets + 200;
  auto start = std::chrono::steady_clock::now();
  EchoPeerProcess peer;
  ASSERT_TRUE(peer.ok()) << "fork of the host peer failed";
  OpenSockets open;
  std::vector<PWSK_SOCKET>& sockets = open.list;
  sockets.reserve(kSockets);
  for (size_t i = 0; i < kSockets; ++i) {
    PWSK_SOCKET s = client()->Socket(WS_AF_INET, WSK_FLAG_CONNECTION_SOCKET);
    ASSERT_NE(s, nullptr) << "socket " << i;
    sockets.push_back(s);
    ASSERT_EQ(Bind(s, Loopback(WS_AF_INET)), STATUS_SUCCESS) << "socket " << i;
    ASSERT_EQ(Connect(s, Loopback(WS_AF_INET, peer.port())), STATUS_SUCCESS) << "socket " << i;
  }
  EXPECT_EQ(WskconfReferenceLiveSocketCount(), kSockets);
  // Every socket, all open at once, carries its own bytes both ways.
  for (size_t i = 0; i < kSockets; ++i) {
    std::string message = std::to_string(i) + ".";
    ASSERT_EQ(Send(sockets[i], message), STATUS_SUCCESS) << "socket " << i;
    std::string echoed;
    ASSERT_EQ(Receive(sockets[i], message.size(), &echoed, WSK_FLAG_WAITALL), STATUS_SUCCESS)
        << "socket " << i;
    ASSERT_EQ(echoed, message) << "socket " << i;
  }
  for (PWSK_SOCKET s : sockets) EXPECT_EQ(CloseSocket(s), STATUS_SUCCESS);
  sockets.clear();
  // The provider may still be releasing closed sockets; TearDown checks the
  // count after WskDeregister, which waits for them.
  EXPECT_LT(std::chrono::steady_clock::now() - start, kScaleBudget);
}

}  // namespace
}  // namespace wskconf::reference::testing
