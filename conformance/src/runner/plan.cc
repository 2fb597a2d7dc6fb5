// Planning a run (which cases, in what order, settled or not) and executing
// it over a pool of supervised children.
#include "runner/plan.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "runner/subprocess.h"
#include "wskconf/child_protocol.h"
#include "runner/supervisor.h"
#include "wskconf/spec.h"

namespace wskconf::conformance::internal {
namespace {

// A batch holds at most this many cases, so a --gtest_filter stays far below
// the kernel's limit on one argument (128 KiB).
constexpr std::size_t kMaxBatchCases = 400;

bool IsDisabled(const std::string& name) {
  return name.rfind("DISABLED_", 0) == 0 ||
         name.find(".DISABLED_") != std::string::npos ||
         name.find("/DISABLED_") != std::string::npos;
}

// The clause index and the statement, both from the spec.
Status LoadSpecData(const RunOptions& options, Plan& plan, std::ostream& err) {
  StatusOr<Spec> spec = options.spec_dir.empty()
                            ? StatusOr<Spec>(NotFoundError("no spec folder given"))
                            : LoadSpecDir(options.spec_dir);
  if (!spec.ok()) {
    if (options.spec_required) {
      return FailedPreconditionError("--spec: " + spec.status().message());
    }
    if (options.statement) {
      return FailedPreconditionError(
          "the conformance statement needs the spec to check it against: " +
          spec.status().message());
    }
    err << "wskconf: warning: cases get no clause data from the spec: "
        << spec.status().message() << "\n";
    return OkStatus();
  }
  plan.clauses = ClauseIndex(*spec);
  if (options.statement) {
    WSKCONF_ASSIGN_OR_RETURN(plan.statement, LoadStatement(*options.statement, *spec));
  } else if (!options.adapter_statement.empty()) {
    WSKCONF_ASSIGN_OR_RETURN(
        plan.statement,
        ParseStatement(options.adapter_statement,
                       options.adapter + " (its WskconfAdapterInfo statement)", *spec));
  }
  return OkStatus();
}

// The result of a case that is not run, or nullopt when it runs.
std::optional<reports::CaseResult> SettleWithoutRunning(const Plan& plan,
                                                        const PlannedCase& planned) {
  CaseOutcome outcome;
  outcome.name = planned.test.name;
  outcome.kind = CaseOutcome::Kind::kReported;
  outcome.result = "skip";
  if (IsDisabled(planned.test.name)) {
    outcome.message = "disabled in the test binary (DISABLED_ prefix)";
    return ToCaseResult(outcome, planned.meta);
  }
  if (!plan.statement || !planned.meta) return std::nullopt;
  const FeatureDeclaration* unsupported =
      UnsupportedFeature(*plan.statement, planned.meta->family);
  if (unsupported == nullptr) return std::nullopt;
  outcome.message = fmt::format(
      "{} (the conformance statement {}:{} declares '{}' unsupported)",
      unsupported->reason, plan.statement->path, unsupported->line,
      planned.meta->family);
  return ToCaseResult(outcome, planned.meta);
}

struct Batch {
  std::filesystem::path binary;
  std::vector<std::size_t> cases;  // indices into the plan
};

std::vector<Batch> MakeBatches(const Plan& plan, int jobs, int max_cases) {
  std::map<std::filesystem::path, std::vector<std::size_t>> by_binary;
  std::size_t to_run = 0;
  for (std::size_t i = 0; i < plan.cases.size(); ++i) {
    if (plan.cases[i].settled) continue;
    by_binary[plan.cases[i].test.binary].push_back(i);
    ++to_run;
  }
  // Enough batches that every job has work, few enough that process starts
  // stay cheap.
  const std::size_t per_job = (to_run + jobs - 1) / std::max(jobs, 1);
  const std::size_t size = std::clamp<std::size_t>(
      per_job, 1, max_cases > 0 ? std::size_t(max_cases) : kMaxBatchCases);
  std::vector<Batch> batches;
  for (const auto& [binary, indices] : by_binary) {
    for (std::size_t begin = 0; begin < indices.size(); begin += size) {
      const std::size_t end = std::min(indices.size(), begin + size);
      batches.push_back({binary, {indices.begin() + begin, indices.begin() + end}});
    }
  }
  return batches;
}

// The folder the run's private folder goes in: $TMPDIR, else /tmp.
std::filesystem::path ScratchBase() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

// A private folder for the children's record and output files.
class WorkDir {
 public:
  WorkDir() {
    std::string pattern = (ScratchBase() / "wskconf-run-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~WorkDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

Status CheckScratchFolder() {
  std::string pattern = (ScratchBase() / "wskconf-run-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    const int error = errno;
    return FailedPreconditionError(fmt::format(
        "cannot make the run's scratch folder in '{}' ($TMPDIR, else /tmp): {}",
        ScratchBase().string(), strerror(error)));
  }
  std::error_code ec;
  std::filesystem::remove(pattern, ec);
  return OkStatus();
}

StatusOr<Plan> PlanRun(const RunOptions& options, std::ostream& err) {
  WSKCONF_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> binaries,
                           SuiteBinaries(options));
  Plan plan;
  WSKCONF_RETURN_IF_ERROR(LoadSpecData(options, plan, err));
  std::vector<TestCase> selected;
  std::map<std::string, std::filesystem::path> owner;  // reports key cases by name
  for (const std::filesystem::path& binary : binaries) {
    WSKCONF_ASSIGN_OR_RETURN(std::vector<std::string> names,
                             ListBinaryCases(binary));
    for (std::string& name : names) {
      if (auto [it, added] = owner.emplace(name, binary); !added) {
        return InvalidArgumentError(fmt::format(
            "case '{}' is in two test binaries, '{}' and '{}'; case names must "
            "be unique across the suite", name, it->second.string(), binary.string()));
      }
      std::optional<CaseMeta> meta = plan.clauses.ForCase(name);
      if (!MatchesFilter(options.filter, name, meta ? meta->clause_id : "")) {
        continue;
      }
      selected.push_back({binary, std::move(name)});
    }
  }
  plan.listed = owner.size();
  plan.matched = selected.size();
  for (TestCase& test : SelectShard(std::move(selected), options.shard_index,
                                    options.shard_count)) {
    PlannedCase planned{std::move(test), std::nullopt, std::nullopt};
    planned.meta = plan.clauses.ForCase(planned.test.name);
    planned.settled = SettleWithoutRunning(plan, planned);
    plan.cases.push_back(std::move(planned));
  }
  return plan;
}

Status CheckSelection(const Plan& plan, const RunOptions& options) {
  if (plan.listed == 0) {
    return FailedPreconditionError(
        "the test binaries list no case (each must be a GoogleTest binary that "
        "answers --gtest_list_tests; --binary or the build tree's suite.txt names them)");
  }
  if (plan.matched == 0) {
    return InvalidArgumentError(fmt::format(
        "--filter '{}' matches none of the {} cases (`wskconf list` prints their "
        "names and clause ids)", options.filter, plan.listed));
  }
  return OkStatus();
}

std::vector<reports::CaseResult> ExecutePlan(const Plan& plan,
                                             const RunOptions& options,
                                             const std::filesystem::path& provider,
                                             const CaseDone& done,
                                             const NotRunReason& not_run) {
  std::vector<reports::CaseResult> results(plan.cases.size());
  std::mutex mutex;
  for (std::size_t i = 0; i < plan.cases.size(); ++i) {
    if (!plan.cases[i].settled) continue;
    results[i] = *plan.cases[i].settled;
    done(results[i]);
  }
  const std::vector<Batch> batches = MakeBatches(plan, options.jobs, options.cases_per_process);
  std::vector<std::string> added = {"WSKCONF_PROVIDER=" + provider.string(),
                                    "WSKCONF_POLICY=" + options.policy};
  added.insert(added.end(), options.child_env.begin(), options.child_env.end());
  const std::vector<std::string> env = ChildEnvironment(
      {"GTEST_FILTER", "GTEST_SHARD_INDEX", "GTEST_TOTAL_SHARDS", "GTEST_OUTPUT",
       "GTEST_ALSO_RUN_DISABLED_TESTS", "GTEST_REPEAT", "GTEST_SHUFFLE",
       "GTEST_BREAK_ON_FAILURE", "GTEST_FAIL_FAST",
       // Set per attempt by the supervisor; an inherited copy would shadow it.
       child_protocol::kResultFileEnv, child_protocol::kCaseTimeoutEnv},
      added);
  WorkDir work;
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t b; (b = next.fetch_add(1)) < batches.size();) {
      if (std::string reason = not_run ? not_run() : ""; !reason.empty()) {
        std::lock_guard<std::mutex> lock(mutex);
        for (std::size_t i : batches[b].cases) {
          const CaseOutcome outcome{plan.cases[i].test.name, CaseOutcome::Kind::kNotRun,
                                    "", reason, 0, {}, ""};
          results[i] = ToCaseResult(outcome, plan.cases[i].meta, &plan.clauses);
          done(results[i]);
        }
        continue;
      }
      BatchSpec spec;
      spec.binary = batches[b].binary;
      for (std::size_t i : batches[b].cases) spec.names.push_back(plan.cases[i].test.name);
      spec.env = env;
      spec.work_dir = work.path() / fmt::format("batch.{}", b);
      spec.case_timeout = options.case_timeout;
      std::map<std::string, std::size_t> index;  // case name -> plan index
      for (std::size_t i : batches[b].cases) index[plan.cases[i].test.name] = i;
      spec.on_outcome = [&](const CaseOutcome& outcome) {
        const std::size_t i = index.at(outcome.name);
        std::lock_guard<std::mutex> lock(mutex);
        done(ToCaseResult(outcome, plan.cases[i].meta, &plan.clauses));
      };
      std::error_code ec;
      std::filesystem::create_directories(spec.work_dir, ec);
      const std::vector<CaseOutcome> outcomes = RunBatch(spec);
      std::lock_guard<std::mutex> lock(mutex);
      for (std::size_t k = 0; k < outcomes.size(); ++k) {
        const std::size_t i = batches[b].cases[k];
        results[i] = ToCaseResult(outcomes[k], plan.cases[i].meta, &plan.clauses);
      }
    }
  };
  std::vector<std::thread> threads;
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(batches.size())));
  for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();
  return results;
}

}  // namespace wskconf::conformance::internal
