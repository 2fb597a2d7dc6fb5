// main() of every conformance test binary (target wskconf_case_main, used in
// place of gtest_main). Without WSKCONF_RESULT_FILE it is plain GoogleTest;
// with it, a listener appends the records of wskconf/child_protocol.h so the
// `wskconf run` supervisor learns each verdict even if the process dies later.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "wskconf/child_protocol.h"

namespace {

namespace cp = wskconf::conformance::child_protocol;

std::string FullName(const testing::TestInfo& info) {
  return std::string(info.test_suite_name()) + "." + info.name();
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
    message += part.message();
  }
  return message;
}

class RecordWriter : public testing::EmptyTestEventListener {
 public:
  explicit RecordWriter(int fd) : fd_(fd) {}
  ~RecordWriter() override { close(fd_); }

  void OnTestStart(const testing::TestInfo& info) override {
    Write(std::string(cp::kStartRecord) + "\tname=" +
          cp::EscapeField(FullName(info)) + "\n");
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
    Write(line + "\n");
  }

 private:
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

  int fd_;
};

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
    testing::UnitTest::GetInstance()->listeners().Append(new RecordWriter(fd));
  }
  return RUN_ALL_TESTS();
}
