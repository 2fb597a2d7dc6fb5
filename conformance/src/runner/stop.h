// Stopping a run early (SIGINT, SIGTERM): an eventfd every supervisor polls,
// so each running child is killed at once and the reports are still written.
#ifndef WSKCONF_CONFORMANCE_RUNNER_STOP_H_
#define WSKCONF_CONFORMANCE_RUNNER_STOP_H_

namespace wskconf::conformance::internal {

// Creates the stop descriptor if needed and clears a previous request. Call
// before starting workers or installing signal handlers.
void PrepareStop();

// The descriptor, readable once a stop was requested; -1 before PrepareStop.
int StopFd();

bool StopRequested();

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_STOP_H_
