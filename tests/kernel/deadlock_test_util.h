// Test support for misuse that deadlocks on Windows and, after the verifier
// reports it, deadlocks in the runtime too: the misuse runs in a forked child
// so the test can watch the report arrive and the child hang, then kill it.
#ifndef WSKCONF_TESTS_KERNEL_DEADLOCK_TEST_UTIL_H_
#define WSKCONF_TESTS_KERNEL_DEADLOCK_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wskconf/verifier.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <string>

#include "kernel_test_util.h"

namespace wskconf::testing {

namespace internal {

// Child side: every violation goes to the pipe as "<rule id>\n".
inline void WriteRuleToPipe(const WSKCONF_VIOLATION* violation, void* context) {
  const int fd = *static_cast<const int*>(context);
  std::string line = std::string(violation->RuleId) + "\n";
  ssize_t ignored = write(fd, line.data(), line.size());
  (void)ignored;
}

enum class ReadResult { kData, kEnd, kTimeout };

// Reads what arrives on `fd` within `timeout` into *out.
inline ReadResult ReadWithin(int fd, std::chrono::milliseconds timeout,
                             std::string* out) {
  pollfd poller{fd, POLLIN, 0};
  if (poll(&poller, 1, static_cast<int>(timeout.count())) <= 0) {
    return ReadResult::kTimeout;
  }
  char buffer[256];
  ssize_t got = read(fd, buffer, sizeof(buffer));
  if (got <= 0) return ReadResult::kEnd;
  out->append(buffer, static_cast<size_t>(got));
  return ReadResult::kData;
}

}  // namespace internal

// Runs `misuse` in a forked child. Expects the child to report `rule_id`
// within kExpectCompletion and then neither report anything else nor end
// within kExpectNoCompletion (it hangs, as Windows would); kills it after.
inline void ExpectReportThenDeadlock(const char* rule_id,
                                     const std::function<void()>& misuse) {
  int fds[2];
  ASSERT_EQ(0, pipe(fds)) << std::strerror(errno);
  const pid_t child = fork();
  ASSERT_NE(-1, child) << std::strerror(errno);
  if (child == 0) {
    close(fds[0]);
    static int write_fd = fds[1];
    WskconfSetViolationEcho(FALSE);
    WskconfSetViolationHandler(internal::WriteRuleToPipe, &write_fd);
    misuse();
    const char returned[] = "returned\n";
    ssize_t ignored = write(write_fd, returned, sizeof(returned) - 1);
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  std::string seen;
  EXPECT_EQ(internal::ReadResult::kData,
            internal::ReadWithin(fds[0], kExpectCompletion, &seen))
      << "the child reported nothing";
  EXPECT_EQ(std::string(rule_id) + "\n", seen);
  std::string after;
  EXPECT_EQ(internal::ReadResult::kTimeout,
            internal::ReadWithin(fds[0], kExpectNoCompletion, &after))
      << "the child went on after the report instead of hanging: " << after;
  int status = 0;
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  close(fds[0]);
}

}  // namespace wskconf::testing

#endif  // WSKCONF_TESTS_KERNEL_DEADLOCK_TEST_UTIL_H_
