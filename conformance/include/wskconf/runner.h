// The `wskconf run` and `wskconf list` runner: finds the conformance test
// binaries of a build tree, lists their cases, runs them in supervised child
// processes (a crash or a hang becomes an ERROR verdict for that case and the
// run goes on in a fresh process) and turns what they report into the result
// model of wskconf/reports/result.h. Tooling: errors are Status values.
#ifndef WSKCONF_RUNNER_H_
#define WSKCONF_RUNNER_H_

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "wskconf/reports/result.h"
#include "wskconf/status.h"

namespace wskconf::conformance {

// One GoogleTest case of one binary; `name` is the full name Suite.Test/Param.
struct TestCase {
  std::filesystem::path binary;
  std::string name;
  friend auto operator<=>(const TestCase&, const TestCase&) = default;
};

// Per-case time limit when none is given: a case past it is killed and
// reported as ERROR (hang).
inline constexpr std::chrono::milliseconds kDefaultCaseTimeout{10000};
// The default under --adapter wine, where a case may first wait for Wine's
// side to restart after the previous case crashed it.
inline constexpr std::chrono::milliseconds kWineCaseTimeout{30000};

struct RunOptions {
  // "reference" (the reference provider of this build tree), "mutant-<name>"
  // (a mutant of adapters/mutants in `mutant_dir`) or the path of a provider
  // .so; probed by the adapter loader, then given to the test binaries as
  // WSKCONF_PROVIDER.
  std::string adapter = "reference";
  std::string policy = "inline";  // inline | pend | random:SEED
  // With adapter "wine": "HOST:PORT" of a relay someone else started
  // (`wskconf_relay.exe --tcp PORT --any --serve`, on a Windows test
  // machine): no Wine is started, the case processes connect there, and no
  // conformance statement applies unless `statement` names one. Empty: the
  // runner starts Wine and its relay itself.
  std::string agent;
  // ':'-separated shell globs (fnmatch); a case runs when one matches its
  // name or its clause id. A glob starting with '-' excludes instead. Empty:
  // every case.
  std::string filter;
  std::optional<std::filesystem::path> statement;
  std::optional<std::filesystem::path> junit;
  std::optional<std::filesystem::path> junit_rich;
  std::optional<std::filesystem::path> html;
  int jobs = 1;
  int shard_index = 0;  // 0-based, < shard_count
  int shard_count = 1;
  std::chrono::milliseconds case_timeout = kDefaultCaseTimeout;
  // Test binaries to run; empty: those listed in `suite_list`.
  std::vector<std::filesystem::path> binaries;
  // The list of conformance binaries CMake writes into the build tree, one
  // path per line.
  std::filesystem::path suite_list;
  // The spec folder: gives each case its clause, strength and location when
  // the case did not record them (it crashed first), and the features a
  // conformance statement may name.
  std::filesystem::path spec_dir;
  // Set when the user named `spec_dir` (--spec): a spec that cannot be
  // loaded then stops the run instead of being warned about.
  bool spec_required = false;
  // The reference provider .so of this build tree (empty: not built).
  std::filesystem::path reference_so;
  // The folder of the mutant .so files (libwskconf_mutant_<name>.so).
  std::filesystem::path mutant_dir;
  // The conformance statement text the adapter describes itself with
  // (WskconfAdapterInfo); used when `statement` is not given. Set by
  // RunSuite from the probe.
  std::string adapter_statement;
  // At most this many cases per test process (0: the runner's own limit).
  // 1 for a provider whose state outlives a case inside the process.
  int cases_per_process = 0;
  // KEY=VALUE entries added to every case process's environment.
  std::vector<std::string> child_env;
  // Progress: a rewritten line on a terminal, plain lines otherwise.
  bool progress_is_terminal = false;
};

// Exit codes of `wskconf run` and `wskconf list` (README.md).
inline constexpr int kRunExitPass = 0;     // every MUST clause passed
inline constexpr int kRunExitFailed = 1;   // a MUST failed or a case errored
inline constexpr int kRunExitUsage = 2;    // bad command line or unusable input

// "--shard I/N" into options.shard_index / shard_count.
Status ParseShard(const std::string& text, RunOptions& options);

// OK for "inline", "pend" and "random:SEED" (SEED: decimal digits).
Status CheckPolicy(const std::string& policy);

// The provider .so `adapter` names ("reference", "mutant-<name>", "wine" --
// this build's forwarding adapter, agent/adapter, not probed: that would
// start Wine -- or a path),
// checked by the adapter loader's probe (adapters::ProbeAdapter: ELF, symbols,
// ABI version, one registration round in a child process). The error is the
// loader's one line. Sets `statement_text` to the statement the adapter
// describes itself with, when it has one and the pointer is not null.
StatusOr<std::filesystem::path> ResolveAdapter(const RunOptions& options,
                                               std::string* statement_text = nullptr);

// The binaries of options.binaries, else those of the suite list.
StatusOr<std::vector<std::filesystem::path>> SuiteBinaries(
    const RunOptions& options);

// Every case of `binary` (it is run with --gtest_list_tests), in its order.
StatusOr<std::vector<std::string>> ListBinaryCases(
    const std::filesystem::path& binary);

// Parses GoogleTest's --gtest_list_tests output into full case names.
std::vector<std::string> ParseGtestList(const std::string& text);

// True when `name` matches the ':'-separated globs of `filter` (see
// RunOptions::filter); `clause_id` is matched too when not empty.
bool MatchesFilter(const std::string& filter, const std::string& name,
                   const std::string& clause_id);

// The cases of shard `index` of `count`: case i of the sorted list belongs
// to shard i % count, so the shards partition the list deterministically.
std::vector<TestCase> SelectShard(std::vector<TestCase> cases, int index,
                                  int count);

// Runs the selected cases and returns what happened, one CaseResult per case
// in sorted order. Writes progress to `progress`. Fails only for unusable
// input (no binaries, no such adapter, a statement that cannot be used).
StatusOr<reports::RunResult> RunSuite(const RunOptions& options,
                                      std::ostream& progress);

// Stops the run in progress; async-signal-safe (RunCommand calls it on SIGINT
// and SIGTERM). Running cases are killed and become ERROR (interrupted), the
// rest ERROR (not run), and RunSuite returns the complete result as usual.
void RequestStop();

// `wskconf run`: RunSuite, the reports, a totals line. Returns an exit code.
// SIGINT and SIGTERM stop the run (RequestStop) and the reports are still
// written.
int RunCommand(const RunOptions& options, std::ostream& out, std::ostream& err);

// `wskconf list`: every case with its clause id, one per line. Returns an
// exit code.
int ListCommand(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace wskconf::conformance

#endif  // WSKCONF_RUNNER_H_
