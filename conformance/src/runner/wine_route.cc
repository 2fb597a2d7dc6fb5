// The Wine route of `wskconf run` (wine_route.h).
#include "runner/wine_route.h"

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

void WineRoute::AfterError(const std::string&) {
  constexpr std::chrono::milliseconds kRestart{120000};
  // Whatever ended the case (a hang in a call Wine never returns from, a
  // crash of winedevice.exe, an agent whose tables are full of what earlier
  // cases leaked), the next case gets a fresh Wine. A failure here shows in
  // the next cases (they cannot connect) and in Summary(); the run goes on.
  relay_->Restart(kRestart).IgnoreError();
}

std::string WineRoute::Summary() const {
  const int restarts = relay_->restarts();
  if (restarts == 0) return "wine: Wine's side ran the whole run without a restart\n";
  return fmt::format("wine: Wine's side was restarted {} time(s); the relays said:\n{}",
                     restarts, relay_->diagnostics());
}

}  // namespace wskconf::conformance::internal
