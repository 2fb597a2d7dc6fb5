// main() of every conformance test binary (target wskconf_case_main, used in
// place of gtest_main). Without WSKCONF_RESULT_FILE it is plain GoogleTest;
// with it, a listener appends the records of wskconf/child_protocol.h so the
// `wskconf run` supervisor learns each verdict even if the process dies later.
// With WSKCONF_CASE_TIMEOUT_MS it also ends a case that is about to run out
// of time while an IRP it handed over is still not completed: a FAIL that
// names the IRP, rather than a hang the supervisor can only kill.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "wskconf/child_protocol.h"
#include "wskconf/outstanding.h"

namespace {

namespace cp = wskconf::conformance::child_protocol;
namespace outstanding = wskconf::conformance::outstanding;
using Clock = std::chrono::steady_clock;

// The clause an IRP that never completes breaks, whatever the case's own.
constexpr char kNeverCompletedClause[] =
    "Irp.CompletionContract.CompletedExactlyOnce";

std::string FullName(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
}

// What a failing assertion said, with a first line (the one consoles and CI
// show) that says what went wrong instead of only where: ADD_FAILURE() and
// FAIL() put a bare "Failed" line before the text streamed into them, which
// is dropped; EXPECT_TRUE of an AssertionResult explains itself only on its
// second line ("Value of: E" / "  Actual: false (WHY)"), so "E: WHY" comes
// first and the assertion's own lines follow.
std::string PartText(const testing::TestPartResult& part) {
  std::string_view text = part.message();
  if (part.type() == testing::TestPartResult::kSkip) return std::string(text);
  constexpr std::string_view kBareFailed = "Failed\n";
  if (text.starts_with(kBareFailed) && text.size() > kBareFailed.size()) {
    return std::string(text.substr(kBareFailed.size()));
  }
  constexpr std::string_view kValueOf = "Value of: ";
  constexpr std::string_view kActualFalse = "\n  Actual: false (";
  const std::size_t actual = text.find(kActualFalse);
  if (!text.starts_with(kValueOf) || actual == std::string_view::npos ||
      text.substr(0, actual).find('\n') != std::string_view::npos) {
    return std::string(text);
  }
  const std::size_t why = actual + kActualFalse.size();
  const std::size_t end = text.find(")\n", why);
  if (end == std::string_view::npos) return std::string(text);
  return fmt::format("{}: {}\n{}", text.substr(kValueOf.size(), actual - kValueOf.size()),
                     text.substr(why, end - why), text);
}

// What the failing or skipping assertions said, one per line, located.
std::string PartMessages(const testing::TestResult& result) {
  std::string message;
  for (int i = 0; i < result.total_part_count(); ++i) {
    const testing::TestPartResult& part = result.GetTestPartResult(i);
    if (part.type() == testing::TestPartResult::kSuccess) continue;
    if (!message.empty()) message += '\n';
    if (part.file_name() != nullptr && part.type() != testing::TestPartResult::kSkip) {
      message += part.file_name();
      message += ':';
      message += std::to_string(part.line_number());
      message += ": ";
    }
    message += PartText(part);
  }
  return message;
}

// Appends the records; with a time limit, a watchdog thread ends the case
// that is about to pass it while the implementation holds one of its IRPs.
class RecordWriter : public testing::EmptyTestEventListener {
 public:
  RecordWriter(int fd, std::optional<std::chrono::milliseconds> limit)
      : fd_(fd), limit_(limit) {
    if (limit_) watchdog_ = std::thread([this] { Watch(); });
  }
  ~RecordWriter() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (watchdog_.joinable()) watchdog_.join();
    close(fd_);
  }

  void OnTestStart(const testing::TestInfo& info) override {
    std::lock_guard lock(mu_);
    if (sealed_) return;
    current_ = FullName(info);
    started_ = Clock::now();
    Write(std::string(cp::kStartRecord) + "\tname=" + cp::EscapeField(*current_) +
          "\n");
    changed_.notify_all();
  }

  void OnTestEnd(const testing::TestInfo& info) override {
    const testing::TestResult& result = *info.result();
    const char* verdict = result.Skipped()  ? "skip"
                          : result.Failed() ? "fail"
                                            : "pass";
    std::string line = std::string(cp::kEndRecord) + "\tname=" +
                       cp::EscapeField(FullName(info)) + "\tresult=" + verdict +
                       "\tseconds=" +
                       std::to_string(result.elapsed_time() / 1000.0);
    line += "\tmessage=" + cp::EscapeField(PartMessages(result));
    for (int i = 0; i < result.test_property_count(); ++i) {
      const testing::TestProperty& property = result.GetTestProperty(i);
      line += '\t';
      line += cp::kPropertyPrefix;
      line += cp::EscapeField(property.key());
      line += '=';
      line += cp::EscapeField(property.value());
    }
    std::lock_guard lock(mu_);
    if (sealed_) return;  // the watchdog ended this case already
    current_.reset();
    Write(line + "\n");
    changed_.notify_all();
  }

