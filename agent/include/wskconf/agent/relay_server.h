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
#include <string>
#include <thread>

#include "wskconf/agent/wine.h"
#include "wskconf/status.h"

namespace wskconf::agent {

namespace internal {
class ChildProcess;
}

class RelayServer {
 public:
  // Starts the relay of `agent_dir` (wskconf_relay.exe, wskconf_agent.sys)
  // in `prefix` on a free loopback port and waits until it listens (the
  // agent is loaded by then). `prefix` must outlive the server.
  static conformance::StatusOr<std::unique_ptr<RelayServer>> Start(
      const WinePrefix& prefix, std::string agent_dir);
  ~RelayServer();  // Stop()
  RelayServer(const RelayServer&) = delete;
  RelayServer& operator=(const RelayServer&) = delete;

  uint16_t port() const { return port_; }
  // "127.0.0.1:PORT", for WSKCONF_AGENT_ADDRESS.
  std::string address() const;
  // How often Wine's side was started again after it died.
  int restarts() const { return restarts_.load(); }
  // The running relay's Linux process id (-1 between restarts).
  int relay_pid() const;
  // The relays' standard error so far, and why each one ended.
  std::string diagnostics() const;
  // Waits until a relay listens again (after a restart), up to `timeout`.
  conformance::Status WaitListening(std::chrono::milliseconds timeout);

  // Kills the running relay (one that hangs, say in a call Wine never
  // returns from) and waits until Wine's side is back and listening.
  conformance::Status Restart(std::chrono::milliseconds timeout);

  // Ends the relay and every Wine process of the prefix. Idempotent.
  void Stop();

 private:
  RelayServer(const WinePrefix& prefix, std::string agent_dir, uint16_t port);
  conformance::Status Launch();  // mu_ not held
  void Supervise();
  void ReadDiagnostics(int fd, uint64_t generation);

  const WinePrefix& prefix_;
  const std::string agent_dir_;
  const uint16_t port_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::shared_ptr<internal::ChildProcess> relay_;
  uint64_t generation_ = 0;  // which relay the diagnostics are about
  bool listening_ = false;
  std::string diagnostics_;
  std::atomic<int> restarts_{0};
  std::atomic<bool> stopping_{false};
  std::thread supervisor_;
  std::thread stderr_reader_;
};

}  // namespace wskconf::agent

#endif  // WSKCONF_AGENT_RELAY_SERVER_H_
