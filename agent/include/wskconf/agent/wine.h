// Wine for the agent route: where Debian's wine64 keeps its programs, and a
// Wine prefix of wskconf's own, created on first use (wineboot) and reused
// after, with first-boot setup finished (wineserver -w) before anyone
// starts a service in it.
#ifndef WSKCONF_AGENT_WINE_H_
#define WSKCONF_AGENT_WINE_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "wskconf/status.h"

namespace wskconf::agent {

struct WineTools {
  std::string wine64;
  std::string wineserver;
};

// $WSKCONF_WINE64/$WSKCONF_WINESERVER if set, else /usr/lib/wine (Debian's
// wine64 package, which puts nothing on PATH), else PATH. The error says
// what was looked for and which package provides it.
conformance::StatusOr<WineTools> FindWine();

// $WSKCONF_WINE_PREFIX, else $XDG_CACHE_HOME/wskconf/wine-prefix, else
// $HOME/.cache/wskconf/wine-prefix.
std::string DefaultPrefixDir();

// A prefix held for exclusive use: an flock on <dir>.lock keeps a second
// wskconf process (or test) out until this one is destroyed, since both
// would install the same service.
class WinePrefix {
 public:
  // Creates the prefix if it has no system.reg yet (about 15-30 s on 2
  // cores), then waits for Wine's setup to finish. Waits up to
  // `lock_timeout` for another holder of the prefix.
  static conformance::StatusOr<std::unique_ptr<WinePrefix>> Open(
      WineTools tools, std::string dir,
      std::chrono::milliseconds lock_timeout = std::chrono::seconds(120));
  ~WinePrefix();
  WinePrefix(const WinePrefix&) = delete;
  WinePrefix& operator=(const WinePrefix&) = delete;

  const WineTools& tools() const { return tools_; }
  const std::string& dir() const { return dir_; }
  // Environment entries for programs run in this prefix: WINEPREFIX, no
  // debug channels, no Mono/Gecko prompts. DISPLAY is unset separately.
  std::vector<std::string> Environment() const;
  // wineserver -w: waits until every process of the prefix has ended.
  conformance::Status WaitIdle(std::chrono::milliseconds timeout) const;
  // wineserver -k: ends every process of the prefix (winedevice.exe too).
  conformance::Status Kill() const;

 private:
  WinePrefix(WineTools tools, std::string dir, int lock_fd);
  conformance::Status Initialize() const;
  WineTools tools_;
  std::string dir_;
  int lock_fd_;
};

}  // namespace wskconf::agent

#endif  // WSKCONF_AGENT_WINE_H_
