// `wskconf run --adapter wine`: Wine's side for a whole run. One Wine
// prefix (created on first use, reused), one relay serving the case
// processes one after another on a loopback port (their address goes to
// them as WSKCONF_AGENT_ADDRESS), restarted with Wine when it dies, and
// ended with the run.
#ifndef WSKCONF_CONFORMANCE_RUNNER_WINE_ROUTE_H_
#define WSKCONF_CONFORMANCE_RUNNER_WINE_ROUTE_H_

#include <filesystem>
#include <memory>
#include <ostream>

#include "wskconf/runner.h"

namespace wskconf::agent {
class RelayServer;
class WinePrefix;
}  // namespace wskconf::agent

namespace wskconf::conformance::internal {

// The adapter name that selects this route.
inline constexpr char kWineAdapterName[] = "wine";

// This build's forwarding adapter .so, or why it is not there.
StatusOr<std::filesystem::path> WineAdapterPath();

// Wine's conformance statement in this source tree
// (agent/adapter/wine-statement.txt), used when --statement is not given.
std::filesystem::path WineStatementPath();

class WineRoute {
 public:
  // Finds Wine, opens the prefix, starts the relay; `progress` hears what
  // takes time (a first-use prefix takes 15-60 s).
  static StatusOr<std::unique_ptr<WineRoute>> Start(std::ostream& progress);
  ~WineRoute();  // ends the relay and every Wine process of the prefix

  // What the case processes need: WSKCONF_AGENT_ADDRESS=127.0.0.1:PORT.
  std::string ChildEnvironmentEntry() const;
  // After a case ended in ERROR (a hang, a crash of winedevice.exe, an
  // agent left full by earlier cases): restarts Wine's side and returns when
  // the relay listens again, so the next case starts from a fresh Wine and
  // does not spend its time limit waiting for it.
  void AfterError(const std::string& message);
  // After the run: how often Wine's side was restarted, and the relays'
  // diagnostics when it was.
  std::string Summary() const;

 private:
  WineRoute() = default;
  std::unique_ptr<agent::WinePrefix> prefix_;
  std::unique_ptr<agent::RelayServer> relay_;
};

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_WINE_ROUTE_H_
