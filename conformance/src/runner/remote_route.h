// `wskconf run --adapter wine --agent HOST:PORT`: the agent runs in a kernel
// the runner does not start (a Windows test machine, or a Wine someone else
// started), behind a relay that serves one TCP connection after another
// (`wskconf_relay.exe --tcp PORT --any --serve`). The runner cannot restart
// that side: it checks the relay answers the protocol handshake before the
// run, and after a case that ended in ERROR checks again; once the relay is
// gone the remaining cases are not run (ERROR, with the reason) instead of
// each waiting for its time limit.
#ifndef WSKCONF_CONFORMANCE_RUNNER_REMOTE_ROUTE_H_
#define WSKCONF_CONFORMANCE_RUNNER_REMOTE_ROUTE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "wskconf/reports/result.h"
#include "wskconf/runner.h"

namespace wskconf::conformance::internal {

// Where the relay listens: an IPv4 address and a TCP port.
struct AgentAddress {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;  // "HOST:PORT"
};

// "HOST:PORT" (dotted IPv4, port 1-65535 in decimal), or an error naming
// the text and what is wrong with it.
StatusOr<AgentAddress> ParseAgentAddress(std::string_view text);

// How long connecting to the relay may take (a machine that is gone from
// the network answers nothing; a closed port is refused at once).
inline constexpr std::chrono::milliseconds kRelayConnectTimeout{10000};
// How long the relay may take to answer HELLO: it accepts the next
// connection only after the agent's reset of the previous one (up to 4 s,
// more on a loaded machine).
inline constexpr std::chrono::milliseconds kRelayAnswerTimeout{30000};

// Connects to the relay, sends the protocol's HELLO and waits for its
// HELLO_REPLY, then closes the connection (the relay resets the agent and
// serves the next one). An error names the address and what went wrong.
Status ProbeRelay(const AgentAddress& address,
                  std::chrono::milliseconds connect_timeout = kRelayConnectTimeout,
                  std::chrono::milliseconds answer_timeout = kRelayAnswerTimeout);

class RemoteRoute {
 public:
  // Checks the relay at `address` answers (ProbeRelay); fails at once
  // naming the address when it does not.
  static StatusOr<std::unique_ptr<RemoteRoute>> Start(const AgentAddress& address,
                                                      std::ostream& progress);

  // What the case processes need: WSKCONF_AGENT_ADDRESS=HOST:PORT.
  std::string ChildEnvironmentEntry() const;
  // After every case: an ERROR makes the route check the relay again; when
  // it no longer answers, NotRunReason() says so from then on.
  void AfterCase(const reports::CaseResult& result);
  // Why the remaining cases are not run, or empty while the relay answers.
  std::string NotRunReason() const;
  // After the run: whether the relay went away, and after which case.
  std::string Summary() const;

 private:
  explicit RemoteRoute(AgentAddress address) : address_(std::move(address)) {}
  AgentAddress address_;
  mutable std::mutex mu_;
  std::string gone_;  // the reason, once the relay stopped answering
  std::string gone_after_;  // the case after which it was found gone
};

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_REMOTE_ROUTE_H_
