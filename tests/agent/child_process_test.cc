// ChildProcess (agent/host/internal): waiting with a deadline, and Kill from
// one thread while another waits, as the relay server's supervisor does. The
// thread-sanitizer build (scripts/test.sh) runs this test: a Kill that reads
// the exit status without the lock Wait writes it under is a data race there.
#include "internal/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

namespace wskconf::agent::internal {
namespace {

using std::chrono::milliseconds;

// Long enough for a killed child to be reaped on a loaded machine.
constexpr milliseconds kExpectExit{10000};
// How long a child that must still be running is given to end.
constexpr milliseconds kExpectNoExit{100};

// /bin/cat with a pipe on its standard input: it runs until that pipe is
// closed or it is killed, so no sleep decides when it ends.
ChildOptions CatOptions() {
  ChildOptions options;
  options.argv = {"/bin/cat"};
  options.pipe_stdin = true;
  return options;
}

ChildProcess StartCat() {
  auto child = ChildProcess::Spawn(CatOptions());
  EXPECT_TRUE(child.ok()) << child.status().message();
  return std::move(child).value();
}

bool KilledBySigkill(const std::optional<int>& status) {
  return status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL;
}

TEST(ChildProcessTest, WaitReturnsNothingWhileTheChildRuns) {
  ChildProcess cat = StartCat();
  EXPECT_EQ(cat.Wait(kExpectNoExit), std::nullopt);
  cat.CloseStdin();
  std::optional<int> status = cat.Wait(kExpectExit);
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(ChildProcess::DescribeStatus(*status), "exit code 0");
}

TEST(ChildProcessTest, KillEndsAChildAndWaitReportsTheSignal) {
  ChildProcess cat = StartCat();
  cat.Kill();
  std::optional<int> status = cat.Wait(kExpectExit);
  EXPECT_TRUE(KilledBySigkill(status))
      << (status ? ChildProcess::DescribeStatus(*status) : "still running");
}

// The relay server's supervisor waits on the relay while Stop or a restart
// kills it from another thread; Kill must neither block behind the waiter
// nor race with the waiter storing the status.
TEST(ChildProcessTest, KillFromAnotherThreadWakesAWaiter) {
  ChildProcess cat = StartCat();
  std::optional<int> status;
  std::thread waiter([&] { status = cat.Wait(std::chrono::hours(1)); });
  cat.Kill();
  waiter.join();
  EXPECT_TRUE(KilledBySigkill(status))
      << (status ? ChildProcess::DescribeStatus(*status) : "still running");
  cat.Kill();  // after the reap: no signal to a pid that may be reused
  EXPECT_EQ(cat.Wait(kExpectNoExit), status);
}

// Two threads waiting: one reaps, both see the same status.
TEST(ChildProcessTest, TwoWaitersSeeOneStatus) {
  ChildProcess cat = StartCat();
  std::optional<int> first, second;
  std::thread a([&] { first = cat.Wait(kExpectExit); });
  std::thread b([&] { second = cat.Wait(kExpectExit); });
  cat.CloseStdin();
  a.join();
  b.join();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first, second);
  EXPECT_EQ(ChildProcess::DescribeStatus(*first), "exit code 0");
}

TEST(ChildProcessTest, RunToEndKillsACommandThatOverstays) {
  auto result = RunToEnd(CatOptions(), kExpectNoExit);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("did not finish within 100 ms"),
            std::string::npos)
      << result.status().message();
}

// Takes every descriptor the process may open, then frees `spare` of them
// and lowers the soft limit so that no other one can be opened; undone by
// the destructor.
class DescriptorsExhausted {
 public:
  explicit DescriptorsExhausted(size_t spare) {
    EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &old_), 0);
    for (int fd; (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) {
      taken_.push_back(fd);
      if (taken_.size() > 4096) break;  // a high limit: lowered below
    }
    // Descriptors are handed out lowest first, so all up to the last one
    // taken are in use: a limit just above it leaves only those freed below.
    rlimit tight = old_;
    tight.rlim_cur =
        static_cast<rlim_t>(taken_.empty() ? 0 : taken_.back() + 1);
    for (size_t i = 0; i < spare && !taken_.empty(); ++i) {
      close(taken_.back());
      taken_.pop_back();
    }
    EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  }
  ~DescriptorsExhausted() {
    setrlimit(RLIMIT_NOFILE, &old_);
    for (int fd : taken_) close(fd);
  }
  // How many descriptors can be opened now.
  size_t Available() const {
    std::vector<int> got;
    for (int fd; (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) {
      got.push_back(fd);
    }
    for (int fd : got) close(fd);
    return got.size();
  }

 private:
  rlimit old_{};
  std::vector<int> taken_;
};

TEST(ChildProcessTest, AnEmptyCommandIsRefused) {
  auto child = ChildProcess::Spawn(ChildOptions());
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.status().message(), "child process: no program named");
}

// Out of descriptors, the child starts but no pidfd can be opened for it:
// Spawn fails with the reason and leaves no zombie behind (it used to leave
// the child to a destructor that polled descriptor -1 for 5 s and never
// reaped it).
TEST(ChildProcessTest, ASpawnWithoutAPidfdReapsItsChild) {
  ASSERT_EQ(waitpid(-1, nullptr, WNOHANG), -1) << "a child of an earlier test";
  ChildOptions options;
  options.argv = {"/bin/true"};
  std::optional<conformance::StatusOr<ChildProcess>> child;
  {
    DescriptorsExhausted exhausted(0);
    ASSERT_FALSE(::testing::Test::HasFailure());
    child.emplace(ChildProcess::Spawn(options));
  }
  ASSERT_FALSE(child->ok()) << "the pidfd was opened after all";
  EXPECT_NE(child->status().message().find("pidfd_open"), std::string::npos)
      << child->status().message();
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1) << "a zombie was left";
  EXPECT_EQ(errno, ECHILD);
}

// A pipe that cannot be made fails the spawn and closes the pipes already
// made.
TEST(ChildProcessTest, ASpawnWhosePipesRunOutClosesThem) {
  DescriptorsExhausted exhausted(3);  // one pipe, and one end of another
  ASSERT_EQ(exhausted.Available(), 3u);
  ChildOptions options = CatOptions();
  options.pipe_stdout = true;
  auto child = ChildProcess::Spawn(options);
  ASSERT_FALSE(child.ok());
  EXPECT_NE(child.status().message().find("pipe"), std::string::npos)
      << child.status().message();
  EXPECT_EQ(exhausted.Available(), 3u) << "a pipe was left open";
}

}  // namespace
}  // namespace wskconf::agent::internal
