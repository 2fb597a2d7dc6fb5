// The stop request of a run (see stop.h and RequestStop in runner.h).
#include "runner/stop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "wskconf/runner.h"

namespace wskconf::conformance {
namespace {

std::atomic<int> g_stop_fd{-1};

}  // namespace

void RequestStop() {
  const int fd = g_stop_fd.load();
  if (fd < 0) return;
  const std::uint64_t one = 1;
  ssize_t ignored = write(fd, &one, sizeof one);  // async-signal-safe
  (void)ignored;
}

namespace internal {

void PrepareStop() {
  int fd = g_stop_fd.load();
  if (fd < 0) {
    fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int expected = -1;
    if (!g_stop_fd.compare_exchange_strong(expected, fd)) {
      close(fd);
      fd = expected;
    }
  }
  std::uint64_t count;
  while (read(fd, &count, sizeof count) > 0) {
  }
}

int StopFd() { return g_stop_fd.load(); }

bool StopRequested() {
  const int fd = g_stop_fd.load();
  if (fd < 0) return false;
  struct pollfd pfd = {fd, POLLIN, 0};
  return poll(&pfd, 1, 0) == 1;
}

}  // namespace internal
}  // namespace wskconf::conformance
