// Runs a batch of cases of one test binary under supervision: one child
// process at a time, a time limit per case, and a fresh process for the rest
// of the batch after a crash, a hang or an early exit.
#ifndef WSKCONF_CONFORMANCE_RUNNER_SUPERVISOR_H_
#define WSKCONF_CONFORMANCE_RUNNER_SUPERVISOR_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wskconf::conformance::internal {

// One record of wskconf/child_protocol.h.
struct Record {
  std::string kind;  // "start" | "end"
  std::map<std::string, std::string> fields;      // name, result, message, ...
  std::map<std::string, std::string> properties;  // prop.<key>, unescaped
};

// Parses one line (without its '\n'); nullopt if damaged.
std::optional<Record> ParseRecord(std::string_view line);

// What happened to one case.
struct CaseOutcome {
  enum class Kind {
    kReported,  // the child reported it: `result` is pass, fail or skip
    kCrashed,   // the process died during the case
    kHung,      // the case passed its time limit and was killed
    kNotRun,    // the process never started it
  };
  std::string name;
  Kind kind = Kind::kNotRun;
  std::string result;
  std::string message;  // the reported message, or the cause
  double seconds = 0;
  std::map<std::string, std::string> properties;
  std::string output;  // what the case printed (kept for non-passing cases)
};

struct BatchSpec {
  std::filesystem::path binary;
  std::vector<std::string> names;  // full case names, each run once
  std::vector<std::string> env;    // the child's environment, KEY=VALUE
  std::filesystem::path work_dir;  // private to this batch
  std::chrono::milliseconds case_timeout{10000};
  // Called (from the calling thread) as soon as each case is settled, before
  // RunBatch returns; the outcome's output is not attached yet.
  std::function<void(const CaseOutcome&)> on_outcome;
};

// Outcomes in the order of spec.names. Never fails: a process that cannot be
// started makes its cases kNotRun with the reason.
std::vector<CaseOutcome> RunBatch(const BatchSpec& spec);

// At most this much of a case's output is kept (its end).
inline constexpr std::size_t kMaxCaseOutputBytes = 8 * 1024;

}  // namespace wskconf::conformance::internal

#endif  // WSKCONF_CONFORMANCE_RUNNER_SUPERVISOR_H_
