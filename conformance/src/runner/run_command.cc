// `wskconf run` and `wskconf list`: plan, execute, report progress and
// totals, write the reports, choose the exit code.
#include <signal.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <vector>

#include <fmt/format.h>

#include "runner/plan.h"
#include "runner/remote_route.h"
#include "runner/stop.h"
#include "runner/wine_route.h"
#include "wskconf/reports/reports.h"
#include "wskconf/runner.h"

namespace wskconf::conformance {
namespace {

using reports::Verdict;

struct Totals {
  std::array<int, 5> by_verdict{};
  int done = 0;

  void Add(Verdict verdict) {
    ++by_verdict[static_cast<std::size_t>(verdict)];
    ++done;
  }
  int Count(Verdict verdict) const {
    return by_verdict[static_cast<std::size_t>(verdict)];
  }
  std::string ToString() const {
    return fmt::format("{} pass, {} fail, {} warn, {} skip, {} error",
                       Count(Verdict::kPass), Count(Verdict::kFail),
                       Count(Verdict::kWarn), Count(Verdict::kSkip),
                       Count(Verdict::kError));
  }
};

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// A line per case that did not pass; on a terminal also a progress line that
// is rewritten in place, otherwise a plain progress line every 10%.
class Progress {
 public:
  Progress(std::ostream& out, bool terminal, int total)
      : out_(out), terminal_(terminal), total_(total) {}

  void Done(const reports::CaseResult& result) {
    std::lock_guard<std::mutex> lock(mutex_);
    totals_.Add(result.verdict);
    if (terminal_) out_ << "\r\033[K";
    if (result.verdict != Verdict::kPass) {
      out_ << fmt::format("{:5} {}{}: {}\n", VerdictName(result.verdict),
                          result.name,
                          result.clause_id.empty() ? "" : " [" + result.clause_id + "]",
                          FirstLine(result.message));
    }
    if (terminal_) {
      out_ << fmt::format("[{}/{}] {}", totals_.done, total_, totals_.ToString())
           << std::flush;
    } else if (total_ > 0 && totals_.done * 10 / total_ != last_tenth_) {
      last_tenth_ = totals_.done * 10 / total_;
      out_ << fmt::format("progress: {}/{} cases ({})\n", totals_.done, total_,
                          totals_.ToString());
    }
  }

  void Finish() {
    if (terminal_) out_ << "\r\033[K" << std::flush;
  }

