// The supervised batch (see supervisor.h): a child runs the remaining cases
// with --gtest_filter; its records are read as they are written (inotify), a
// case that passes its time limit gets its process group killed, and after any
// early end the cases not yet started run in a fresh process.
#include "runner/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "runner/stop.h"
#include "runner/subprocess.h"
#include "wskconf/child_protocol.h"

namespace wskconf::conformance::internal {
namespace {

namespace cp = child_protocol;
using Clock = std::chrono::steady_clock;

// The complete lines appended to a file since the last call.
class RecordTail {
 public:
  explicit RecordTail(const std::filesystem::path& path)
      : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~RecordTail() {
    if (fd_ >= 0) close(fd_);
  }
  RecordTail(const RecordTail&) = delete;
  RecordTail& operator=(const RecordTail&) = delete;

  std::vector<Record> ReadNew() {
    char buffer[65536];
    ssize_t n;
    while (fd_ >= 0 && (n = read(fd_, buffer, sizeof buffer)) != 0) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      pending_.append(buffer, static_cast<std::size_t>(n));
    }
    std::vector<Record> records;
    std::size_t begin = 0;
    for (std::size_t end; (end = pending_.find('\n', begin)) != std::string::npos;
         begin = end + 1) {
      std::optional<Record> record =
          ParseRecord(std::string_view(pending_).substr(begin, end - begin));
      if (record) records.push_back(std::move(*record));
    }
    pending_.erase(0, begin);
    return records;
  }

 private:
  int fd_;
  std::string pending_;  // an unterminated last line, kept for the next call
};

// One child process over the cases not yet done.
struct Attempt {
  std::map<std::string, CaseOutcome> finished;
  std::optional<std::string> current;  // started, not ended
  Clock::time_point current_started;
  bool started_any = false;
  bool hung = false;
  bool interrupted = false;  // the run was stopped (RequestStop)
  ExitInfo exit;
  std::string spawn_error;
  std::set<std::string> wanted;               // the cases this attempt runs
  std::function<void(const CaseOutcome&)> on_outcome;  // BatchSpec's
};

void Consume(RecordTail& tail, Attempt& attempt, Clock::time_point& deadline,
             std::chrono::milliseconds limit) {
  for (Record& record : tail.ReadNew()) {
    const std::string& name = record.fields["name"];
    const Clock::time_point now = Clock::now();
    deadline = now + limit;
    if (record.kind == cp::kStartRecord) {
      attempt.current = name;
      attempt.current_started = now;
      attempt.started_any = true;
      continue;
    }
    CaseOutcome outcome;
    outcome.name = name;
    outcome.kind = CaseOutcome::Kind::kReported;
    outcome.result = record.fields["result"];
    outcome.message = record.fields["message"];
    outcome.seconds = std::strtod(record.fields["seconds"].c_str(), nullptr);
    outcome.properties = std::move(record.properties);
    if (attempt.on_outcome && attempt.wanted.count(name) != 0) {
      attempt.on_outcome(outcome);
    }
    attempt.finished[name] = std::move(outcome);
    attempt.current.reset();
  }
}

// Waits for the child, reading records as they come, until it ends or the
// running case (or the time between cases) passes `limit`.
void Supervise(Child& child, const std::filesystem::path& records,
               std::chrono::milliseconds limit, Attempt& attempt) {
  RecordTail tail(records);
  const int watch = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (watch >= 0) inotify_add_watch(watch, records.c_str(), IN_MODIFY);
  Clock::time_point deadline = Clock::now() + limit;
  for (;;) {
    // A negative fd (no inotify, no stop descriptor) is ignored by poll.
    struct pollfd fds[3] = {{child.pidfd(), POLLIN, 0},
                            {watch, POLLIN, 0},
                            {StopFd(), POLLIN, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    const int ready =
        poll(fds, 3, static_cast<int>(std::max<long>(0, left.count())));
    if (ready < 0 && errno == EINTR) continue;
    if ((fds[2].revents & POLLIN) != 0) {
      attempt.interrupted = true;
      child.Kill();
      break;
    }
    if (watch >= 0 && (fds[1].revents & POLLIN) != 0) {
      char events[4096];
      while (read(watch, events, sizeof events) > 0) {
      }
    }
    Consume(tail, attempt, deadline, limit);
    if ((fds[0].revents & POLLIN) != 0) break;
    if (ready == 0 && Clock::now() >= deadline) {
      attempt.hung = true;
      child.Kill();
      break;
    }
  }
  // Whatever the binary left behind in its process group goes too; the child
  // itself is a zombie until Wait, so its pid (the group id) is not reused.
  child.Kill();
  attempt.exit = child.Wait();
  Consume(tail, attempt, deadline, limit);
  if (watch >= 0) close(watch);
}

std::string JoinFilter(const std::vector<std::string>& names) {
  std::string filter = "--gtest_filter=";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i != 0) filter += ':';
    filter += names[i];
  }
  return filter;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::string text;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buffer[65536];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

// What each case printed: the lines after GoogleTest's "[ RUN      ] name"
// up to its verdict line (or the next case, or the end of a crashed
// process), keeping the last kMaxCaseOutputBytes. Nothing between cases is
// kept, so the output of a case does not depend on how cases were batched.
std::map<std::string, std::string> SplitOutput(const std::string& text) {
  static constexpr std::string_view kRun = "[ RUN      ] ";
  static constexpr std::string_view kEnds[] = {"[       OK ] ", "[  FAILED  ] ",
                                               "[  SKIPPED ] "};
  std::map<std::string, std::string> by_case;
  std::string* current = nullptr;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + begin, end - begin);
    if (line.substr(0, kRun.size()) == kRun) {
      current = &by_case[std::string(line.substr(kRun.size()))];
    } else if (current != nullptr) {
      current->append(line);
      current->push_back('\n');
      for (std::string_view end : kEnds) {
        if (line.substr(0, end.size()) == end) current = nullptr;
      }
    }
    begin = end + 1;
  }
  for (auto& [name, output] : by_case) {
    if (output.size() > kMaxCaseOutputBytes) {
      output = "[... cut ...]\n" + output.substr(output.size() - kMaxCaseOutputBytes);
    }
  }
  return by_case;
}

