// `wskconf run --adapter wine`: Wine's side for a whole run. One Wine
// prefix (created on first use, reused), one relay serving the case
// processes one after another on a loopback port (their address goes to
// them as WSKCONF_AGENT_ADDRESS), restarted with Wine when it dies, and
// ended with the run.
#ifndef WSKCONF_CONFORMANCE_RUNNER_WINE_ROUTE_H_
#define WSKCONF_CONFORMANCE_RUNNER_WINE_ROUTE_H_

#include <chrono>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "wskconf/agent/relay_server.h"
#include "wskconf/reports/result.h"
#include "wskconf/runner.h"

namespace wskconf::agent {
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

// Wine's side is restarted before the next case once any of the agent's
// tables (registrations, sockets, handles, workers) holds at least this
// percentage of its slots in leftovers of earlier cases (the relay reports
// them after each connection). Half: one case leaks a few slots at most,
// so a table never runs out, and a restart (seconds) comes every few
// hundred failing cases rather than after every one.
inline constexpr int kLeftoverRestartPercent = 50;
// How long the route waits after a case for the relay to report the
// agent's reset of that case's connection (the reset waits up to 2 s for
// closes and 2 s for workers; more on a loaded machine). Past it Wine's
// side is restarted: a reset that does not end is stuck in the provider.
inline constexpr std::chrono::milliseconds kAgentResetTimeout{30000};

// The first table at or past kLeftoverRestartPercent, as "registrations
// 32/64"; empty when none is, or when the leftovers are not known.
std::string TableToReclaim(const agent::AgentLeftovers& leftovers);

// The relays' standard error without the lines every connection brings
// (waiting, connected, its end, the leftovers report): what Summary()
// shows, so a long run's summary names why Wine's side restarted instead
// of thousands of routine lines.
std::string NotableRelayLines(const std::string& diagnostics);

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
  // After every case: AfterError for an ERROR; otherwise waits until the
  // agent's reset of the case's connection is done and restarts Wine's
  // side when a table is past kLeftoverRestartPercent (TableToReclaim),
  // or when the reset did not end within kAgentResetTimeout.
  void AfterCase(const reports::CaseResult& result);
  // After the run: how often Wine's side was restarted, and the relays'
  // diagnostics when it was.
  std::string Summary() const;

 private:
  WineRoute() = default;
  void NotePeak(const agent::AgentLeftovers& leftovers);
  std::unique_ptr<agent::WinePrefix> prefix_;
  std::unique_ptr<agent::RelayServer> relay_;
  agent::AgentLeftovers peak_;  // per table, the most seen after a case
  int reclaim_restarts_ = 0;  // restarts before a table ran out
  std::string reclaim_reasons_;  // one line per such restart
};

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_WINE_ROUTE_H_