 private:
  std::mutex mutex_;
  std::ostream& out_;
  bool terminal_;
  int total_;
  int last_tenth_ = 0;
  Totals totals_;
};

struct WantedReport {
  const char* flag;
  const std::optional<std::filesystem::path>& path;
  std::string (*write)(const reports::RunResult&);
  const char* what;
};

std::vector<WantedReport> WantedReports(const RunOptions& options) {
  return {
      {"--junit", options.junit,
       [](const reports::RunResult& r) { return reports::WriteStrictJUnit(r); },
       "strict JUnit"},
      {"--junit-rich", options.junit_rich,
       [](const reports::RunResult& r) { return reports::WriteRichJUnit(r); },
       "rich JUnit"},
      {"--html", options.html, &reports::WriteHtmlSummary, "HTML summary"},
  };
}

// Why `path` cannot take a report, or empty: checked before any case runs,
// so that a mistyped folder does not cost a whole run's results.
std::string WhyNotWritable(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.empty()) return "an empty path";
  if (std::filesystem::is_directory(path, ec)) return "is a folder; name a file in it";
  if (std::filesystem::exists(path, ec)) {
    if (access(path.c_str(), W_OK) != 0) return fmt::format("not writable ({})", strerror(errno));
    return "";
  }
  const std::filesystem::path folder =
      path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  if (!std::filesystem::exists(folder, ec)) {
    return fmt::format("folder '{}' does not exist", folder.string());
  }
  if (!std::filesystem::is_directory(folder, ec)) {
    return fmt::format("'{}' is not a folder", folder.string());
  }
  if (access(folder.c_str(), W_OK | X_OK) != 0) {
    return fmt::format("folder '{}' is not writable ({})", folder.string(), strerror(errno));
  }
  return "";
}

Status CheckReportPaths(const RunOptions& options) {
  std::map<std::filesystem::path, const char*> seen;
  for (const WantedReport& report : WantedReports(options)) {
    if (!report.path) continue;
    if (std::string why = WhyNotWritable(*report.path); !why.empty()) {
      return InvalidArgumentError(
          fmt::format("{} '{}': {}", report.flag, report.path->string(), why));
    }
    std::error_code ec;
    std::filesystem::path same = std::filesystem::weakly_canonical(*report.path, ec);
    if (ec) same = *report.path;
    if (auto [it, added] = seen.emplace(same, report.flag); !added) {
      return InvalidArgumentError(fmt::format("{} and {} both name '{}'; one would overwrite "
                                              "the other", it->second, report.flag,
                                              report.path->string()));
    }
  }
  return OkStatus();
}

// Writes each report the options ask for; one that fails does not keep the
// others from being written, and each failure is named.
Status WriteReports(const reports::RunResult& run, const RunOptions& options,
                    std::ostream& out) {
  std::string failures;
  for (const WantedReport& report : WantedReports(options)) {
    if (!report.path) continue;
    if (Status written = reports::WriteTextFile(*report.path, report.write(run));
        !written.ok()) {
      failures += (failures.empty() ? "" : "; ") + written.message();
      continue;
    }
    out << fmt::format("{}: {}\n", report.what, report.path->string());
  }
  if (!failures.empty()) return InvalidArgumentError(failures);
  return OkStatus();
}

// SIGINT and SIGTERM stop the run instead of ending the process, for the
// life of this object.
class StopOnSignals {
 public:
  StopOnSignals() {
    struct sigaction action = {};
    action.sa_handler = [](int) { RequestStop(); };
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopOnSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
};

// The defaults of a route to an agent (Wine's or one behind --agent): a
// process per case, the longer time limit, one case at a time.
void ApplyAgentRouteDefaults(RunOptions& effective, std::ostream& progress) {
  // A case that leaks an IRP the provider never completes also leaves its
  // registration in the agent; a process per case lets the agent's reset
  // (when the connection closes) clean up after every case.
  effective.cases_per_process = 1;
  // The case after a crash of winedevice.exe waits for Wine's side to
  // come back (several seconds on a loaded machine) within its own limit.
  if (effective.case_timeout == kDefaultCaseTimeout) {
    effective.case_timeout = kWineCaseTimeout;
  }
  if (effective.jobs > 1) {
    progress << "wine: one agent serves one case at a time: --jobs 1\n";
    effective.jobs = 1;
  }
}

// The relay --agent names, nullopt without --agent, or why it cannot be used.
StatusOr<std::optional<internal::AgentAddress>> AgentAddressOf(const RunOptions& options) {
  if (options.agent.empty()) return std::optional<internal::AgentAddress>();
  if (options.adapter != internal::kWineAdapterName) {
    // The wine adapter's .so named by its path would be probed with a
    // registration round of its own, which the relay cannot serve.
    const bool wine_so =
        std::filesystem::path(options.adapter).filename() == "libwskconf_adapter_wine.so";
    return InvalidArgumentError(fmt::format(
        "--agent names a relay for --adapter wine, not for --adapter {}{}",
        options.adapter, wine_so ? " (for this .so, say --adapter wine)" : ""));
  }
  WSKCONF_ASSIGN_OR_RETURN(internal::AgentAddress address,
                           internal::ParseAgentAddress(options.agent));
  return std::optional<internal::AgentAddress>(address);
}

// For its life, a write to a closed pipe (`wskconf run ... 2>&1 | head`)
// fails instead of killing the process with SIGPIPE, so the run goes on and
// its reports are written; at the end it flushes both streams while that
// still holds. A handler, not SIG_IGN: exec resets it, so the test processes
// keep the default.
class SurviveClosedPipes {
 public:
  SurviveClosedPipes(std::ostream& out, std::ostream& err) : out_(out), err_(err) {
    struct sigaction action = {};
    action.sa_handler = [](int) {};
    sigemptyset(&action.sa_mask);
    sigaction(SIGPIPE, &action, &old_);
  }
  ~SurviveClosedPipes() {
    out_.flush();
    err_.flush();
    sigaction(SIGPIPE, &old_, nullptr);
  }
  SurviveClosedPipes(const SurviveClosedPipes&) = delete;
  SurviveClosedPipes& operator=(const SurviveClosedPipes&) = delete;

