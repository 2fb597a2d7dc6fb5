// The Wine route of `wskconf run` (wine_route.h).
#include "runner/wine_route.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

#include "wskconf/agent/relay_server.h"
#include "wskconf/agent/wine.h"

#ifndef WSKCONF_WINE_ADAPTER_SO
#define WSKCONF_WINE_ADAPTER_SO ""
#endif
#ifndef WSKCONF_WINE_STATEMENT
#define WSKCONF_WINE_STATEMENT ""
#endif
#ifndef WSKCONF_AGENT_DIR
#define WSKCONF_AGENT_DIR ""
#endif

namespace wskconf::conformance::internal {

StatusOr<std::filesystem::path> WineAdapterPath() {
  const std::filesystem::path path(WSKCONF_WINE_ADAPTER_SO);
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) {
    return NotFoundError(fmt::format(
        "--adapter wine: the forwarding adapter '{}' is not built in this "
        "tree (build target wskconf_adapter_wine, and wskconf_agent_relay "
        "and wskconf_agent_driver, which need Debian's gcc-mingw-w64-x86-64)",
        path.string()));
  }
  return path;
}

std::filesystem::path WineStatementPath() { return WSKCONF_WINE_STATEMENT; }

StatusOr<std::unique_ptr<WineRoute>> WineRoute::Start(std::ostream& progress) {
  std::unique_ptr<WineRoute> route(new WineRoute());
  WSKCONF_ASSIGN_OR_RETURN(agent::WineTools tools, agent::FindWine());
  // Wine takes only an absolute WINEPREFIX.
  std::error_code ec;
  const std::string dir =
      std::filesystem::absolute(agent::DefaultPrefixDir(), ec).string();
  progress << fmt::format("wine: prefix {} (created on first use)\n", dir);
  WSKCONF_ASSIGN_OR_RETURN(route->prefix_, agent::WinePrefix::Open(tools, dir));
  WSKCONF_ASSIGN_OR_RETURN(
      route->relay_, agent::RelayServer::Start(*route->prefix_, WSKCONF_AGENT_DIR));
  progress << fmt::format("wine: agent loaded, relay listening on {}\n",
                          route->relay_->address());
  return route;
}

WineRoute::~WineRoute() {
  relay_.reset();  // before the prefix it runs in
  prefix_.reset();
}

std::string WineRoute::ChildEnvironmentEntry() const {
  return "WSKCONF_AGENT_ADDRESS=" + relay_->address();
}

std::string TableToReclaim(const agent::AgentLeftovers& l) {
  if (!l.known) return "";
  const struct {
    const char* name;
    int used, size;
  } tables[] = {{"registrations", l.registrations, l.max_registrations},
                {"sockets", l.sockets, l.max_sockets},
                {"handles", l.handles, l.max_handles},
                {"workers", l.workers, l.max_workers}};
  for (const auto& t : tables) {
    if (t.size > 0 && t.used * 100 >= t.size * kLeftoverRestartPercent) {
      return fmt::format("{} {}/{}", t.name, t.used, t.size);
    }
  }
  return "";
}

std::string NotableRelayLines(const std::string& diagnostics) {
  static constexpr std::string_view kRoutine[] = {
      "relay: waiting for the runner on TCP",
      "relay: runner connected",
      "relay: runner's side ended; cancelling the receive from the agent",
      "relay: receive from the agent ended",
      "relay: runner closed the connection",
      "relay: agent leftovers: ",
  };
  std::string notable;
  size_t start = 0;
  while (start < diagnostics.size()) {
    size_t end = diagnostics.find('\n', start);
    if (end == std::string::npos) end = diagnostics.size();
    const std::string_view line =
        std::string_view(diagnostics).substr(start, end - start);
    const bool routine = std::any_of(
        std::begin(kRoutine), std::end(kRoutine),
        [&](std::string_view r) { return line.rfind(r, 0) == 0; });
    if (!routine && !line.empty()) {
      notable.append(line);
      notable += '\n';
    }
    start = end + 1;
  }
  return notable;
}

void WineRoute::NotePeak(const agent::AgentLeftovers& l) {
  if (!l.known) return;
  peak_.known = true;
  peak_.registrations = std::max(peak_.registrations, l.registrations);
  peak_.sockets = std::max(peak_.sockets, l.sockets);
  peak_.handles = std::max(peak_.handles, l.handles);
  peak_.workers = std::max(peak_.workers, l.workers);
  peak_.max_registrations = l.max_registrations;
  peak_.max_sockets = l.max_sockets;
  peak_.max_handles = l.max_handles;
  peak_.max_workers = l.max_workers;
}

void WineRoute::AfterCase(const reports::CaseResult& result) {
  if (result.verdict == reports::Verdict::kError) {
    AfterError(result.message);
    return;
  }
  std::string why;
  const Status idle = relay_->WaitIdle(kAgentResetTimeout);
  const agent::AgentLeftovers leftovers = relay_->leftovers();
  NotePeak(leftovers);
  if (!idle.ok()) {
    why = idle.message();
  } else if (std::string table = TableToReclaim(leftovers); !table.empty()) {
    why = fmt::format("agent leftovers at {}% or more: {}",
                      kLeftoverRestartPercent, table);
  }
  if (why.empty()) return;
  ++reclaim_restarts_;
  reclaim_reasons_ += fmt::format("  after {}: {}\n", result.name, why);
  AfterError(why);
}

void WineRoute::AfterError(const std::string&) {
  constexpr std::chrono::milliseconds kRestart{120000};
  // Whatever ended the case (a hang in a call Wine never returns from, a
  // crash of winedevice.exe, an agent whose tables are full of what earlier
  // cases leaked), the next case gets a fresh Wine. A failure here shows in
  // the next cases (they cannot connect) and in Summary(); the run goes on.
  relay_->Restart(kRestart).IgnoreError();
}

std::string WineRoute::Summary() const {
  std::string peak;
  if (peak_.known) {
    peak = fmt::format(
        "wine: most agent leftovers after a case: registrations {}/{}, "
        "sockets {}/{}, handles {}/{}, workers {}/{}\n",
        peak_.registrations, peak_.max_registrations, peak_.sockets,
        peak_.max_sockets, peak_.handles, peak_.max_handles, peak_.workers,
        peak_.max_workers);
  }
  const int restarts = relay_->restarts();
  if (restarts == 0) {
    return peak + "wine: Wine's side ran the whole run without a restart\n";
  }
  std::string reclaimed;
  if (reclaim_restarts_ > 0) {
    reclaimed = fmt::format(
        "wine: {} of them before an agent table ran out (or its reset "
        "hung):\n{}",
        reclaim_restarts_, reclaim_reasons_);
  }
  return fmt::format(
      "{}wine: Wine's side was restarted {} time(s); the relays said (not "
      "counting the lines of each connection):\n{}{}",
      peak, restarts, NotableRelayLines(relay_->diagnostics()), reclaimed);
}

}  // namespace wskconf::conformance::internal
