// The HTML summary of a run: totals, family x verdict matrix and the cases
// that need attention, in one page with no script and no external reference.
#include <algorithm>
#include <array>
#include <map>
#include <string>

#include <fmt/format.h>

#include "wskconf/reports/reports.h"

namespace wskconf::reports {
namespace {

constexpr std::array<Verdict, 5> kVerdicts = {Verdict::kPass, Verdict::kFail, Verdict::kWarn,
                                              Verdict::kSkip, Verdict::kError};
using Counts = std::array<int, kVerdicts.size()>;

constexpr std::string_view kStyle = R"(
body { font-family: sans-serif; margin: 1.5em; color: #111; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid #999; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.pass { background: #d9f2d9; } .fail { background: #f8d0d0; }
.warn { background: #fcefc7; } .skip { background: #e4e4e4; } .error { background: #f4b6e0; }
td.zero { color: #888; background: none; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
)";

// Text for HTML content or a double-quoted attribute, from any bytes.
std::string Html(std::string_view raw) {
  std::string out;
  for (char c : SanitizeForXml(raw)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::size_t Index(Verdict v) { return static_cast<std::size_t>(v); }

std::string Totals(const RunResult& run, const Counts& totals) {
  std::string out = fmt::format("<h2>Totals</h2>\n<p id=\"totals\">{} cases:", run.cases.size());
  for (std::size_t i = 0; i < kVerdicts.size(); ++i) {
    out += fmt::format(" <span class=\"{0}\">{1} {0}</span>{2}", VerdictName(kVerdicts[i]),
                       totals[i], i + 1 < kVerdicts.size() ? "," : "");
  }
  const bool ok = totals[Index(Verdict::kFail)] == 0 && totals[Index(Verdict::kError)] == 0;
  out += fmt::format("</p>\n<p id=\"outcome\" class=\"{}\">Outcome: {}</p>\n",
                     ok ? "pass" : "fail",
                     ok ? "every MUST clause checked holds"
                        : "FAILED: a MUST clause is broken or a case could not finish");
  return out;
}

std::string Matrix(const RunResult& run) {
  std::map<std::string, Counts> by_family;
  for (const CaseResult& c : run.cases) {
    ++by_family[c.family.empty() ? "(none)" : c.family][Index(c.verdict)];
  }
  std::string out = "<h2>By function</h2>\n<table id=\"matrix\">\n<tr><th>Function</th>";
  for (Verdict v : kVerdicts) out += fmt::format("<th>{}</th>", VerdictName(v));
  out += "<th>total</th></tr>\n";
  for (const auto& [family, counts] : by_family) {
    out += fmt::format("<tr><th>{}</th>", Html(family));
    int total = 0;
    for (Verdict v : kVerdicts) {
      const int n = counts[Index(v)];
      total += n;
      out += fmt::format("<td class=\"n {}\">{}</td>", n ? VerdictName(v) : "zero", n);
    }
    out += fmt::format("<td class=\"n\">{}</td></tr>\n", total);
  }
  return out + "</table>\n";
}

std::string ClauseCell(const CaseResult& c) {
  if (c.clause_id.empty()) return "";
  std::string out = fmt::format("{} {}", Html(c.strength), Html(c.clause_id));
  if (!c.spec_file.empty()) {
    out += fmt::format("<br>{}:{}", Html(c.spec_file), c.spec_line);
  }
  return out;
}

std::string Attention(const RunResult& run) {
  std::string rows;
  std::string skips;
  for (Verdict v : {Verdict::kFail, Verdict::kError, Verdict::kWarn}) {
    for (const CaseResult& c : run.cases) {
      if (c.verdict != v) continue;
      rows += fmt::format(
          "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
          "<td><pre>{}</pre></td></tr>\n",
          VerdictName(v), VerdictName(v), Html(c.name), ClauseCell(c), Html(c.expected),
          Html(c.actual), Html(c.message));
    }
  }
  for (const CaseResult& c : run.cases) {
    if (c.verdict != Verdict::kSkip) continue;
    skips += fmt::format("<tr><td>{}</td><td><pre>{}</pre></td></tr>\n", Html(c.name),
                         Html(c.message));
  }
  std::string out = "<h2>Failures, errors and warnings</h2>\n";
  if (rows.empty()) {
    out += "<p>None.</p>\n";
  } else {
    out += "<table id=\"attention\">\n<tr><th>Verdict</th><th>Case</th><th>Clause</th>"
           "<th>Expected</th><th>Actual</th><th>Message</th></tr>\n" + rows + "</table>\n";
  }
  if (!skips.empty()) {
    out += "<h2>Skipped</h2>\n<table id=\"skipped\">\n<tr><th>Case</th><th>Reason</th></tr>\n" +
           skips + "</table>\n";
  }
  return out;
}

}  // namespace

std::string WriteHtmlSummary(const RunResult& input) {
  RunResult run = input;
  std::stable_sort(run.cases.begin(), run.cases.end(),
                   [](const CaseResult& a, const CaseResult& b) { return a.name < b.name; });
  Counts totals{};
  for (const CaseResult& c : run.cases) ++totals[Index(c.verdict)];
  const std::string title = fmt::format("wskconf: {} ({})", Html(run.adapter), Html(run.policy));
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>{0}</title>\n<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n"
      "<p>Adapter <b>{2}</b>, completion policy <b>{3}</b>.</p>\n{4}{5}{6}</body>\n</html>\n",
      title, kStyle, Html(run.adapter), Html(run.policy), Totals(run, totals), Matrix(run),
      Attention(run));
}

}  // namespace wskconf::reports