 private:
  std::ostream& out_;
  std::ostream& err_;
  struct sigaction old_ = {};
};

}  // namespace

StatusOr<reports::RunResult> RunSuite(const RunOptions& given,
                                      std::ostream& progress) {
  internal::PrepareStop();
  WSKCONF_RETURN_IF_ERROR(CheckPolicy(given.policy));
  const bool is_wine = given.adapter == internal::kWineAdapterName;
  WSKCONF_ASSIGN_OR_RETURN(std::optional<internal::AgentAddress> remote,
                           AgentAddressOf(given));
  RunOptions options = given;
  // Wine's statement, measured on Wine; behind --agent (Windows) nothing
  // is declared away unless --statement says so.
  if (is_wine && !remote && !options.statement) {
    options.statement = internal::WineStatementPath();
  }
  // The relay is checked first: an unreachable one fails before the
  // (slower) listing of every binary's cases.
  std::unique_ptr<internal::RemoteRoute> relay;
  if (remote) {
    WSKCONF_ASSIGN_OR_RETURN(relay, internal::RemoteRoute::Start(*remote, progress));
  }
  WSKCONF_ASSIGN_OR_RETURN(std::filesystem::path provider,
                           ResolveAdapter(options, &options.adapter_statement));
  WSKCONF_ASSIGN_OR_RETURN(internal::Plan plan, internal::PlanRun(options, progress));
  WSKCONF_RETURN_IF_ERROR(internal::CheckSelection(plan, options));
  WSKCONF_RETURN_IF_ERROR(internal::CheckScratchFolder());
  // --adapter wine: one Wine and one relay for the run; its agent serves
  // one case process at a time. With --agent: the relay given, no Wine.
  RunOptions effective = options;
  std::unique_ptr<internal::WineRoute> wine;
  if (is_wine) {
    if (relay == nullptr) {
      WSKCONF_ASSIGN_OR_RETURN(wine, internal::WineRoute::Start(progress));
    }
    effective.child_env.push_back(relay != nullptr ? relay->ChildEnvironmentEntry()
                                                   : wine->ChildEnvironmentEntry());
    ApplyAgentRouteDefaults(effective, progress);
  }
  Progress printer(progress, options.progress_is_terminal,
                   static_cast<int>(plan.cases.size()));
  reports::RunResult run;
  run.adapter = options.adapter;
  run.policy = options.policy;
  run.cases = internal::ExecutePlan(
      plan, effective, provider,
      [&printer, &wine, &relay](const reports::CaseResult& result) {
        if (wine != nullptr) wine->AfterCase(result);
        if (relay != nullptr) relay->AfterCase(result);
        printer.Done(result);
      },
      [&relay] { return relay != nullptr ? relay->NotRunReason() : std::string(); });
  printer.Finish();
  if (wine != nullptr) progress << wine->Summary();
  if (relay != nullptr) progress << relay->Summary();
  if (plan.statement) {
    for (const std::string& line : internal::CheckClaims(*plan.statement, run.cases)) {
      progress << "wskconf: statement: " << line << "\n";
    }
  }
  return run;
}

int RunCommand(const RunOptions& options, std::ostream& out, std::ostream& err) {
  const SurviveClosedPipes survive_closed_pipes(out, err);
  if (options.jobs < 1) {
    err << "wskconf: error: --jobs must be at least 1\n";
    return kRunExitUsage;
  }
  if (options.adapter == internal::kWineAdapterName && options.policy != "inline") {
    // The report would name a policy Wine's provider never saw.
    err << "wskconf: error: --policy " << options.policy
        << ": the completion policy is the reference provider's (and its mutants'); "
           "Wine's netio.sys completes as it does, so a run against it takes none\n";
    return kRunExitUsage;
  }
  if (Status paths = CheckReportPaths(options); !paths.ok()) {
    err << "wskconf: error: " << paths.message() << "\n";
    return kRunExitUsage;
  }
  internal::PrepareStop();  // before the handlers can fire
  StatusOr<reports::RunResult> run = [&] {
    StopOnSignals stop_on_signals;
    return RunSuite(options, err);
  }();
  if (!run.ok()) {
    err << "wskconf: error: " << run.status().message() << "\n";
    return kRunExitUsage;
  }
  Totals totals;
  for (const reports::CaseResult& result : run->cases) totals.Add(result.verdict);
  out << fmt::format("{} cases against {} ({}): {}\n", run->cases.size(),
                     options.adapter, options.policy, totals.ToString());
  if (Status written = WriteReports(*run, options, out); !written.ok()) {
    err << "wskconf: error: " << written.message() << "\n";
    return kRunExitUsage;
  }
  const bool failed =
      totals.Count(Verdict::kFail) > 0 || totals.Count(Verdict::kError) > 0;
  return failed ? kRunExitFailed : kRunExitPass;
}

int ListCommand(const RunOptions& options, std::ostream& out, std::ostream& err) {
  StatusOr<internal::Plan> plan = internal::PlanRun(options, err);
  if (!plan.ok()) {
    err << "wskconf: error: " << plan.status().message() << "\n";
    return kRunExitUsage;
  }
  for (const internal::PlannedCase& planned : plan->cases) {
    out << planned.test.name << '\t'
        << (planned.meta ? planned.meta->clause_id : std::string("-")) << '\n';
  }
  return kRunExitPass;
}

}  // namespace wskconf::conformance