 private:
  // Fires shortly before the supervisor's limit, leaving it time to read
  // the record: a tenth of the limit, within [0.5 s, 3 s].
  std::chrono::milliseconds Margin() const {
    return std::clamp(*limit_ / 10, std::chrono::milliseconds(500),
                      std::chrono::milliseconds(3000));
  }

  void Watch() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      if (!current_) {
        changed_.wait(lock);
        continue;
      }
      const std::string name = *current_;
      const Clock::time_point fire = started_ + *limit_ - Margin();
      if (changed_.wait_until(lock, fire, [&] {
            return stopping_ || current_ != name;
          })) {
        continue;
      }
      EndStuckCase(name, lock);
      // Nothing outstanding: wait for this case to end (or be killed).
      changed_.wait(lock, [&] { return stopping_ || current_ != name; });
    }
  }

  // Called with mu_ held at the watchdog's deadline. With an IRP still
  // outstanding, writes the case's FAIL and ends the process; otherwise
  // says so in the output and leaves the case to the supervisor (a hang).
  void EndStuckCase(const std::string& name, std::unique_lock<std::mutex>&) {
    const std::vector<outstanding::Item> items = outstanding::Unfinished();
    if (items.empty()) {
      std::printf("wskconf_case_main: %s is about to pass its time limit of "
                  "%lld ms with no IRP outstanding: it is blocked elsewhere "
                  "(the supervisor will end it as a hang)\n",
                  name.c_str(), static_cast<long long>(limit_->count()));
      std::fflush(stdout);
      return;
    }
    const std::string message = StuckMessage(items);
    std::printf("wskconf_case_main: %s\n", message.c_str());
    std::fflush(stdout);
    const double seconds =
        std::chrono::duration<double>(Clock::now() - started_).count();
    Write(std::string(cp::kEndRecord) + "\tname=" + cp::EscapeField(name) +
          "\tresult=fail\tseconds=" + std::to_string(seconds) +
          "\tmessage=" + cp::EscapeField(message) + "\t" +
          cp::kPropertyPrefix + "violated_clause=" +
          cp::EscapeField(kNeverCompletedClause) + "\n");
    sealed_ = true;
    std::_Exit(cp::kWatchdogExitStatus);
  }

  std::string StuckMessage(const std::vector<outstanding::Item>& items) const {
    auto seconds = [](Clock::duration d) {
      return std::chrono::duration<double>(d).count();
    };
    std::string message = fmt::format(
        "the implementation never completed {} (handed over {:.1f} s "
        "before), and the case could not finish within its time limit of "
        "{} ms ({})",
        items[0].what, seconds(items[0].waited), limit_->count(),
        kNeverCompletedClause);
    for (std::size_t i = 1; i < items.size(); ++i) {
      message += fmt::format("; also outstanding: {} ({:.1f} s)", items[i].what,
                             seconds(items[i].waited));
    }
    return message + fmt::format(
        ". The case was ended {} ms before the limit so that it fails on "
        "that IRP instead of being killed as a hang.", Margin().count());
  }

  // One write(2) per record (O_APPEND): nothing is buffered in this process.
  void Write(const std::string& line) {
    std::size_t done = 0;
    while (done < line.size()) {
      const ssize_t n = write(fd_, line.data() + done, line.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        std::fprintf(stderr, "wskconf_case_main: cannot write to %s: %s\n",
                     cp::kResultFileEnv, std::strerror(errno));
        std::_Exit(3);
      }
      done += static_cast<std::size_t>(n);
    }
  }

  const int fd_;
  const std::optional<std::chrono::milliseconds> limit_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::optional<std::string> current_;  // the running case
  Clock::time_point started_;
  bool sealed_ = false;    // the watchdog wrote the last record
  bool stopping_ = false;
  std::thread watchdog_;
};

// WSKCONF_CASE_TIMEOUT_MS as a positive duration; nullopt when unset or
// not a positive number (then there is no watchdog).
std::optional<std::chrono::milliseconds> CaseTimeLimit() {
  const char* text = std::getenv(cp::kCaseTimeoutEnv);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  if (*end != '\0' || value <= 0) {
    std::fprintf(stderr, "wskconf_case_main: ignoring %s='%s' (not a positive "
                 "number of milliseconds)\n", cp::kCaseTimeoutEnv, text);
    return std::nullopt;
  }
  return std::chrono::milliseconds(value);
}

}  // namespace

int main(int argc, char** argv) {
  // Line-buffered output, so the lines a case printed before a crash survive
  // it and the supervisor can attach them to the case.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  testing::InitGoogleTest(&argc, argv);
  const char* path = std::getenv(cp::kResultFileEnv);
  if (path != nullptr && *path != '\0') {
    const int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::fprintf(stderr, "wskconf_case_main: cannot open %s='%s': %s\n",
                   cp::kResultFileEnv, path, std::strerror(errno));
      return 3;
    }
    testing::UnitTest::GetInstance()->listeners().Append(
        new RecordWriter(fd, CaseTimeLimit()));
  }
  return RUN_ALL_TESTS();
}
