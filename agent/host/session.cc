// AgentSession: the relay as a child process under Wine, a reader thread
// that files the agent's messages by request id, and waits with deadlines.
#include "wskconf/agent/session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "internal/child_process.h"

namespace wskconf::agent {
namespace {

using conformance::FailedPreconditionError;
using conformance::InternalError;
using conformance::InvalidArgumentError;
using conformance::OkStatus;

constexpr size_t kDiagnosticsLimit = 64 * 1024;
constexpr Millis kShutdownCallTimeout{15000};
// A write that fails because the relay is gone waits this long for the
// reader thread to learn how it ended (end of stream, then its exit status,
// itself waited for up to kStopTimeout), so the error names the exit.
constexpr Millis kDeathNoticeTimeout = kStopTimeout + Millis{5000};

// Reads exactly `size` bytes; false at end of stream or on error.
bool ReadFull(int fd, uint8_t* out, size_t size) {
  while (size > 0) {
    ssize_t n = read(fd, out, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool Exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

// Writing to a relay that died must be an error, not SIGPIPE.
void IgnoreSigpipe() {
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 &&
      current.sa_handler == SIG_DFL) {
    signal(SIGPIPE, SIG_IGN);
  }
}

}  // namespace

StatusOr<std::unique_ptr<AgentSession>> AgentSession::Start(
    const WinePrefix& prefix, const std::string& agent_dir,
    RelayChannel channel) {
  const std::string relay = agent_dir + "/wskconf_relay.exe";
  if (!Exists(relay) || !Exists(agent_dir + "/wskconf_agent.sys")) {
    return FailedPreconditionError(fmt::format(
        "{}: wskconf_relay.exe or wskconf_agent.sys missing (build the "
        "wskconf_agent_relay and wskconf_agent_driver targets)",
        agent_dir));
  }
  IgnoreSigpipe();
  internal::ChildOptions options;
  options.argv = {prefix.tools().wine64, relay};
  if (channel.tcp_port != 0) {
    options.argv.insert(options.argv.end(),
                        {"--tcp", std::to_string(channel.tcp_port)});
  }
  options.env = prefix.Environment();
  options.unset_env = {"DISPLAY"};
  options.pipe_stdin = options.pipe_stdout = options.pipe_stderr = true;
  auto child = internal::ChildProcess::Spawn(options);
  if (!child.ok()) return child.status();
  std::unique_ptr<AgentSession> session(new AgentSession());
  session->relay_ =
      std::make_unique<internal::ChildProcess>(std::move(child).value());
  session->read_fd_ = session->relay_->stdout_fd();
  session->write_fd_ = session->relay_->stdin_fd();
  session->stderr_reader_ =
      std::thread([s = session.get()] { s->ReadDiagnostics(); });
  if (channel.tcp_port != 0) {
    WSKCONF_RETURN_IF_ERROR(session->WaitTcpListening(channel.tcp_port));
    WSKCONF_RETURN_IF_ERROR(
        session->ConnectTcp("127.0.0.1", channel.tcp_port));
  }
  session->reader_ = std::thread([s = session.get()] { s->ReadMessages(); });
  WSKCONF_RETURN_IF_ERROR(session->Handshake());
  return session;
}

AgentSession::~AgentSession() {
  Stop().IgnoreError();
  if (relay_ != nullptr) relay_->Kill();  // a relay that never got going
  if (reader_.joinable()) reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  if (socket_fd_ >= 0) close(socket_fd_);
}

StatusOr<std::unique_ptr<AgentSession>> AgentSession::Connect(
    const std::string& host, uint16_t port, uint32_t max_version) {
  IgnoreSigpipe();
  std::unique_ptr<AgentSession> session(new AgentSession());
  WSKCONF_RETURN_IF_ERROR(session->ConnectTcp(host, port));
  session->reader_ = std::thread([s = session.get()] { s->ReadMessages(); });
  WSKCONF_RETURN_IF_ERROR(session->Handshake(max_version));
  return session;
}

// Waits (on the relay's stderr, no polling) until the relay says it
// listens; the pipes to its standard streams then stay unused.
Status AgentSession::WaitTcpListening(uint16_t port) {
  std::unique_lock lock(mu_);
  if (!changed_.wait_for(lock, kHandshakeTimeout, [&] {
        return stderr_.find("waiting for the runner on TCP") !=
                   std::string::npos ||
               dead_ || stderr_closed_;
      })) {
    return FailedPreconditionError(fmt::format(
        "the relay did not listen on TCP port {} within {} ms; it said: {}",
        port, kHandshakeTimeout.count(), stderr_));
  }
  if (stderr_.find("waiting for the runner on TCP") == std::string::npos) {
    return FailedPreconditionError(fmt::format(
        "the relay ended before it listened on TCP port {}; it said: {}",
        port, stderr_));
  }
  return OkStatus();
}

Status AgentSession::ConnectTcp(const std::string& host, uint16_t port) {
  socket_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
    return conformance::InvalidArgumentError(
        fmt::format("relay address '{}' is not an IPv4 address", host));
  }
  if (socket_fd_ < 0 ||
      connect(socket_fd_, reinterpret_cast<sockaddr*>(&address),
              sizeof(address)) != 0) {
    return FailedPreconditionError(fmt::format(
        "connecting to the relay on {}:{}: {}", host, port,
        std::strerror(errno)));
  }
  read_fd_ = write_fd_ = socket_fd_;
  return OkStatus();
}

// Offers versions WSKA_PROTOCOL_VERSION_MIN..max_version; the agent picks
// one (the highest both speak) and the session speaks it from then on.
Status AgentSession::Handshake(uint32_t max_version) {
  MessageBuilder hello(WSKA_MSG_HELLO, 0);
  hello.Set(WSKA_TAG_VERSION_MIN, WSKA_PROTOCOL_VERSION_MIN)
      .Set(WSKA_TAG_VERSION_MAX, max_version);
  uint32_t id = NextRequestId();
  WSKCONF_ASSIGN_OR_RETURN(Bytes frame, hello.Encode(id));
  WSKCONF_RETURN_IF_ERROR(Write(frame));
  WSKCONF_ASSIGN_OR_RETURN(Message reply, WaitAnswer(id, kHandshakeTimeout));
  if (reply->type != WSKA_MSG_HELLO_REPLY) {
    return FailedPreconditionError(
        fmt::format("agent handshake refused: {}", reply.Describe()));
  }
  if (reply->protocol_version < WSKA_PROTOCOL_VERSION_MIN ||
      reply->protocol_version > max_version) {
    return FailedPreconditionError(fmt::format(
        "agent handshake: the agent chose protocol version {}, outside the "
        "offered {}..{}: {}",
        reply->protocol_version, WSKA_PROTOCOL_VERSION_MIN, max_version,
        reply.Describe()));
  }
  hello_ = reply;
  version_ = reply->protocol_version;
  return OkStatus();
}

void AgentSession::ReadMessages() {
  const int fd = read_fd_;
  std::string problem;
  // Reader-thread state: the version the agent chose in HELLO_REPLY, and
  // the CHUNKs of a COMPLETION (version 5) until it arrives.
  uint32_t agreed = WSKA_PROTOCOL_VERSION_MIN;
  ChunkAssembler assembler;
  for (;;) {
    Bytes frame(WSKA_HEADER_SIZE);
    uint32_t payload = 0;
    WSKA_RESULT check;
    if (!ReadFull(fd, frame.data(), WSKA_HEADER_SIZE)) break;
    if (WskaPeekHeader(frame.data(), frame.size(), &payload, &check) !=
        WSKA_E_OK) {
      problem = fmt::format("the relay sent a bad frame: {}", check.text);
      break;
    }
    frame.resize(WSKA_HEADER_SIZE + payload);
    if (!ReadFull(fd, frame.data() + WSKA_HEADER_SIZE, payload)) break;
    auto decoded = Message::Decode(std::move(frame));
    if (!decoded.ok()) {
      problem = decoded.status().message();
      break;
    }
    if ((*decoded)->type == WSKA_MSG_HELLO_REPLY) {
      agreed = (*decoded)->protocol_version;
    }
    auto taken = assembler.Take(*std::move(decoded), agreed);
    if (!taken.ok()) {
      problem = taken.status().message();
      break;
    }
    if (!taken->has_value()) continue;  // a CHUNK, kept
    const Message message = **std::move(taken);
    std::unique_lock lock(mu_);
    const uint32_t type = message->type, id = message->request_id;
    if ((type == WSKA_MSG_COMPLETION || type == WSKA_MSG_EVENT) && handler_) {
      MessageHandler handler = handler_;
      lock.unlock();
      handler(message);
      continue;
    }
    if (type == WSKA_MSG_COMPLETION) {
      completions_.insert_or_assign(id, message);
    } else if (type == WSKA_MSG_EVENT) {
      events_.push_back(message);
    } else if (id == 0) {  // an error about no request (queue overflow)
      stderr_ += "agent: " + message.Describe() + "\n";
    } else {
      answers_.insert_or_assign(id, message);
    }
    changed_.notify_all();
  }
  std::optional<int> status;
  if (relay_ != nullptr) status = relay_->Wait(kStopTimeout);
  std::unique_lock lock(mu_);
  dead_ = true;
  dead_reason_ = fmt::format(
      "the relay ended ({}){}",
      relay_ == nullptr ? std::string("connection closed")
      : status          ? internal::ChildProcess::DescribeStatus(*status)
                        : std::string("still running"),
      problem.empty() ? "" : ": " + problem);
  changed_.notify_all();
  DeathHandler on_dead = stopped_ ? DeathHandler() : on_dead_;
  const std::string reason = dead_reason_;
  lock.unlock();
  if (on_dead) on_dead(reason);
}

void AgentSession::SetAsyncHandlers(MessageHandler handler,
                                    DeathHandler on_dead) {
  std::lock_guard lock(mu_);
  handler_ = std::move(handler);
  on_dead_ = std::move(on_dead);
}

void AgentSession::ReadDiagnostics() {
  char buffer[4096];
  for (;;) {
    ssize_t n = read(relay_->stderr_fd(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mu_);
    if (n <= 0) {  // the relay has exited (or closed its stderr)
      stderr_closed_ = true;
      changed_.notify_all();
      return;
    }
    // Keep the latest words: they say why the relay stopped.
    stderr_.append(buffer, static_cast<size_t>(n));
    if (stderr_.size() > kDiagnosticsLimit) {
      stderr_.erase(0, stderr_.size() - kDiagnosticsLimit);
    }
    changed_.notify_all();
  }
}

Status AgentSession::Write(const Bytes& frame) {
  std::unique_lock write_lock(write_mu_);
  const int fd = write_fd_;
  size_t done = 0;
  while (fd >= 0 && done < frame.size()) {
    ssize_t n = fd == socket_fd_
                    ? send(fd, frame.data() + done, frame.size() - done,
                           MSG_NOSIGNAL)
                    : write(fd, frame.data() + done, frame.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  if (done == frame.size()) return OkStatus();
  const int error = errno;
  write_lock.unlock();
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, kDeathNoticeTimeout, [&] { return dead_; });
  return dead_ ? DeadError()
               : FailedPreconditionError(fmt::format(
                     "writing to the relay failed: {}", std::strerror(error)));
}

Status AgentSession::DeadError() const {
  return FailedPreconditionError(
      fmt::format("{}; relay said: {}", dead_reason_,
                  stderr_.empty() ? std::string("nothing") : stderr_));
}

StatusOr<Message> AgentSession::WaitAnswer(uint32_t request_id,
                                           Millis timeout) {
  std::unique_lock lock(mu_);
  bool answered = changed_.wait_for(lock, timeout, [&] {
    return answers_.count(request_id) != 0 || dead_;
  });
  auto it = answers_.find(request_id);
  if (it != answers_.end()) {
    Message answer = it->second;
    answers_.erase(it);
    return answer;
  }
  if (dead_) return DeadError();
  (void)answered;
  return FailedPreconditionError(fmt::format(
      "the agent did not answer request {} within {} ms", request_id,
      timeout.count()));
}

StatusOr<Message> AgentSession::SendRaw(const Bytes& frame,
                                        uint32_t request_id, Millis timeout) {
  WSKCONF_RETURN_IF_ERROR(Write(frame));
  return WaitAnswer(request_id, timeout);
}

Status AgentSession::Send(const Bytes& frame) { return Write(frame); }

StatusOr<Message> AgentSession::AwaitAnswer(uint32_t request_id,
                                            Millis timeout) {
  return WaitAnswer(request_id, timeout);
}

StatusOr<Message> AgentSession::Call(const MessageBuilder& call,
                                     Millis timeout) {
  uint32_t id = NextRequestId();
  WSKCONF_ASSIGN_OR_RETURN(Bytes frame, call.Encode(id, version_));
  WSKCONF_ASSIGN_OR_RETURN(Message answer, SendRaw(frame, id, timeout));
  if (answer->type == WSKA_MSG_ERROR) {
    Bytes text = answer.Blob(WSKA_TAG_TEXT);
    return InvalidArgumentError(fmt::format(
        "the agent refused {} ({}): {}", WskaFunctionName(call.function()),
        WskaErrorName(answer->error_code),
        std::string(text.begin(), text.end())));
  }
  return answer;
}

StatusOr<std::optional<Message>> AgentSession::WaitCompletion(
    uint32_t request_id, Millis timeout) {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, timeout, [&] {
    return completions_.count(request_id) != 0 || dead_;
  });
  auto it = completions_.find(request_id);
  if (it != completions_.end()) {
    std::optional<Message> completion = it->second;
    completions_.erase(it);
    return completion;
  }
  if (dead_) return DeadError();
  return std::optional<Message>();
}

StatusOr<std::optional<Message>> AgentSession::WaitEvent(Millis timeout) {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, timeout, [&] { return !events_.empty() || dead_; });
  if (!events_.empty()) {
    std::optional<Message> event = events_.front();
    events_.pop_front();
    return event;
  }
  if (dead_) return DeadError();
  return std::optional<Message>();
}

Status AgentSession::Stop() {
  if (stopped_ || (relay_ == nullptr && socket_fd_ < 0)) return OkStatus();
  stopped_ = true;
  Status result = OkStatus();
  if (alive() && reader_.joinable()) {
    auto shutdown =
        Call(MessageBuilder::Call(WSKA_FN_SHUTDOWN), kShutdownCallTimeout);
    if (!shutdown.ok()) result = shutdown.status();
  }
  // Ending the channel makes the relay remove the service and exit.
  if (socket_fd_ >= 0) shutdown(socket_fd_, SHUT_WR);
  if (relay_ == nullptr) {
    std::unique_lock lock(mu_);
    if (reader_.joinable() &&
        !changed_.wait_for(lock, kStopTimeout, [&] { return dead_; })) {
      shutdown(socket_fd_, SHUT_RDWR);  // wakes the reader
      result = InternalError("the relay did not close the connection");
    }
    return result;
  }
  relay_->CloseStdin();
  if (!relay_->Wait(kStopTimeout)) {
    const std::string said = diagnostics();  // before the kill adds to it
    relay_->Kill();
    result = InternalError(fmt::format(
        "the relay did not stop within {} ms and was killed; {}",
        kStopTimeout.count(), RelayTail(said)));
  }
  return result;
}

std::string RelayTail(const std::string& stderr_text, size_t max_bytes) {
  if (stderr_text.empty()) return "the relay said nothing on stderr";
  if (stderr_text.size() <= max_bytes) {
    return "the relay's stderr: " + stderr_text;
  }
  size_t from = stderr_text.size() - max_bytes;
  const size_t line = stderr_text.find('\n', from);
  if (line != std::string::npos && line + 1 < stderr_text.size()) {
    from = line + 1;  // whole lines only
  }
  return fmt::format("the relay's stderr (last {} of {} bytes): {}",
                     stderr_text.size() - from, stderr_text.size(),
                     stderr_text.substr(from));
}

bool AgentSession::alive() const {
  std::lock_guard lock(mu_);
  return !dead_;
}

std::string AgentSession::diagnostics() const {
  std::lock_guard lock(mu_);
  return stderr_;
}

int AgentSession::relay_pid() const {
  return relay_ != nullptr ? relay_->pid() : -1;
}

}  // namespace wskconf::agent
