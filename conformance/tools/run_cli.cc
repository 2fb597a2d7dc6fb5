// Flags of `wskconf run` and `wskconf list` (documented in --help and
// README.md); the work is in the runner library (wskconf/runner.h).
#include "run_cli.h"

#include <unistd.h>

#include <iostream>

#include "wskconf/runner.h"

namespace wskconf::tools {

namespace wc = wskconf::conformance;

// --case-timeout bounds: below, no test process gets its first case started;
// above (a day), the limit is no limit.
constexpr double kMinCaseTimeoutSeconds = 0.1;
constexpr double kMaxCaseTimeoutSeconds = 86400;

struct RunCli::State {
  CLI::App* run = nullptr;
  CLI::App* list = nullptr;
  wc::RunOptions options;
  std::string shard;
  double case_timeout_seconds = 0;
  std::vector<std::string> binaries;
  std::string statement, junit, junit_rich, html;
};

namespace {

// Flags both commands take: what to run.
void AddSelectionFlags(CLI::App* command, wc::RunOptions& options, std::string& shard,
                       std::vector<std::string>& binaries) {
  command->add_option("--filter", options.filter,
                      "':'-separated globs over case names and clause ids; a "
                      "glob starting with '-' excludes (default: every case)");
  command->add_option("--shard", shard,
                      "run only shard I of N (0 <= I < N): case k of the "
                      "sorted case list is in shard k % N");
  command->add_option("--binary", binaries,
                      "run this GoogleTest binary (linked with "
                      "wskconf_case_main) instead of the build tree's "
                      "conformance binaries; repeatable");
  command->add_option("--spec", options.spec_dir,
                      "spec folder giving each case its clause data")
      ->capture_default_str();
}

}  // namespace

RunCli::RunCli(CLI::App& app) : state_(std::make_unique<State>()) {
  State& s = *state_;
  wc::RunOptions& o = s.options;
  o.spec_dir = WSKCONF_DEFAULT_SPEC_DIR;
  o.suite_list = WSKCONF_SUITE_LIST;
  o.reference_so = WSKCONF_REFERENCE_SO;
  o.mutant_dir = WSKCONF_MUTANT_DIR;
  s.case_timeout_seconds =
      std::chrono::duration<double>(wc::kDefaultCaseTimeout).count();

  s.run = app.add_subcommand(
      "run", "run the conformance cases against an implementation; exit 0 "
             "when every MUST clause passes, 1 when a MUST fails or a case "
             "errors, 2 for a bad command line or unusable input");
  s.run->add_option("--adapter", o.adapter,
                    "'reference' (this build's reference provider), "
                    "'mutant-<name>' (adapters/mutants/mutants.txt), 'wine' "
                    "(Wine's netio.sys through the agent, agent/README.md) or the "
                    "path of a provider .so (adapters/README.md); an adapter "
                    "that cannot be loaded is a usage error (exit 2)")
      ->required();
  s.run->add_option("--agent", o.agent,
                    "with --adapter wine: HOST:PORT (IPv4) of a relay already "
                    "running elsewhere, e.g. on a Windows test machine "
                    "('wskconf_relay.exe --tcp PORT --any --serve'); no Wine is "
                    "started, no statement applies unless --statement, and the "
                    "run stops at once (exit 2) when the relay does not answer");
  s.run->add_option("--policy", o.policy,
                    "completion policy of the reference: inline, pend or "
                    "random:SEED (passed as WSKCONF_POLICY)")
      ->capture_default_str();
  AddSelectionFlags(s.run, o, s.shard, s.binaries);
  s.run->add_option("--statement", s.statement,
                    "conformance statement: the optional features the "
                    "implementation supports (format in README.md)");
  s.run->add_option("--junit", s.junit, "write strict JUnit XML here");
  s.run->add_option("--junit-rich", s.junit_rich,
                    "write rich JUnit XML (clause properties, spec file/line)");
  s.run->add_option("--html", s.html, "write the HTML summary here");
  s.run->add_option("--jobs,-j", o.jobs, "run this many test processes at once")
      ->capture_default_str();
  s.run->add_option("--case-timeout", s.case_timeout_seconds,
                    "seconds a case may run before it is killed as a hang")
      ->capture_default_str();

  s.list = app.add_subcommand(
      "list", "print every case with its clause id, one per line");
  AddSelectionFlags(s.list, o, s.shard, s.binaries);
}

RunCli::~RunCli() = default;

bool RunCli::Parsed() const { return state_->run->parsed() || state_->list->parsed(); }

int RunCli::Execute() const {
  State& s = *state_;
  wc::RunOptions& o = s.options;
  if (!s.shard.empty()) {
    if (wc::Status st = wc::ParseShard(s.shard, o); !st.ok()) {
      std::cerr << "wskconf: error: " << st.message() << "\n";
      return wc::kRunExitUsage;
    }
  }
  // Also keeps NaN, infinity and values that overflow the milliseconds out,
  // and limits too short for a process to start (every case an ERROR).
  if (!(s.case_timeout_seconds >= kMinCaseTimeoutSeconds &&
        s.case_timeout_seconds <= kMaxCaseTimeoutSeconds)) {
    std::cerr << "wskconf: error: --case-timeout must be positive: a number of seconds from "
              << kMinCaseTimeoutSeconds << " to " << kMaxCaseTimeoutSeconds << "\n";
    return wc::kRunExitUsage;
  }
  o.case_timeout = std::chrono::milliseconds(
      static_cast<long>(s.case_timeout_seconds * 1000));
  o.binaries.assign(s.binaries.begin(), s.binaries.end());
  if (!s.statement.empty()) o.statement = s.statement;
  if (!s.junit.empty()) o.junit = s.junit;
  if (!s.junit_rich.empty()) o.junit_rich = s.junit_rich;
  if (!s.html.empty()) o.html = s.html;
  o.spec_required = (s.run->parsed() ? s.run : s.list)->count("--spec") > 0;
  o.progress_is_terminal = isatty(STDERR_FILENO) == 1;
  if (s.list->parsed()) return wc::ListCommand(o, std::cout, std::cerr);
  return wc::RunCommand(o, std::cout, std::cerr);
}

}  // namespace wskconf::tools
