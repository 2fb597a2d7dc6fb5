// RelayServer: the relay under Wine in --serve mode, restarted with the
// rest of Wine's side whenever it ends before Stop().
#include "wskconf/agent/relay_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

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
// A line longer than this is cut (none of those the server looks for is).
constexpr size_t kLineLimit = 4096;
constexpr char kListeningLine[] = "waiting for the runner on TCP";
constexpr char kConnectedLine[] = "relay: runner connected";
constexpr char kLeftoversPrefix[] = "relay: agent leftovers: ";
// Starting Wine's side (wineserver, winedevice.exe, the service) takes a
// few seconds, and over a minute on a machine loaded by parallel builds.
constexpr std::chrono::milliseconds kStartTimeout{180000};
// Relays that end before they listen (their port was taken meanwhile) are
// started again on another port this many times before Start gives up.
constexpr int kStartAttempts = 3;
// The port is picked below the kernel's ephemeral range, which connect()
// and bind(0) draw from: under parallel test runs a port picked there was
// sometimes taken by another process's connection in the seconds Wine
// needs to start, and the relay could not listen (WSAEADDRINUSE).
constexpr uint16_t kLowestPort = 10000;
constexpr int kPortCandidates = 64;

// Whether 127.0.0.1:port can be bound now (port 0: any; *port gets it).
bool BindableLoopbackPort(uint16_t* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(*port);
  socklen_t size = sizeof(address);
  const bool ok =
      fd >= 0 &&
      bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  if (fd >= 0) close(fd);
  if (ok) *port = ntohs(address.sin_port);
  return ok;
}

// The first port of the kernel's ephemeral range (32768 by default).
uint16_t EphemeralLow() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  unsigned low = 32768;
  if (!(range >> low) || low <= kLowestPort || low > 65535) low = 32768;
  return static_cast<uint16_t>(low);
}

// A loopback port nobody uses now (the relay binds it next), preferably
// one no other process is handed by the kernel.
StatusOr<uint16_t> FreeLoopbackPort() {
  const uint16_t high = EphemeralLow();
  std::minstd_rand pick(static_cast<unsigned>(
      std::chrono::steady_clock::now().time_since_epoch().count() ^ getpid()));
  for (int i = 0; i < kPortCandidates; ++i) {
    uint16_t port = static_cast<uint16_t>(kLowestPort + pick() % (high - kLowestPort));
    if (BindableLoopbackPort(&port)) return port;
  }
  uint16_t any = 0;
  if (BindableLoopbackPort(&any)) return any;
  return FailedPreconditionError(fmt::format(
      "no free loopback TCP port for the relay: {}", std::strerror(errno)));
}

}  // namespace

std::optional<AgentLeftovers> ParseLeftoversLine(std::string_view line) {
  const size_t at = line.find(kLeftoversPrefix);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string rest(line.substr(at + sizeof(kLeftoversPrefix) - 1));
  AgentLeftovers l;
  if (rest.rfind("unknown", 0) == 0) return l;
  const int fields = std::sscanf(
      rest.c_str(),
      "registrations %d/%d, sockets %d/%d, handles %d/%d, workers %d/%d",
      &l.registrations, &l.max_registrations, &l.sockets, &l.max_sockets,
      &l.handles, &l.max_handles, &l.workers, &l.max_workers);
  if (fields != 8) return std::nullopt;
  for (auto [n, max] : {std::pair{l.registrations, l.max_registrations},
                        {l.sockets, l.max_sockets},
                        {l.handles, l.max_handles},
                        {l.workers, l.max_workers}}) {
    if (max <= 0 || n < 0 || n > max) return std::nullopt;
  }
  l.known = true;
  return l;
}

RelayServer::RelayServer(const WinePrefix& prefix, std::string agent_dir,
                         uint16_t port)
    : prefix_(prefix), agent_dir_(std::move(agent_dir)), port_(port) {}

StatusOr<std::unique_ptr<RelayServer>> RelayServer::Start(
    const WinePrefix& prefix, std::string agent_dir, uint16_t first_port) {
  const std::string relay = agent_dir + "/wskconf_relay.exe";
  if (access(relay.c_str(), R_OK) != 0 ||
      access((agent_dir + "/wskconf_agent.sys").c_str(), R_OK) != 0) {
    return FailedPreconditionError(fmt::format(
        "{}: wskconf_relay.exe or wskconf_agent.sys missing (build the "
        "wskconf_agent_relay and wskconf_agent_driver targets)",
        agent_dir));
  }
  uint16_t port = first_port;
  if (port == 0) {
    WSKCONF_ASSIGN_OR_RETURN(port, FreeLoopbackPort());
  }
  std::unique_ptr<RelayServer> server(
      new RelayServer(prefix, std::move(agent_dir), port));
  WSKCONF_RETURN_IF_ERROR(server->Launch());
  // The supervisor also starts a relay that ended before it listened again,
  // on another port.
  server->supervisor_ = std::thread([s = server.get()] { s->Supervise(); });
  Status up;
  {
    std::unique_lock lock(server->mu_);
    up = server->WaitListeningLocked(lock, kStartTimeout);
  }
  if (!up.ok()) {
    server->Stop();
    return up;
  }
  return server;
}

