// `wskconf report diff|merge`: thin drivers over reports/ (exit codes in
// README.md). Kept apart from wskconf_main.cc so that each command family
// owns its own file.
#ifndef WSKCONF_CONFORMANCE_TOOLS_REPORT_COMMANDS_H_
#define WSKCONF_CONFORMANCE_TOOLS_REPORT_COMMANDS_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace wskconf::tools {

// The parsed flags of the `report` subcommands.
struct ReportCommands {
  CLI::App* diff = nullptr;
  CLI::App* merge = nullptr;
  std::string old_report, new_report;  // diff
  std::vector<std::string> shards;     // merge
  std::string junit, junit_rich, html;
};

// Adds `report diff OLD NEW` and `report merge SHARD... [--junit F]
// [--junit-rich F] [--html F]` to `app`. `commands` must outlive parsing.
void AddReportCommands(CLI::App& app, ReportCommands& commands);

// Runs the report subcommand the command line chose and returns its exit
// code: diff 0 when nothing newly fails, 1 when something does; merge 0 when
// the reports are written; 2 for unusable input. nullopt when no report
// subcommand was given.
std::optional<int> RunReportCommands(const ReportCommands& commands,
                                     std::ostream& out, std::ostream& err);

}  // namespace wskconf::tools

#endif  // WSKCONF_CONFORMANCE_TOOLS_REPORT_COMMANDS_H_
