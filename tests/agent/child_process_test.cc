// ChildProcess (agent/host/internal): waiting with a deadline, and Kill from
// one thread while another waits, as the relay server's supervisor does. The
// thread-sanitizer build (scripts/test.sh) runs this test: a Kill that reads
// the exit status without the lock Wait writes it under is a data race there.
#include "internal/child_process.h"

#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

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

}  // namespace
}  // namespace wskconf::agent::internal
