// ChildProcess: posix_spawn with pipes, waited for through a pidfd.
#include "internal/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

extern char** environ;

namespace wskconf::agent::internal {
namespace {

using conformance::InternalError;

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

std::vector<std::string> MergedEnvironment(const ChildOptions& o) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool dropped = false;
    for (const auto& u : o.unset_env) dropped |= (u == name);
    for (const auto& set : o.env) {
      dropped |= set.substr(0, set.find('=')) == name;
    }
    if (!dropped) env.push_back(entry);
  }
  env.insert(env.end(), o.env.begin(), o.env.end());
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The pipes `o` asks for; when one cannot be made, none stays open.
conformance::Status MakePipes(const ChildOptions& o, int in[2], int out[2],
                              int err[2]) {
  if ((o.pipe_stdin && pipe2(in, O_CLOEXEC) != 0) ||
      (o.pipe_stdout && pipe2(out, O_CLOEXEC) != 0) ||
      (o.pipe_stderr && pipe2(err, O_CLOEXEC) != 0)) {
    const int error = errno;
    for (int* fd : {&in[0], &in[1], &out[0], &out[1], &err[0], &err[1]}) {
      CloseFd(*fd);
    }
    return InternalError(
        fmt::format("pipe for {}: {}", o.argv[0], std::strerror(error)));
  }
  return conformance::OkStatus();
}

}  // namespace

conformance::StatusOr<ChildProcess> ChildProcess::Spawn(
    const ChildOptions& o) {
  if (o.argv.empty() || o.argv[0].empty()) {
    return conformance::InvalidArgumentError("child process: no program named");
  }
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  if (conformance::Status made = MakePipes(o, in, out, err); !made.ok()) {
    return made;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (o.pipe_stdin) posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  if (o.pipe_stdout) posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (o.pipe_stderr) {
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  }
  std::vector<std::string> argv_strings = o.argv;
  std::vector<std::string> env_strings = MergedEnvironment(o);
  std::vector<char*> argv = Pointers(argv_strings);
  std::vector<char*> env = Pointers(env_strings);
  ChildProcess child;
  int rc = posix_spawn(&child.pid_, argv[0], &actions, nullptr, argv.data(),
                       env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (o.pipe_stdin) close(in[0]);
  if (o.pipe_stdout) close(out[1]);
  if (o.pipe_stderr) close(err[1]);
  child.in_ = in[1];
  child.out_ = out[0];
  child.err_ = err[0];
  if (rc != 0) {
    child.pid_ = -1;
    return InternalError(
        fmt::format("cannot start {}: {}", o.argv[0], std::strerror(rc)));
  }
  child.pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, child.pid_, 0));
  if (child.pidfd_ < 0) {
    // Without a pidfd Wait cannot wait with a deadline: end the child here
    // rather than leave it to the destructor.
    const int error = errno;
    kill(child.pid_, SIGKILL);
    int status = 0;
    while (waitpid(child.pid_, &status, 0) < 0 && errno == EINTR) {
    }
    child.status_ = status;
    return InternalError(fmt::format("pidfd_open for {}: {}", o.argv[0],
                                     std::strerror(error)));
  }
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), pidfd_(other.pidfd_), in_(other.in_),
      out_(other.out_), err_(other.err_), mu_(std::move(other.mu_)),
      status_(other.status_) {
  other.pid_ = -1;
  other.pidfd_ = other.in_ = other.out_ = other.err_ = -1;
}

ChildProcess::~ChildProcess() {
  if (mu_ != nullptr) {  // not moved from
    Kill();
    Wait(std::chrono::milliseconds(5000));
  }
  CloseFd(in_);
  CloseFd(out_);
  CloseFd(err_);
  CloseFd(pidfd_);
}

void ChildProcess::CloseStdin() { CloseFd(in_); }

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(*mu_);
    if (status_ || pid_ <= 0) return status_;
  }
  // The pidfd becomes readable when the child ends and stays so, for every
  // thread polling it.
  pollfd p{pidfd_, POLLIN, 0};
  int ready;
  do {
    ready = poll(&p, 1, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  std::lock_guard lock(*mu_);
  if (ready <= 0 || status_) return status_;
  int status = 0;
  // The child has ended, so this does not block.
  if (waitpid(pid_, &status, 0) == pid_) status_ = status;
  return status_;
}

void ChildProcess::Kill() {
  std::lock_guard lock(*mu_);
  if (pid_ > 0 && !status_) kill(pid_, SIGKILL);  // reaped by Wait
}

std::string ChildProcess::DescribeStatus(int status) {
  if (WIFEXITED(status)) return fmt::format("exit code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return fmt::format("killed by signal {}", WTERMSIG(status));
  }
  return fmt::format("wait status {}", status);
}

conformance::StatusOr<int> RunToEnd(const ChildOptions& o,
                                    std::chrono::milliseconds timeout) {
  auto child = ChildProcess::Spawn(o);
  if (!child.ok()) return child.status();
  std::optional<int> status = child.value().Wait(timeout);
  if (!status) {
    child.value().Kill();
    return InternalError(fmt::format("{} did not finish within {} ms",
                                     o.argv[0], timeout.count()));
  }
  return *status;
}

}  // namespace wskconf::agent::internal
