// A child process with optional pipes to its standard streams, waited for
// with a deadline (a pidfd polled with a timeout, no sleeping) and killed
// if it overstays. Private to agent/host.
#ifndef WSKCONF_AGENT_HOST_INTERNAL_CHILD_PROCESS_H_
#define WSKCONF_AGENT_HOST_INTERNAL_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "wskconf/status.h"

namespace wskconf::agent::internal {

struct ChildOptions {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // NAME=value entries added to ours
  std::vector<std::string> unset_env;
  bool pipe_stdin = false;
  bool pipe_stdout = false;
  bool pipe_stderr = false;  // otherwise stderr goes to /dev/null
};

class ChildProcess {
 public:
  static conformance::StatusOr<ChildProcess> Spawn(const ChildOptions& o);
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();  // kills and reaps a child still running

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return in_; }
  int stdout_fd() const { return out_; }
  int stderr_fd() const { return err_; }
  void CloseStdin();

  // The exit status (as from waitpid) once the child ended within
  // `timeout`; nullopt if it is still running.
  // Safe to call from several threads at once.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Sends SIGKILL unless the child has been reaped; the next Wait reaps it.
  // Safe to call while another thread waits.
  void Kill();
  // "exit code 4" / "killed by signal 9".
  static std::string DescribeStatus(int status);

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int pidfd_ = -1, in_ = -1, out_ = -1, err_ = -1;
  // Wait and Kill may be called from several threads (a reader at end of
  // stream, a supervisor waiting, the owner stopping the child). mu_ guards
  // status_ and the reap, so only one thread reaps and Kill never signals a
  // pid already reaped (and perhaps reused); it is never held while
  // blocking, so Kill does not wait behind a Wait.
  std::unique_ptr<std::mutex> mu_ = std::make_unique<std::mutex>();
  std::optional<int> status_;  // guarded by *mu_
};

// Runs a command to its end (or kills it after `timeout`): its exit status,
// or an error naming the command and what went wrong.
conformance::StatusOr<int> RunToEnd(const ChildOptions& o,
                                    std::chrono::milliseconds timeout);

}  // namespace wskconf::agent::internal

#endif  // WSKCONF_AGENT_HOST_INTERNAL_CHILD_PROCESS_H_
