// Child processes of the runner (see subprocess.h). Everything the child does
// between fork and exec is async-signal-safe: the runner forks from worker
// threads.
#include "runner/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

#include <fmt/format.h>

extern char** environ;

namespace wskconf::conformance::internal {
namespace {

// The child's side of Spawn: never returns. Reports an exec failure as its
// errno on `report_fd`.
[[noreturn]] void ExecChild(char* const* argv, char* const* envp, int output_fd,
                            int stdin_fd, int report_fd, pid_t parent) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  const struct rlimit file_limit = {kMaxChildFileBytes, kMaxChildFileBytes};
  setrlimit(RLIMIT_FSIZE, &file_limit);
  const struct rlimit no_core = {0, 0};  // a crashing case leaves no core file
  setrlimit(RLIMIT_CORE, &no_core);
  dup2(stdin_fd, STDIN_FILENO);
  dup2(output_fd, STDOUT_FILENO);
  dup2(output_fd, STDERR_FILENO);
  execve(argv[0], argv, envp);
  const int error = errno;
  ssize_t ignored = write(report_fd, &error, sizeof error);
  (void)ignored;
  _exit(127);
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  if (abbrev == nullptr) return fmt::format("signal {}", signal);
  return fmt::format("SIG{}", abbrev);
}

std::string ExitInfo::ToString() const {
  if (signaled) {
    return fmt::format("was killed by signal {} ({})", signal,
                       SignalName(signal));
  }
  return fmt::format("exited with status {}", code);
}

Child::Child(Child&& other) noexcept
    : pid_(other.pid_), pidfd_(other.pidfd_), reaped_(other.reaped_) {
  other.pidfd_ = -1;
  other.reaped_ = true;
}

Child::~Child() {
  if (!reaped_) {
    Kill();
    Wait();
  }
  if (pidfd_ >= 0) close(pidfd_);
}

void Child::Kill() {
  if (!reaped_) kill(-pid_, SIGKILL);
}

ExitInfo Child::Wait() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  ExitInfo info;
  if (WIFSIGNALED(status)) {
    info.signaled = true;
    info.signal = WTERMSIG(status);
  } else {
    info.code = WEXITSTATUS(status);
  }
  return info;
}

StatusOr<Child> Spawn(const SpawnSpec& spec) {
  std::vector<std::string> argv_strings = {spec.program.string()};
  argv_strings.insert(argv_strings.end(), spec.args.begin(), spec.args.end());
  std::vector<std::string> env_strings = spec.env;
  std::vector<char*> argv = CStrings(argv_strings);
  std::vector<char*> envp = CStrings(env_strings);

  const int output_fd =
      open(spec.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (output_fd < 0) {
    return FailedPreconditionError(fmt::format(
        "cannot open '{}': {}", spec.output.string(), std::strerror(errno)));
  }
  const int stdin_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int report[2];
  if (stdin_fd < 0 || pipe2(report, O_CLOEXEC) != 0) {
    const int error = errno;
    close(output_fd);
    if (stdin_fd >= 0) close(stdin_fd);
    return FailedPreconditionError(
        fmt::format("cannot prepare a child process: {}", std::strerror(error)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) ExecChild(argv.data(), envp.data(), output_fd, stdin_fd, report[1], parent);
  const int fork_error = errno;
  close(output_fd);
  close(stdin_fd);
  close(report[1]);
  if (pid < 0) {
    close(report[0]);
    return FailedPreconditionError(
        fmt::format("cannot fork: {}", std::strerror(fork_error)));
  }
  setpgid(pid, pid);  // also done by the child; whichever runs first wins
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  Child child(pid, pidfd);
  int exec_error = 0;
  ssize_t n;
  while ((n = read(report[0], &exec_error, sizeof exec_error)) < 0 && errno == EINTR) {
  }
  close(report[0]);
  if (n == static_cast<ssize_t>(sizeof exec_error)) {
    child.Wait();
    return FailedPreconditionError(fmt::format(
        "cannot execute '{}': {}", spec.program.string(), std::strerror(exec_error)));
  }
  if (pidfd < 0) {
    return FailedPreconditionError(
        fmt::format("pidfd_open failed: {}", std::strerror(errno)));
  }
  return child;
}

std::vector<std::string> ChildEnvironment(const std::vector<std::string>& drop,
                                          const std::vector<std::string>& add) {
  std::set<std::string_view> dropped(drop.begin(), drop.end());
  for (const std::string& entry : add) {
    dropped.insert(std::string_view(entry).substr(0, entry.find('=')));
  }
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (dropped.count(entry.substr(0, entry.find('='))) == 0) env.emplace_back(entry);
  }
  env.insert(env.end(), add.begin(), add.end());
  return env;
}

StatusOr<ExitInfo> RunToCompletion(const SpawnSpec& spec,
                                   std::chrono::milliseconds limit) {
  StatusOr<Child> child = Spawn(spec);
  if (!child.ok()) return child.status();
  struct pollfd pfd = {child->pidfd(), POLLIN, 0};
  int ready;
  while ((ready = poll(&pfd, 1, static_cast<int>(limit.count()))) < 0 &&
         errno == EINTR) {
  }
  if (ready == 0) {
    child->Kill();
    child->Wait();
    return FailedPreconditionError(
        fmt::format("'{}' did not finish within {} ms and was killed",
                    spec.program.string(), limit.count()));
  }
  return child->Wait();
}

}  // namespace wskconf::conformance::internal