RelayServer::~RelayServer() { Stop(); }

std::string RelayServer::address() const {
  return fmt::format("127.0.0.1:{}", port_.load());
}

int RelayServer::restarts() const {
  std::lock_guard lock(mu_);
  return restarts_;
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
                  "--tcp", std::to_string(port_.load()), "--serve"};
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
    partial_line_.clear();
    session_open_ = reported_ = false;
    leftovers_ = AgentLeftovers{};
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
    // Only the running relay's words count, not those of one that ended.
    if (generation != generation_ || generation == ended_) continue;
    // Lines may arrive split over reads: keep the unfinished one.
    partial_line_.append(buffer, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t end; (end = partial_line_.find('\n', start)) != std::string::npos;
         start = end + 1) {
      HandleLineLocked(std::string_view(partial_line_).substr(start, end - start));
    }
    partial_line_.erase(0, start);
    if (partial_line_.size() > kLineLimit) partial_line_.resize(kLineLimit);
    changed_.notify_all();
  }
}

void RelayServer::HandleLineLocked(std::string_view line) {
  if (line.find(kListeningLine) != std::string_view::npos) {
    listening_ = listened_once_ = true;
  } else if (line.find(kConnectedLine) != std::string_view::npos) {
    session_open_ = true;
  } else if (auto leftovers = ParseLeftoversLine(line)) {
    leftovers_ = *leftovers;
    session_open_ = false;
    reported_ = true;
  }
}

Status RelayServer::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const bool idle = changed_.wait_for(lock, timeout, [&] {
    return (reported_ && !session_open_) || ended_ == generation_ ||
           stopping_.load();
  });
  if (idle && reported_ && !session_open_ && ended_ != generation_) {
    return OkStatus();
  }
  return FailedPreconditionError(fmt::format(
      "the relay on 127.0.0.1:{} {} within {} ms",
      port_.load(),
      ended_ == generation_ || stopping_ ? "ended"
                                         : "did not report the agent's reset",
      timeout.count()));
}

AgentLeftovers RelayServer::leftovers() const {
  std::lock_guard lock(mu_);
  return leftovers_;
}

Status RelayServer::WaitListeningLocked(std::unique_lock<std::mutex>& lock,
                                        std::chrono::milliseconds timeout) {
  changed_.wait_for(lock, timeout, [&] {
    return listening_ || start_failed_ || stopping_.load();
  });
  if (listening_) return OkStatus();
  return FailedPreconditionError(fmt::format(
      "{} on 127.0.0.1:{} within {} ms; it said: {}",
      start_failed_ ? "no relay could listen"
                    : "the relay did not listen",
      port_.load(), timeout.count(), diagnostics_));
}

Status RelayServer::WaitRestarted(int seen, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!changed_.wait_for(lock, timeout, [&] {
        return (restarts_ > seen && listening_) || stopping_.load();
      }) ||
      stopping_) {
    return FailedPreconditionError(fmt::format(
        "Wine's side did not come back within {} ms; the relays said: {}",
        timeout.count(), diagnostics_));
  }
  return OkStatus();
}

Status RelayServer::Restart(std::chrono::milliseconds timeout) {
  std::shared_ptr<internal::ChildProcess> relay;
  int seen;
  {
    std::lock_guard lock(mu_);
    relay = relay_;
    seen = restarts_;
  }
  if (relay != nullptr) relay->Kill();  // the supervisor starts the next
  return WaitRestarted(seen, timeout);
}

bool RelayServer::PrepareRelaunch() {
  std::lock_guard lock(mu_);
  if (listened_once_) {
    ++restarts_;  // same port: the case processes know it
    return true;
  }
  if (++failed_starts_ >= kStartAttempts) {
    start_failed_ = true;
    changed_.notify_all();
    return false;
  }
  auto port = FreeLoopbackPort();
  if (!port.ok()) {
    diagnostics_ += "wskconf: " + port.status().message() + "\n";
    start_failed_ = true;
    changed_.notify_all();
    return false;
  }
  diagnostics_ += fmt::format(
      "wskconf: the relay ended before it listened; trying port {}\n", *port);
  port_ = *port;
  return true;
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
      ended_ = generation_;
      diagnostics_ += fmt::format(
          "wskconf: the relay ended ({}); restarting Wine's side\n",
          internal::ChildProcess::DescribeStatus(status.value_or(0)));
    }
    prefix_.Kill().IgnoreError();
    if (stopping_ || !PrepareRelaunch()) return;
    if (Status launched = Launch(); !launched.ok()) {
      std::lock_guard lock(mu_);
      diagnostics_ += "wskconf: restarting the relay failed: " +
                      launched.message() + "\n";
      start_failed_ = true;
      changed_.notify_all();
      return;
    }
    // Stop() may have come while this relay started; it ends it then.
    if (stopping_) {
      std::lock_guard lock(mu_);
      relay_->Kill();
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
