// RelayServer: the relay under Wine in --serve mode, restarted with the
// rest of Wine's side whenever it ends before Stop().
#include "wskconf/agent/relay_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "internal/child_process.h"
#include "wskconf/agent/session.h"

namespace wskconf::agent {
namespace {

using conformance::FailedPreconditionError;
using conformance::OkStatus;
using conformance::Status;
using conformance::StatusOr;

constexpr size_t kDiagnosticsLimit = 256 * 1024;
constexpr char kListeningLine[] = "waiting for the runner on TCP";
// Starting Wine's side (wineserver, winedevice.exe, the service) takes a
// few seconds, and over a minute on a machine loaded by parallel builds.
constexpr std::chrono::milliseconds kStartTimeout{180000};

// A loopback port nobody listens on now (the relay binds it next).
StatusOr<uint16_t> FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  if (fd < 0 ||
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    if (fd >= 0) close(fd);
    return FailedPreconditionError(fmt::format(
        "no free loopback TCP port for the relay: {}", std::strerror(errno)));
  }
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

RelayServer::RelayServer(const WinePrefix& prefix, std::string agent_dir,
                         uint16_t port)
    : prefix_(prefix), agent_dir_(std::move(agent_dir)), port_(port) {}

StatusOr<std::unique_ptr<RelayServer>> RelayServer::Start(
    const WinePrefix& prefix, std::string agent_dir) {
  const std::string relay = agent_dir + "/wskconf_relay.exe";
  if (access(relay.c_str(), R_OK) != 0 ||
      access((agent_dir + "/wskconf_agent.sys").c_str(), R_OK) != 0) {
    return FailedPreconditionError(fmt::format(
        "{}: wskconf_relay.exe or wskconf_agent.sys missing (build the "
        "wskconf_agent_relay and wskconf_agent_driver targets)",
        agent_dir));
  }
  WSKCONF_ASSIGN_OR_RETURN(uint16_t port, FreeLoopbackPort());
  std::unique_ptr<RelayServer> server(
      new RelayServer(prefix, std::move(agent_dir), port));
  WSKCONF_RETURN_IF_ERROR(server->Launch());
  if (Status up = server->WaitListening(kStartTimeout); !up.ok()) {
    server->Stop();
    return up;
  }
  server->supervisor_ = std::thread([s = server.get()] { s->Supervise(); });
  return server;
}

RelayServer::~RelayServer() { Stop(); }

std::string RelayServer::address() const {
  return fmt::format("127.0.0.1:{}", port_);
}

int RelayServer::relay_pid() const {
  std::lock_guard lock(mu_);
  return relay_ != nullptr && !listening_ ? -1
         : relay_ != nullptr              ? relay_->pid()
                                          : -1;
}

std::string RelayServer::diagnostics() const {
  std::lock_guard lock(mu_);
  return diagnostics_;
}

Status RelayServer::Launch() {
  internal::ChildOptions options;
  options.argv = {prefix_.tools().wine64, agent_dir_ + "/wskconf_relay.exe",
                  "--tcp", std::to_string(port_), "--serve"};
  options.env = prefix_.Environment();
  options.unset_env = {"DISPLAY"};
  options.pipe_stdin = options.pipe_stdout = options.pipe_stderr = true;
  auto child = internal::ChildProcess::Spawn(options);
  if (!child.ok()) return child.status();
  auto relay =
      std::make_shared<internal::ChildProcess>(std::move(child).value());
  if (stderr_reader_.joinable()) stderr_reader_.join();  // the last relay's
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    relay_ = relay;
    listening_ = false;
    generation = ++generation_;
  }
  stderr_reader_ = std::thread([this, relay, generation] {
    ReadDiagnostics(relay->stderr_fd(), generation);
  });
  return OkStatus();
}

void RelayServer::ReadDiagnostics(int fd, uint64_t generation) {
  char buffer[4096];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    std::lock_guard lock(mu_);
    if (diagnostics_.size() < kDiagnosticsLimit) {
      diagnostics_.append(buffer, static_cast<size_t>(n));
    }
    // A listening line of this relay (not of one that died before it).
    if (generation == generation_ &&
        std::string_view(buffer, static_cast<size_t>(n)).find(kListeningLine) !=
            std::string_view::npos) {
      listening_ = true;
    }
    changed_.notify_all();
  }
}

Status RelayServer::WaitListening(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!changed_.wait_for(lock, timeout,
                         [&] { return listening_ || stopping_.load(); }) ||
      !listening_) {
    return FailedPreconditionError(fmt::format(
        "the relay did not listen on 127.0.0.1:{} within {} ms; it said: {}",
        port_, timeout.count(), diagnostics_));
  }
  return OkStatus();
}

Status RelayServer::Restart(std::chrono::milliseconds timeout) {
  std::shared_ptr<internal::ChildProcess> relay;
  uint64_t old;
  {
    std::lock_guard lock(mu_);
    relay = relay_;
    old = generation_;
  }
  if (relay != nullptr) relay->Kill();  // the supervisor starts the next
  std::unique_lock lock(mu_);
  if (!changed_.wait_for(lock, timeout, [&] {
        return (generation_ != old && listening_) || stopping_.load();
      }) ||
      stopping_) {
    return FailedPreconditionError(fmt::format(
        "Wine's side did not come back within {} ms; the relays said: {}",
        timeout.count(), diagnostics_));
  }
  return OkStatus();
}

// Waits for the relay to end; unless stopping, ends the rest of Wine's side
// (a dead winedevice.exe's leftovers) and starts a relay again.
void RelayServer::Supervise() {
  for (;;) {
    std::shared_ptr<internal::ChildProcess> relay;
    {
      std::lock_guard lock(mu_);
      relay = relay_;
    }
    std::optional<int> status;
    while (!(status = relay->Wait(std::chrono::hours(1))) && !stopping_) {
    }
    if (stopping_) return;
    {
      std::lock_guard lock(mu_);
      listening_ = false;
      diagnostics_ += fmt::format(
          "wskconf: the relay ended ({}); restarting Wine's side\n",
          internal::ChildProcess::DescribeStatus(status.value_or(0)));
    }
    prefix_.Kill().IgnoreError();
    if (stopping_) return;
    restarts_++;
    if (Status launched = Launch(); !launched.ok()) {
      std::lock_guard lock(mu_);
      diagnostics_ += "wskconf: restarting the relay failed: " +
                      launched.message() + "\n";
      return;
    }
  }
}

void RelayServer::Stop() {
  if (stopping_.exchange(true)) return;
  std::shared_ptr<internal::ChildProcess> relay;
  {
    std::lock_guard lock(mu_);
    relay = relay_;
    changed_.notify_all();
  }
  if (relay != nullptr) relay->Kill();  // wakes the supervisor's Wait
  if (supervisor_.joinable()) supervisor_.join();
  prefix_.Kill().IgnoreError();  // winedevice.exe with the agent, wineserver
  if (stderr_reader_.joinable()) stderr_reader_.join();
}

}  // namespace wskconf::agent