Attempt RunAttempt(const BatchSpec& spec, const std::vector<std::string>& names,
                   int number) {
  Attempt attempt;
  attempt.wanted.insert(names.begin(), names.end());
  attempt.on_outcome = spec.on_outcome;
  const std::filesystem::path records =
      spec.work_dir / fmt::format("records.{}", number);
  const std::filesystem::path output =
      spec.work_dir / fmt::format("output.{}", number);
  const int fd = open(records.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    attempt.spawn_error = fmt::format("cannot create '{}': {}", records.string(),
                                      std::strerror(errno));
    return attempt;
  }
  close(fd);
  SpawnSpec spawn;
  spawn.program = spec.binary;
  spawn.args = {JoinFilter(names), "--gtest_color=no"};
  spawn.env = spec.env;
  spawn.env.push_back(std::string(cp::kResultFileEnv) + "=" + records.string());
  // The case's watchdog ends a case stuck on an IRP just before this limit.
  spawn.env.push_back(fmt::format("{}={}", cp::kCaseTimeoutEnv,
                                  spec.case_timeout.count()));
  spawn.output = output;
  StatusOr<Child> child = Spawn(spawn);
  if (!child.ok()) {
    attempt.spawn_error = child.status().message();
    return attempt;
  }
  Supervise(*child, records, spec.case_timeout, attempt);
  return attempt;
}

// The outcomes an attempt settled, with their output attached; removes them
// from `remaining`.
void Settle(const Attempt& attempt, const std::filesystem::path& output,
            const BatchSpec& spec, std::set<std::string>& remaining,
            std::map<std::string, CaseOutcome>& done) {
  std::map<std::string, std::string> printed = SplitOutput(ReadFile(output));
  for (const auto& [name, outcome] : attempt.finished) {
    if (remaining.erase(name) == 0) continue;  // not ours, or already settled
    CaseOutcome& settled = done[name] = outcome;
    if (settled.result != "pass") settled.output = printed[name];
  }
  if (attempt.current && remaining.erase(*attempt.current) != 0) {
    CaseOutcome& outcome = done[*attempt.current];
    outcome.name = *attempt.current;
    outcome.seconds = std::chrono::duration<double>(
        Clock::now() - attempt.current_started).count();
    outcome.output = printed[*attempt.current];
    if (attempt.interrupted) {
      outcome.kind = CaseOutcome::Kind::kCrashed;
      outcome.message = "interrupted: the run was stopped during this case";
    } else if (attempt.hung) {
      outcome.kind = CaseOutcome::Kind::kHung;
      outcome.message = fmt::format(
          "hang: the case did not finish within its time limit of {} ms and "
          "its process was killed", spec.case_timeout.count());
    } else {
      outcome.kind = CaseOutcome::Kind::kCrashed;
      outcome.message = fmt::format("crash: the test process {} during this case",
                                    attempt.exit.ToString());
    }
    if (spec.on_outcome) spec.on_outcome(outcome);
  }
}

