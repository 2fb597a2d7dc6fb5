// The verifier's findings in CI's language: a strict JUnit report (valid
// against the Ant and Jenkins xUnit schemas) with one test case per rule,
// written on request or at exit when WSKCONF_VERIFIER_JUNIT names a file.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include <ntstatus.h>
#include <wskconf/verifier.h>

#include "internal/verifier.h"

namespace wskconf::kernel::internal {
namespace {

constexpr char kEnvironmentVariable[] = "WSKCONF_VERIFIER_JUNIT";

// Text for an XML attribute or element. Bytes XML 1.0 cannot carry (control
// characters) and bytes outside ASCII (messages are not promised to be
// UTF-8) are written as the four characters \xNN.
std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      default:
        if (c < 0x20 || c >= 0x7F) {
          char hex[8];
          std::snprintf(hex, sizeof(hex), "\\x%02X", c);
          out += hex;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string Timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  return text;
}

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') {
    return "localhost";
  }
  return Escape(name);
}

// One test case: passing (finding == nullptr) or failing with one finding.
void AppendCase(std::string& xml, const std::string& name, WSKCONF_RULE rule,
                const Finding* finding) {
  xml += "  <testcase name=\"" + Escape(name) +
         "\" classname=\"wskconf.verifier\" time=\"0\"";
  if (finding == nullptr) {
    xml += "/>\n";
    return;
  }
  const std::string id = Escape(WskconfRuleId(rule));
  const std::string message = Escape(finding->message);
  xml += ">\n    <failure type=\"" + id + "\" message=\"" + id + ": " +
         message + "\">clause " + id + ": " +
         Escape(WskconfRuleSummary(rule)) + "&#10;" + message +
         "</failure>\n  </testcase>\n";
}

std::string BuildReport(const FindingLog& log) {
  std::vector<std::vector<const Finding*>> by_rule(WskconfRuleCount);
  for (const Finding& finding : log.findings) {
    if (finding.rule >= 0 && finding.rule < WskconfRuleCount) {
      by_rule[finding.rule].push_back(&finding);
    }
  }
  size_t tests = 0;
  size_t failures = 0;
  std::string cases;
  for (int index = 0; index < WskconfRuleCount; ++index) {
    const auto rule = static_cast<WSKCONF_RULE>(index);
    const std::string id = WskconfRuleId(rule);
    const std::vector<const Finding*>& found = by_rule[index];
    AppendCase(cases, id, rule, found.empty() ? nullptr : found[0]);
    for (size_t n = 1; n < found.size(); ++n) {
      AppendCase(cases, id + " #" + std::to_string(n + 1), rule, found[n]);
    }
    tests += found.empty() ? 1 : found.size();
    failures += found.size();
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuite name=\"wskconf.verifier\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
         "\" errors=\"0\" skipped=\"0\" time=\"0.000\" timestamp=\"" +
         Timestamp() + "\" hostname=\"" + Hostname() +
         "\">\n  <properties/>\n";
  xml += cases;
  xml += "  <system-out>" + std::to_string(log.dropped) +
         " finding(s) beyond the first " + std::to_string(kMaxFindings) +
         " were not kept</system-out>\n  <system-err/>\n</testsuite>\n";
  return xml;
}

void WriteAtExit() {
  const char* path = std::getenv(kEnvironmentVariable);
  if (path == nullptr || *path == '\0') return;
  if (!NT_SUCCESS(WskconfWriteVerifierJUnit(path))) {
    std::fprintf(stderr, "wskconf verifier: cannot write the JUnit report "
                         "%s named by %s\n", path, kEnvironmentVariable);
  }
}

// Registered when the runtime loads, so the report is written after main.
struct RegisterAtExit {
  RegisterAtExit() {
    const char* path = std::getenv(kEnvironmentVariable);
    if (path != nullptr && *path != '\0') std::atexit(WriteAtExit);
  }
} register_at_exit;

}  // namespace
}  // namespace wskconf::kernel::internal

namespace internal = wskconf::kernel::internal;

EXTERN_C_START

NTSTATUS WskconfWriteVerifierJUnit(const char* Path) {
  if (Path == nullptr || *Path == '\0') return STATUS_INVALID_PARAMETER;
  const std::string xml = internal::BuildReport(internal::CopyFindings());
  std::FILE* file = std::fopen(Path, "w");
  if (file == nullptr) return STATUS_UNSUCCESSFUL;
  const bool written = std::fwrite(xml.data(), 1, xml.size(), file) ==
                       xml.size();
  const bool closed = std::fclose(file) == 0;
  return written && closed ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}

EXTERN_C_END
