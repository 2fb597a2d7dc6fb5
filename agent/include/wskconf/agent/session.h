// One conversation with the in-kernel agent: starts the relay under Wine
// (which installs and starts the agent), does the version handshake, sends
// calls and collects their RETURN, COMPLETION and the agent's EVENTs, and
// shuts it all down. A relay or winedevice.exe that dies ends the session
// with an error naming the exit and the relay's last words; nothing waits
// forever.
#ifndef WSKCONF_AGENT_SESSION_H_
#define WSKCONF_AGENT_SESSION_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "wskconf/agent/message.h"
#include "wskconf/agent/wine.h"

namespace wskconf::agent {

namespace internal {
class ChildProcess;
}

using Millis = std::chrono::milliseconds;

// How long the relay may take to start the agent and answer HELLO.
inline constexpr Millis kHandshakeTimeout{60000};
// How long a call's RETURN may take (the agent answers at once).
inline constexpr Millis kReturnTimeout{10000};
// How long stopping waits for the relay to remove the service.
inline constexpr Millis kStopTimeout{20000};

// How the runner talks to the relay it starts: the relay's standard
// streams, or a TCP connection to 127.0.0.1:tcp_port (the relay's --tcp,
// as on a Windows test machine).
struct RelayChannel {
  uint16_t tcp_port = 0;  // 0: standard input/output
};

// The end of a relay's standard error for an error message: at most
// `max_bytes`, from a line start, saying how much was left out ("the relay
// said nothing on stderr" when it is empty).
std::string RelayTail(const std::string& stderr_text,
                      size_t max_bytes = 2048);

class AgentSession {
 public:
  // `agent_dir` holds wskconf_relay.exe and wskconf_agent.sys.
  static StatusOr<std::unique_ptr<AgentSession>> Start(
      const WinePrefix& prefix, const std::string& agent_dir,
      RelayChannel channel = {});
  // Connects to a relay someone else started with --tcp (on a Windows test
  // machine: `wskconf_relay.exe --tcp PORT --any`) and does the handshake.
  // `host` is an IPv4 address. `max_version` caps the protocol versions
  // offered in HELLO (tests speak version 1 as an older runner would).
  static StatusOr<std::unique_ptr<AgentSession>> Connect(
      const std::string& host, uint16_t port,
      uint32_t max_version = WSKA_PROTOCOL_VERSION);
  ~AgentSession();
  AgentSession(const AgentSession&) = delete;
  AgentSession& operator=(const AgentSession&) = delete;

  // The HELLO_REPLY of the handshake.
  const Message& hello() const { return hello_; }
  // The protocol version agreed in the handshake: every message of the
  // session carries it (encode calls with it: call.Encode(id, version())).
  uint32_t version() const { return version_; }

  // Sends a call and waits for its RETURN. An ERROR from the agent, a dead
  // relay or no answer within `timeout` is an error naming the call. The
  // request id is in the RETURN (and in the COMPLETION that may follow).
  StatusOr<Message> Call(const MessageBuilder& call,
                         Millis timeout = kReturnTimeout);
  // Sends raw bytes as one request with id `request_id` and returns the
  // answer (RETURN, HELLO_REPLY or ERROR) as is: for testing the agent's
  // checks.
  StatusOr<Message> SendRaw(const Bytes& frame, uint32_t request_id,
                            Millis timeout = kReturnTimeout);
  // The two halves of SendRaw, for callers that must not hold their own
  // lock while the agent works on a call (a WskDeregister the provider
  // keeps waiting while another thread's call must get through): Send
  // writes one frame sequence (chunks and call) without interleaving;
  // AwaitAnswer waits for the RETURN, HELLO_REPLY or ERROR of `request_id`.
  // Answers are filed by request id, so several may be awaited at once.
  Status Send(const Bytes& frame);
  StatusOr<Message> AwaitAnswer(uint32_t request_id,
                                Millis timeout = kReturnTimeout);
  // The COMPLETION of request `request_id`; nullopt when the provider has
  // not completed its IRP within `timeout`; an error when the relay died.
  StatusOr<std::optional<Message>> WaitCompletion(uint32_t request_id,
                                                  Millis timeout);
  // The next EVENT; nullopt when none came within `timeout`.
  StatusOr<std::optional<Message>> WaitEvent(Millis timeout);

  // From now on COMPLETION and EVENT messages go to `handler` (called on the
  // reader thread, no lock held, in arrival order) instead of being kept for
  // WaitCompletion/WaitEvent; `on_dead` is called once, on that thread, with
  // the reason when the relay or the connection ends. The handlers must not
  // wait for another message of this session (hand work to a thread of
  // yours). Set them before the first call whose messages they should see.
  using MessageHandler = std::function<void(const Message&)>;
  using DeathHandler = std::function<void(const std::string&)>;
  void SetAsyncHandlers(MessageHandler handler, DeathHandler on_dead);

  // Asks the agent to undo everything (SHUTDOWN), closes the channel and
  // waits for the relay to stop and delete the service. Idempotent.
  Status Stop();
  bool alive() const;
  // The relay's latest standard error (its "relay: ..." lines, the last
  // 64 KiB).
  std::string diagnostics() const;
  // Thread-safe: every request of the session gets its own id.
  uint32_t NextRequestId() { return next_id_++; }
  // The relay's Linux process id (for tests that kill it); -1 when the
  // session only connected to a relay.
  int relay_pid() const;

 private:
  AgentSession() = default;
  Status Handshake(uint32_t max_version = WSKA_PROTOCOL_VERSION);
  void ReadMessages();
  void ReadDiagnostics();
  Status Write(const Bytes& frame);
  StatusOr<Message> WaitAnswer(uint32_t request_id, Millis timeout);
  Status DeadError() const;  // mu_ held
  Status WaitTcpListening(uint16_t port);
  Status ConnectTcp(const std::string& host, uint16_t port);

  std::unique_ptr<internal::ChildProcess> relay_;
  int read_fd_ = -1, write_fd_ = -1;  // the relay's stdout/stdin, or a socket
  int socket_fd_ = -1;
  std::thread reader_, stderr_reader_;
  mutable std::mutex mu_;
  std::mutex write_mu_;  // one frame sequence (chunks and call) at a time
  std::condition_variable changed_;
  std::map<uint32_t, Message> answers_, completions_;
  std::deque<Message> events_;
  MessageHandler handler_;
  DeathHandler on_dead_;
  bool dead_ = false;
  std::string dead_reason_;
  std::string stderr_;  // the relay's latest kDiagnosticsLimit bytes
  bool stderr_closed_ = false;
  std::atomic<uint32_t> next_id_{1};
  Message hello_;
  uint32_t version_ = WSKA_PROTOCOL_VERSION;
  std::atomic<bool> stopped_{false};
};

}  // namespace wskconf::agent

#endif  // WSKCONF_AGENT_SESSION_H_
