// The relay as a long-lived server for many runner connections: started
// once in a Wine prefix with `--tcp PORT --serve`, it carries one TCP
// connection after another to the agent (each gets a freshly reset agent).
// When the relay or winedevice.exe dies, Wine's side is ended
// (wineserver -k) and started again on the same port, so the next
// connection finds an agent again. `wskconf run --adapter wine` keeps one
// for the whole run and gives its address to the case processes.
#ifndef WSKCONF_AGENT_RELAY_SERVER_H_
#define WSKCONF_AGENT_RELAY_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "wskconf/agent/wine.h"
#include "wskconf/status.h"

namespace wskconf::agent {

namespace internal {
class ChildProcess;
}

// What the agent's tables hold after the reset that ended a connection, as
// the relay says before each connection ("relay: agent leftovers:
// registrations 3/64, sockets 2/256, handles 0/64, workers 0/16"): what
// earlier connections left that the reset could not reclaim (a socket whose
// close Wine never completed keeps its registration; a worker stuck inside
// the provider keeps its own). `known` is false when the relay could not
// ask the agent ("relay: agent leftovers: unknown (error N)").
struct AgentLeftovers {
  bool known = false;
  int registrations = 0, max_registrations = 0;
  int sockets = 0, max_sockets = 0;
  int handles = 0, max_handles = 0;
  int workers = 0, max_workers = 0;
};

// The leftovers a relay's standard-error line reports, or nullopt when the
// line is not such a report (or is malformed: a count above its table's
// size, a table of size 0).
std::optional<AgentLeftovers> ParseLeftoversLine(std::string_view line);

class RelayServer {
 public:
  // Starts the relay of `agent_dir` (wskconf_relay.exe, wskconf_agent.sys)
  // in `prefix` on a free loopback port and waits until it listens (the
  // agent is loaded by then). `prefix` must outlive the server. A relay
  // that ends before it listens (its port was taken meanwhile) is started
  // again on another port, twice at most. `first_port` (0: a free one
  // below the ephemeral range) is where the first relay tries.
  static conformance::StatusOr<std::unique_ptr<RelayServer>> Start(
      const WinePrefix& prefix, std::string agent_dir,
      uint16_t first_port = 0);
  ~RelayServer();  // Stop()
  RelayServer(const RelayServer&) = delete;
  RelayServer& operator=(const RelayServer&) = delete;

  // The port the relays listen on (fixed once the first relay listened).
  uint16_t port() const { return port_.load(); }
  // "127.0.0.1:PORT", for WSKCONF_AGENT_ADDRESS.
  std::string address() const;
  // How often Wine's side was started again after it died.
  int restarts() const;
  // The running relay's Linux process id (-1 between restarts).
  int relay_pid() const;
  // The relays' standard error so far, and why each one ended.
  std::string diagnostics() const;
  // Waits until Wine's side has been started again more than `seen` times
  // (restarts() before the caller killed something) and that relay
  // listens, up to `timeout`. A relay still listening from before a kill
  // does not count, however soon this is called after it.
  conformance::Status WaitRestarted(int seen,
                                    std::chrono::milliseconds timeout);

  // Kills the running relay (one that hangs, say in a call Wine never
  // returns from) and waits until Wine's side is back and listening.
  conformance::Status Restart(std::chrono::milliseconds timeout);

  // Waits until the running relay has reported the agent's leftovers after
  // the last connection it accepted (the agent's reset of that connection
  // is then done), up to `timeout`; an error if it has not by then, or if
  // no relay runs. Called after a case process ended, whose connections
  // are closed by then: a connection whose "runner connected" line the
  // relay wrote but this server has not read yet is not waited for (it is
  // read within moments; the next case's check sees its report).
  conformance::Status WaitIdle(std::chrono::milliseconds timeout);
  // The last leftovers the running relay reported (not known before its
  // first report).
  AgentLeftovers leftovers() const;

  // Ends the relay and every Wine process of the prefix. Idempotent.
  void Stop();

 private:
  RelayServer(const WinePrefix& prefix, std::string agent_dir, uint16_t port);
  conformance::Status Launch();  // mu_ not held
  // Until a relay listens, or the start failed or was stopped (mu_ held).
  conformance::Status WaitListeningLocked(std::unique_lock<std::mutex>& lock,
                                          std::chrono::milliseconds timeout);
  void Supervise();
  // After a relay ended: whether to launch another (on a new port while
  // none has listened yet); false ends the supervisor.
  bool PrepareRelaunch();
  void ReadDiagnostics(int fd, uint64_t generation);
  void HandleLineLocked(std::string_view line);  // the running relay's

  const WinePrefix& prefix_;
  const std::string agent_dir_;
  std::atomic<uint16_t> port_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::shared_ptr<internal::ChildProcess> relay_;
  uint64_t generation_ = 0;  // which relay the diagnostics are about
  uint64_t ended_ = 0;       // the last relay seen to end
  std::string partial_line_;  // the current relay's unfinished line
  bool session_open_ = false;  // connected, leftovers not reported yet
  bool reported_ = false;      // the current relay reported leftovers
  AgentLeftovers leftovers_;
  bool listening_ = false;
  bool listened_once_ = false;  // the port is fixed from then on
  int failed_starts_ = 0;       // relays that ended before listening
  bool start_failed_ = false;   // gave up: no relay listened
  std::string diagnostics_;
  int restarts_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread supervisor_;
  std::thread stderr_reader_;
};

}  // namespace wskconf::agent

#endif  // WSKCONF_AGENT_RELAY_SERVER_H_