// Why the cases still remaining after an attempt that started none of them
// were not run.
std::string NotRunCause(const Attempt& attempt, const BatchSpec& spec) {
  if (attempt.interrupted) return "not run: the run was stopped";
  if (!attempt.spawn_error.empty()) {
    return "not run: " + attempt.spawn_error;
  }
  if (attempt.hung) {
    return fmt::format("not run: the test process started no case within {} "
                       "ms and was killed", spec.case_timeout.count());
  }
  if (!attempt.exit.signaled && attempt.exit.code == 0) {
    return "not run: the test binary did not run this case (is it a case of "
           "this binary?)";
  }
  return fmt::format("not run: the test process {} before starting this case",
                     attempt.exit.ToString());
}

}  // namespace

std::optional<Record> ParseRecord(std::string_view line) {
  Record record;
  std::size_t begin = 0;
  bool first = true;
  while (begin <= line.size()) {
    std::size_t end = line.find('\t', begin);
    if (end == std::string_view::npos) end = line.size();
    const std::string_view field = line.substr(begin, end - begin);
    begin = end + 1;
    if (first) {
      record.kind = std::string(field);
      first = false;
      if (record.kind != cp::kStartRecord && record.kind != cp::kEndRecord) {
        return std::nullopt;
      }
      continue;
    }
    const std::size_t eq = field.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::optional<std::string> key = cp::UnescapeField(field.substr(0, eq));
    std::optional<std::string> value = cp::UnescapeField(field.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    const std::string_view prefix = cp::kPropertyPrefix;
    if (key->compare(0, prefix.size(), prefix) == 0) {
      record.properties[key->substr(prefix.size())] = std::move(*value);
    } else {
      record.fields[*key] = std::move(*value);
    }
  }
  if (record.fields.count("name") == 0) return std::nullopt;
  if (record.kind == cp::kEndRecord && record.fields.count("result") == 0) {
    return std::nullopt;
  }
  return record;
}

std::vector<CaseOutcome> RunBatch(const BatchSpec& spec) {
  std::set<std::string> remaining(spec.names.begin(), spec.names.end());
  std::map<std::string, CaseOutcome> done;
  for (int number = 0; !remaining.empty(); ++number) {
    if (StopRequested()) {
      for (const std::string& name : remaining) {
        done[name] = {name, CaseOutcome::Kind::kNotRun, "",
                      "not run: the run was stopped", 0, {}, ""};
        if (spec.on_outcome) spec.on_outcome(done[name]);
      }
      break;
    }
    std::vector<std::string> names;
    for (const std::string& name : spec.names) {
      if (remaining.count(name) != 0) names.push_back(name);
    }
    const Attempt attempt = RunAttempt(spec, names, number);
    Settle(attempt, spec.work_dir / fmt::format("output.{}", number), spec,
           remaining, done);
    // Each further attempt needs progress, or a binary that dies before its
    // first case would be restarted forever.
    if (remaining.size() < names.size() && attempt.spawn_error.empty() &&
        !attempt.interrupted) {
      continue;
    }
    const std::string cause = NotRunCause(attempt, spec);
    for (const std::string& name : remaining) {
      CaseOutcome& outcome = done[name];
      outcome.name = name;
      outcome.kind = CaseOutcome::Kind::kNotRun;
      outcome.message = cause;
      if (spec.on_outcome) spec.on_outcome(outcome);
    }
    remaining.clear();
  }
  std::vector<CaseOutcome> outcomes;
  outcomes.reserve(spec.names.size());
  for (const std::string& name : spec.names) outcomes.push_back(done[name]);
  return outcomes;
}

}  // namespace wskconf::conformance::internal
