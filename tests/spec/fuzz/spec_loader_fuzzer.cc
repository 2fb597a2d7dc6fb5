// libFuzzer entry point: any bytes through the spec loader, then the lint and
// the stats on whatever loads. Crashes, hangs, leaks and sanitizer reports are
// bugs; so is an error message that does not name the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "wskconf/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace wc = wskconf::conformance;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  wc::StatusOr<wc::SpecFile> file = wc::ParseSpecFile(bytes, "fuzz.xml");
  if (!file.ok()) {
    if (!file.status().message().starts_with("fuzz.xml:")) std::abort();
    return 0;
  }
  wc::Spec spec;
  spec.files.push_back(std::move(file).value());
  wc::LintOptions options;
  options.docs_root = "/nonexistent-wskconf-fuzz-docs";
  for (const wc::Diagnostic& finding : wc::LintSpec(spec, options)) {
    if (finding.message.empty()) std::abort();
  }
  const std::string json = wc::StatsToJson(wc::ComputeStats(spec));
  if (json.empty() || json.back() != '\n') std::abort();
  return 0;
}
