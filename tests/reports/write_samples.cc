// Writes the reports of the fixed sample runs into a folder, for the checks
// by outside tools (xmllint, headless Chromium) registered in CMakeLists.txt.
// Usage: wskconf_reports_write_samples OUT_DIR
#include <filesystem>
#include <iostream>

#include "sample_run.h"
#include "wskconf/reports/reports.h"

int main(int argc, char** argv) {
  namespace wr = wskconf::reports;
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const wr::RunResult sample = wr::testing::SampleRun();
  const wr::RunResult hostile = wr::testing::HostileRun();
  const wr::RunResult empty{.adapter = "reference", .policy = "inline", .cases = {}};
  const std::pair<const char*, std::string> files[] = {
      {"sample.strict.xml", wr::WriteStrictJUnit(sample)},
      {"hostile.strict.xml", wr::WriteStrictJUnit(hostile)},
      {"empty.strict.xml", wr::WriteStrictJUnit(empty)},
      {"sample.rich.xml", wr::WriteRichJUnit(sample)},
      {"hostile.rich.xml", wr::WriteRichJUnit(hostile)},
      {"sample.html", wr::WriteHtmlSummary(sample)},
      {"hostile.html", wr::WriteHtmlSummary(hostile)},
  };
  for (const auto& [name, contents] : files) {
    wr::Status status = wr::WriteTextFile(dir / name, contents);
    if (!status.ok()) {
      std::cerr << status.message() << "\n";
      return 1;
    }
  }
  return 0;
}
