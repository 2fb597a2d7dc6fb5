// Which cases a run covers: the suite's binaries, their cases, the filter and
// the shard, and the provider the `--adapter` flag names.
#include <fnmatch.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "wskconf/adapters/loader.h"

#include "runner/subprocess.h"
#include "runner/wine_route.h"
#include "wskconf/runner.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

// How long listing the cases of one binary may take.
constexpr std::chrono::milliseconds kListTimeout{30000};

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

Status ParseShard(const std::string& text, RunOptions& options) {
  const std::size_t slash = text.find('/');
  int index = -1;
  int count = 0;
  bool ok = slash != std::string::npos;
  if (ok) {
    const char* begin = text.data();
    const char* mid = begin + slash;
    const char* end = begin + text.size();
    auto [p1, e1] = std::from_chars(begin, mid, index);
    auto [p2, e2] = std::from_chars(mid + 1, end, count);
    ok = e1 == std::errc() && p1 == mid && e2 == std::errc() && p2 == end &&
         count >= 1 && index >= 0 && index < count;
  }
  if (!ok) {
    return InvalidArgumentError(fmt::format(
        "--shard '{}': expected I/N with 0 <= I < N, such as 0/2 and 1/2", text));
  }
  options.shard_index = index;
  options.shard_count = count;
  return OkStatus();
}

Status CheckPolicy(const std::string& policy) {
  static constexpr std::string_view kRandom = "random:";
  const bool random = policy.rfind(kRandom, 0) == 0 && policy.size() > kRandom.size() &&
                      policy.find_first_not_of("0123456789", kRandom.size()) ==
                          std::string::npos;
  if (policy == "inline" || policy == "pend" || random) return OkStatus();
  return InvalidArgumentError(fmt::format(
      "--policy '{}': expected inline, pend or random:SEED (SEED a decimal number)",
      policy));
}

StatusOr<std::filesystem::path> ResolveAdapter(const RunOptions& options,
                                               std::string* statement_text) {
  // Probing would register in a child process, which for the forwarding
  // adapter means starting a Wine of its own: the route checks its files.
  if (options.adapter == internal::kWineAdapterName) return internal::WineAdapterPath();
  const adapters::BuiltinPaths builtin{options.reference_so.string(),
                                       options.mutant_dir.string()};
  adapters::Result<std::string> path = adapters::ResolveAdapterName(options.adapter, builtin);
  if (!path.ok()) return NotFoundError(path.error->message);
  adapters::Result<adapters::AdapterDescription> probed = adapters::ProbeAdapter(*path.value);
  if (!probed.ok()) {
    return probed.error->kind == adapters::LoadErrorKind::kNotFound
               ? NotFoundError(probed.error->message)
               : InvalidArgumentError(probed.error->message);
  }
  if (statement_text != nullptr) *statement_text = probed.value->statement;
  return std::filesystem::path(*path.value);
}

StatusOr<std::vector<std::filesystem::path>> SuiteBinaries(
    const RunOptions& options) {
  std::vector<std::filesystem::path> binaries = options.binaries;
  if (binaries.empty()) {
    std::ifstream list(options.suite_list);
    if (!list) {
      return NotFoundError(fmt::format(
          "cannot read the suite list '{}' (written by CMake at configure "
          "time; is this a build tree with conformance binaries?)",
          options.suite_list.string()));
    }
    for (std::string line; std::getline(list, line);) {
      line = Trim(line);
      if (!line.empty() && line[0] != '#') binaries.emplace_back(line);
    }
    if (binaries.empty()) {
      return NotFoundError(fmt::format(
          "{}: lists no conformance binary", options.suite_list.string()));
    }
  }
  std::error_code ec;
  for (std::size_t i = 0; i < binaries.size(); ++i) {
    const std::filesystem::path& binary = binaries[i];
    if (!std::filesystem::is_regular_file(binary, ec) ||
        access(binary.c_str(), X_OK) != 0) {
      return NotFoundError(fmt::format(
          "test binary '{}' does not exist or is not executable (build it "
          "first)", binary.string()));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (std::filesystem::equivalent(binaries[j], binary, ec)) {
        return InvalidArgumentError(fmt::format(
            "test binary '{}' is given twice (also as '{}'); each case runs once",
            binary.string(), binaries[j].string()));
      }
    }
  }
  return binaries;
}

std::vector<std::string> ParseGtestList(const std::string& text) {
  std::vector<std::string> names;
  std::string suite;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    if (line[0] != ' ') {
      // "Suite.", possibly followed by "  # TypeParam = ..."
      const std::size_t dot = line.find('.');
      suite = dot == std::string::npos ? "" : line.substr(0, dot);
      continue;
    }
    if (suite.empty()) continue;
    std::string test = Trim(line);
    test = test.substr(0, test.find(' '));  // drop "  # GetParam() = ..."
    if (!test.empty()) names.push_back(suite + "." + test);
  }
  return names;
}

StatusOr<std::vector<std::string>> ListBinaryCases(
    const std::filesystem::path& binary) {
  char path[] = "/tmp/wskconf-list-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return FailedPreconditionError("cannot create a temporary file");
  close(fd);
  internal::SpawnSpec spec;
  spec.program = binary;
  spec.args = {"--gtest_list_tests"};
  spec.env = internal::ChildEnvironment({"GTEST_FILTER"}, {});
  spec.output = path;
  StatusOr<internal::ExitInfo> exit = internal::RunToCompletion(spec, kListTimeout);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  unlink(path);
  if (!exit.ok()) return exit.status();
  if (exit->signaled || exit->code != 0) {
    return FailedPreconditionError(fmt::format(
        "cannot list the cases of '{}': it {} when run with "
        "--gtest_list_tests; its output:\n{}",
        binary.string(), exit->ToString(), text.str()));
  }
  return ParseGtestList(text.str());
}

bool MatchesFilter(const std::string& filter, const std::string& name,
                   const std::string& clause_id) {
  if (filter.empty()) return true;
  bool included = false;
  bool any_positive = false;
  std::istringstream globs(filter);
  for (std::string glob; std::getline(globs, glob, ':');) {
    if (glob.empty()) continue;
    const bool negative = glob[0] == '-';
    if (negative) glob.erase(0, 1);
    const bool hit = fnmatch(glob.c_str(), name.c_str(), 0) == 0 ||
                     (!clause_id.empty() &&
                      fnmatch(glob.c_str(), clause_id.c_str(), 0) == 0);
    if (negative && hit) return false;
    if (!negative) {
      any_positive = true;
      included = included || hit;
    }
  }
  return included || !any_positive;
}

std::vector<TestCase> SelectShard(std::vector<TestCase> cases, int index,
                                  int count) {
  std::sort(cases.begin(), cases.end(), [](const TestCase& a, const TestCase& b) {
    // By name first, so the split does not depend on where binaries live.
    if (a.name != b.name) return a.name < b.name;
    return a.binary.filename() < b.binary.filename();
  });
  std::vector<TestCase> selected;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(count)) == index) {
      selected.push_back(cases[i]);
    }
  }
  return selected;
}

}  // namespace wskconf::conformance
