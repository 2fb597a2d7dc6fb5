// The strict and rich JUnit XML writers (format described in reports.h).
#include <string>

#include <fmt/format.h>

#include "internal/junit_layout.h"
#include "internal/xml_writer.h"
#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

using internal::Suite;
using internal::XmlAttributes;
using internal::XmlWriter;

enum class Variant { kStrict, kRich };

struct SuiteTotals {
  int tests = 0, failures = 0, errors = 0, skipped = 0, warnings = 0;
  double seconds = 0;
};

SuiteTotals Count(const Suite& suite) {
  SuiteTotals totals;
  for (const CaseResult* c : suite.cases) {
    ++totals.tests;
    totals.seconds += c->seconds;
    if (c->verdict == Verdict::kFail) ++totals.failures;
    if (c->verdict == Verdict::kError) ++totals.errors;
    if (c->verdict == Verdict::kSkip) ++totals.skipped;
    if (c->verdict == Verdict::kWarn) ++totals.warnings;
  }
  return totals;
}

// The body of <failure>/<error>: where the clause is, expected against
// actual, the message and (strict only, having no system-out per case) the
// captured output.
std::string Detail(const CaseResult& c, Variant variant) {
  std::string out = fmt::format("{} {}", VerdictName(c.verdict), c.name);
  if (!c.clause_id.empty()) out += fmt::format(" [{} {}]", c.strength, c.clause_id);
  if (!c.spec_file.empty()) out += fmt::format(" at {}:{}", c.spec_file, c.spec_line);
  out += '\n';
  if (!c.expected.empty()) out += fmt::format("expected: {}\n", c.expected);
  if (!c.actual.empty()) out += fmt::format("actual:   {}\n", c.actual);
  if (!c.message.empty()) out += c.message + "\n";
  if (variant == Variant::kStrict && !c.output.empty()) {
    out += "--- output ---\n" + c.output;
  }
  return out;
}

std::string FailureType(const CaseResult& c) {
  if (c.clause_id.empty()) return c.strength.empty() ? "FAIL" : c.strength;
  return c.strength.empty() ? c.clause_id : c.strength + " " + c.clause_id;
}

void WriteVerdict(const CaseResult& c, Variant variant, XmlWriter& xml) {
  XmlAttributes message;
  if (!c.message.empty()) message.emplace_back("message", c.message);
  switch (c.verdict) {
    case Verdict::kFail: {
      XmlAttributes attributes{{"type", FailureType(c)}};
      attributes.insert(attributes.end(), message.begin(), message.end());
      xml.TextElement("failure", attributes, Detail(c, variant));
      break;
    }
    case Verdict::kError: {
      XmlAttributes attributes{{"type", "ERROR"}};
      attributes.insert(attributes.end(), message.begin(), message.end());
      xml.TextElement("error", attributes, Detail(c, variant));
      break;
    }
    case Verdict::kSkip:
      xml.Empty("skipped", message);
      break;
    case Verdict::kPass:
    case Verdict::kWarn:
      break;
  }
}

void WriteCaseProperties(const CaseResult& c, const RunResult& run,
                         XmlWriter& xml) {
  const auto property = [&xml](std::string_view name, const std::string& value) {
    if (!value.empty()) xml.Empty("property", {{"name", std::string(name)}, {"value", value}});
  };
  xml.Open("properties");
  property("clause", c.clause_id);
  property("strength", c.strength);
  property("family", c.family);
  property("adapter", run.adapter);
  property("policy", run.policy);
  property("verdict", std::string(VerdictName(c.verdict)));
  property("expected", c.expected);
  property("actual", c.actual);
  // FAIL, ERROR and SKIP carry the message in their element.
  if (c.verdict == Verdict::kPass || c.verdict == Verdict::kWarn) {
    property("message", c.message);
  }
  xml.Close();
}

void WriteCase(const CaseResult& c, const RunResult& run, Variant variant,
               XmlWriter& xml) {
  const auto [classname, name] = internal::SplitCaseName(c.name);
  XmlAttributes attributes{{"name", name},
                           {"classname", classname},
                           {"time", internal::FormatSeconds(c.seconds)}};
  if (variant == Variant::kRich) {
    if (!c.spec_file.empty()) attributes.emplace_back("file", c.spec_file);
    if (c.spec_line > 0) attributes.emplace_back("line", std::to_string(c.spec_line));
  }
  const bool rich = variant == Variant::kRich;
  const bool has_child = rich || (c.verdict != Verdict::kPass &&
                                  c.verdict != Verdict::kWarn);
  if (!has_child) {
    xml.Empty("testcase", attributes);
    return;
  }
  xml.Open("testcase", attributes);
  if (rich) WriteCaseProperties(c, run, xml);
  WriteVerdict(c, variant, xml);
  if (rich) {
    std::string out = c.output;
    if (c.verdict == Verdict::kWarn) out = internal::WarnLine(c) + "\n" + out;
    if (!out.empty()) xml.TextElement("system-out", {}, out);
  }
  xml.Close();
}

void WriteSuite(const Suite& suite, int id, const RunResult& run,
                const JUnitOptions& options, Variant variant, XmlWriter& xml) {
  const SuiteTotals totals = Count(suite);
  xml.Open("testsuite",
           {{"name", suite.classname},
            {"package", run.adapter.empty() ? "wskconf" : "wskconf." + run.adapter},
            {"id", std::to_string(id)},
            {"timestamp", options.timestamp},
            {"hostname", options.hostname},
            {"tests", std::to_string(totals.tests)},
            {"failures", std::to_string(totals.failures)},
            {"errors", std::to_string(totals.errors)},
            {"skipped", std::to_string(totals.skipped)},
            {"time", internal::FormatSeconds(totals.seconds)}});
  xml.Open("properties");
  const std::string_view format = variant == Variant::kRich
                                      ? internal::kRichFormat
                                      : internal::kStrictFormat;
  xml.Empty("property", {{"name", std::string(internal::kFormatProperty)},
                         {"value", std::string(format)}});
  xml.Empty("property", {{"name", "adapter"}, {"value", run.adapter}});
  xml.Empty("property", {{"name", "policy"}, {"value", run.policy}});
  xml.Empty("property", {{"name", "warnings"}, {"value", std::to_string(totals.warnings)}});
  xml.Close();
  std::string warn_lines;
  for (const CaseResult* c : suite.cases) {
    WriteCase(*c, run, variant, xml);
    if (c->verdict == Verdict::kWarn) warn_lines += internal::WarnLine(*c) + "\n";
  }
  xml.TextElement("system-out", {}, warn_lines);
  xml.TextElement("system-err", {}, "");
  xml.Close();
}

std::string Write(const RunResult& input, const JUnitOptions& options,
                  Variant variant) {
  const RunResult run = internal::SanitizedRun(input);
  XmlWriter xml;
  xml.Open("testsuites");
  int id = 0;
  for (const Suite& suite : internal::GroupBySuite(run)) {
    WriteSuite(suite, id++, run, options, variant, xml);
  }
  xml.Close();
  return xml.Finish();
}

}  // namespace

std::string WriteStrictJUnit(const RunResult& run, const JUnitOptions& options) {
  return Write(run, options, Variant::kStrict);
}

std::string WriteRichJUnit(const RunResult& run, const JUnitOptions& options) {
  return Write(run, options, Variant::kRich);
}

}  // namespace wskconf::reports
