// Child processes for the runner: spawn a test binary in its own process
// group with its output in a file, wait for it against a deadline while
// watching a file for growth, kill the whole group. Linux (pidfd, inotify).
#ifndef WSKCONF_CONFORMANCE_RUNNER_SUBPROCESS_H_
#define WSKCONF_CONFORMANCE_RUNNER_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "wskconf/status.h"

namespace wskconf::conformance::internal {

struct SpawnSpec {
  std::filesystem::path program;
  std::vector<std::string> args;  // without argv[0]
  std::vector<std::string> env;   // the whole environment, KEY=VALUE
  std::filesystem::path output;   // stdout and stderr, appended
};

// How a child ended.
struct ExitInfo {
  bool signaled = false;
  int code = 0;    // exit status when !signaled
  int signal = 0;  // terminating signal when signaled

  // "exited with status 3", "was killed by signal 11 (SIGSEGV)".
  std::string ToString() const;
};

// A running child, killed (whole process group) and reaped by the destructor
// if still running.
class Child {
 public:
  Child(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  ~Child();

  int pidfd() const { return pidfd_; }
  // SIGKILL to the child's process group.
  void Kill();
  // Blocks until the child has ended and reaps it.
  ExitInfo Wait();

 private:
  pid_t pid_;
  int pidfd_;
  bool reaped_ = false;
};

// Starts `spec` in a new process group that is killed if this thread ends,
// with output files limited to kMaxChildFileBytes.
StatusOr<Child> Spawn(const SpawnSpec& spec);

inline constexpr long kMaxChildFileBytes = 256L * 1024 * 1024;

// The current environment without the variables whose names are in `drop`,
// followed by `add` (KEY=VALUE).
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& drop,
                                          const std::vector<std::string>& add);

// Runs `spec` to completion (killed after `limit`) and returns how it ended;
// kDeadlineExceeded-like failures are reported as kFailedPrecondition.
StatusOr<ExitInfo> RunToCompletion(const SpawnSpec& spec,
                                   std::chrono::milliseconds limit);

// Signal name such as "SIGSEGV", or "signal N".
std::string SignalName(int signal);

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_SUBPROCESS_H_
