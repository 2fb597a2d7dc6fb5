// WinePrefix's lock (agent/host/wine.cc) when flock itself fails (label
// agent): the error must name flock's own error, which its helper thread
// sees, not whatever the waiting thread's errno holds. This binary
// interposes flock (the static host library's call binds to it) so a
// failure can be forced; anything else goes to the real system call.
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "wskconf/agent/wine.h"

namespace {
std::atomic<int> g_flock_error{0};  // nonzero: flock fails with it
}  // namespace

extern "C" int flock(int fd, int operation) {
  if (g_flock_error != 0) {
    errno = g_flock_error;
    return -1;
  }
  return static_cast<int>(syscall(SYS_flock, fd, operation));
}

namespace wskconf::agent {
namespace {

constexpr std::chrono::milliseconds kLockWait{5000};

TEST(WinePrefixLockError, AFailingFlockIsReportedWithItsOwnError) {
  const std::string dir =
      (std::filesystem::temp_directory_path() /
       ("wskconf-lock-error-test-" + std::to_string(getpid())))
          .string();
  g_flock_error = ENOLCK;
  errno = EDOM;  // what the waiting thread's errno says meanwhile
  auto prefix = WinePrefix::Open(WineTools{"/bin/true", "/bin/true"}, dir,
                                 kLockWait);
  g_flock_error = 0;
  ASSERT_FALSE(prefix.ok());
  EXPECT_THAT(prefix.status().message(),
              ::testing::HasSubstr(std::string("flock: ") +
                                   std::strerror(ENOLCK)));
  std::filesystem::remove(dir + ".lock");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wskconf::agent
