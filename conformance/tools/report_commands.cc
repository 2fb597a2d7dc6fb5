// `wskconf report diff|merge` over the reports library.
#include "report_commands.h"

#include <filesystem>

#include "wskconf/reports/reports.h"

namespace wskconf::tools {
namespace {

namespace wr = ::wskconf::reports;

constexpr int kExitOk = 0;
constexpr int kExitNewlyFailing = 1;
constexpr int kExitUnusable = 2;

void PrintList(std::string_view title, const std::vector<std::string>& names,
               std::ostream& out) {
  out << title << " (" << names.size() << ")" << (names.empty() ? "" : ":") << "\n";
  for (const std::string& name : names) out << "  " << name << "\n";
}

int RunDiff(const ReportCommands& c, std::ostream& out, std::ostream& err) {
  wr::StatusOr<wr::RunResult> old_run = wr::ReadRichJUnit(c.old_report);
  if (!old_run.ok()) {
    err << "wskconf report diff: " << old_run.status().message() << "\n";
    return kExitUnusable;
  }
  wr::StatusOr<wr::RunResult> new_run = wr::ReadRichJUnit(c.new_report);
  if (!new_run.ok()) {
    err << "wskconf report diff: " << new_run.status().message() << "\n";
    return kExitUnusable;
  }
  const wr::RunDiff diff = wr::DiffRuns(*old_run, *new_run);
  PrintList("newly failing", diff.newly_failing, out);
  PrintList("newly passing", diff.newly_passing, out);
  PrintList("other verdict changes", diff.changed, out);
  PrintList("new cases", diff.added, out);
  PrintList("removed cases", diff.removed, out);
  return diff.newly_failing.empty() ? kExitOk : kExitNewlyFailing;
}

int RunMerge(const ReportCommands& c, std::ostream& out, std::ostream& err) {
  if (c.junit.empty() && c.junit_rich.empty() && c.html.empty()) {
    err << "wskconf report merge: nothing to write; give --junit, --junit-rich "
           "and/or --html\n";
    return kExitUnusable;
  }
  for (const std::string* output : {&c.junit, &c.junit_rich, &c.html}) {
    if (output->empty()) continue;
    if (wr::Status status = wr::CheckWritable(*output); !status.ok()) {
      err << "wskconf report merge: " << status.message() << "\n";
      return kExitUnusable;
    }
  }
  std::vector<wr::RunResult> shards;
  for (const std::string& path : c.shards) {
    wr::StatusOr<wr::RunResult> shard = wr::ReadRichJUnit(path);
    if (!shard.ok()) {
      err << "wskconf report merge: " << shard.status().message() << "\n";
      return kExitUnusable;
    }
    shards.push_back(*std::move(shard));
  }
  wr::StatusOr<wr::RunResult> merged = wr::MergeRuns(shards);
  if (!merged.ok()) {
    err << "wskconf report " << merged.status().message() << " (shard i is input "
        << "file i, counting from 0)\n";
    return kExitUnusable;
  }
  const std::pair<const std::string*, std::string> outputs[] = {
      {&c.junit, c.junit.empty() ? "" : wr::WriteStrictJUnit(*merged)},
      {&c.junit_rich, c.junit_rich.empty() ? "" : wr::WriteRichJUnit(*merged)},
      {&c.html, c.html.empty() ? "" : wr::WriteHtmlSummary(*merged)},
  };
  for (const auto& [path, contents] : outputs) {
    if (path->empty()) continue;
    wr::Status status = wr::WriteTextFile(*path, contents);
    if (!status.ok()) {
      err << "wskconf report merge: " << status.message() << "\n";
      return kExitUnusable;
    }
  }
  out << "merged " << shards.size() << " reports: " << merged->cases.size()
      << " cases\n";
  return kExitOk;
}

}  // namespace

void AddReportCommands(CLI::App& app, ReportCommands& commands) {
  CLI::App* report = app.add_subcommand(
      "report", "compare and join rich JUnit reports (--junit-rich of a run)");
  report->require_subcommand(1);
  commands.diff = report->add_subcommand(
      "diff", "list cases newly failing, newly passing, changed, new and removed "
              "from OLD to NEW; exit 0 none newly failing, 1 some, 2 unusable input");
  commands.diff->add_option("OLD", commands.old_report, "rich report of the earlier run")
      ->required();
  commands.diff->add_option("NEW", commands.new_report, "rich report of the later run")
      ->required();
  commands.merge = report->add_subcommand(
      "merge", "join the rich reports of the shards of one run into the reports an "
               "unsharded run writes; exit 0 written, 2 unusable input");
  commands.merge->add_option("SHARD", commands.shards, "rich report of one shard")
      ->required();
  commands.merge->add_option("--junit", commands.junit, "write the strict JUnit report");
  commands.merge->add_option("--junit-rich", commands.junit_rich,
                             "write the rich JUnit report");
  commands.merge->add_option("--html", commands.html, "write the HTML summary");
}

std::optional<int> RunReportCommands(const ReportCommands& commands,
                                     std::ostream& out, std::ostream& err) {
  if (commands.diff != nullptr && commands.diff->parsed()) {
    return RunDiff(commands, out, err);
  }
  if (commands.merge != nullptr && commands.merge->parsed()) {
    return RunMerge(commands, out, err);
  }
  return std::nullopt;
}

}  // namespace wskconf::tools
