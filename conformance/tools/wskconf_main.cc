// The wskconf command line: a thin driver over conformance/ (today the
// `spec lint`, `spec stats` and `spec coverage` commands, `run` and `list`;
// exit codes in README.md).
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "report_commands.h"
#include "run_cli.h"
#include "wskconf/spec.h"

int main(int argc, char** argv) {
  namespace wc = wskconf::conformance;
  CLI::App app{"wskconf: conformance suite and spec checker for the Windows "
               "Winsock Kernel API"};
  app.require_subcommand(1);
  CLI::App* spec = app.add_subcommand("spec", "work with the WSK spec (spec/*.xml)");
  spec->require_subcommand(1);

  std::string spec_dir = WSKCONF_DEFAULT_SPEC_DIR;
  std::string docs_dir;
  CLI::App* lint = spec->add_subcommand(
      "lint", "check the spec; exit 0 clean, 1 findings, 2 unusable input");
  lint->add_option("--spec", spec_dir, "spec folder")->capture_default_str();
  lint->add_option("--docs", docs_dir,
                   "WSK documentation folder (default: $WSKCONF_DOCS, else "
                   "<spec>/../../shared/wsk-docs)");
  bool require_client_marking = false;  // the default now; kept for old scripts
  lint->add_flag("--require-client-marking", require_client_marking,
                 "report each client-side clause that is neither checked by "
                 "the verifier nor marked untestable (the default)");
  bool allow_unmarked_client = false;
  lint->add_flag("--allow-unmarked-client", allow_unmarked_client,
                 "do not report client-side clauses that are neither checked "
                 "by the verifier nor marked untestable (reported by default)");

  wc::SpecLintFlags lint_flags;
  lint->add_flag("--allow-uncovered", lint_flags.allow_uncovered,
                 "do not report provider clauses no generated case checks "
                 "(reported by default), nor recipes that do not fit the spec");

  bool list_uncovered = false;
  CLI::App* coverage = spec->add_subcommand(
      "coverage", "list API documentation pages the spec does not cite; exit "
                  "0 all cited, 1 some not, 2 unusable input");
  coverage->add_option("--spec", spec_dir, "spec folder")->capture_default_str();
  coverage->add_option("--docs", docs_dir,
                       "WSK documentation folder (default as for lint)");
  coverage->add_flag("--uncovered", list_uncovered,
                     "list each provider clause no generated case checks");

  bool json = false;
  CLI::App* stats = spec->add_subcommand("stats", "count the spec's elements and clauses");
  stats->add_option("--spec", spec_dir, "spec folder")->capture_default_str();
  stats->add_flag("--json", json, "one JSON object");

  wskconf::tools::RunCli run_cli(app);
  wskconf::tools::ReportCommands report;
  wskconf::tools::AddReportCommands(app, report);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 checks required flags and subcommands before it complains about
    // arguments it does not know; a mistyped flag is the likelier mistake.
    if (std::vector<std::string> unknown = app.remaining(true);
        !unknown.empty() && e.get_exit_code() != 0) {
      // ExtrasError prints its list back to front: build it from the end of
      // the command line so that it reads in the order given.
      std::vector<std::string> in_order;
      for (int i = argc - 1; i >= 1; --i) {
        if (auto it = std::find(unknown.begin(), unknown.end(), argv[i]); it != unknown.end()) {
          in_order.push_back(*it);
          unknown.erase(it);
        }
      }
      return app.exit(CLI::ExtrasError(in_order)) == 0 ? 0 : wc::kExitUnusable;
    }
    const int code = app.exit(e);
    return code == 0 ? 0 : wc::kExitUnusable;
  }
  if (run_cli.Parsed()) return run_cli.Execute();
  if (auto code = wskconf::tools::RunReportCommands(report, std::cout, std::cerr)) {
    return *code;
  }
  std::optional<std::filesystem::path> docs;
  if (!docs_dir.empty()) docs = docs_dir;
  if (lint->parsed()) {
    lint_flags.require_client_marking = !allow_unmarked_client;
    return wc::RunSpecLint(spec_dir, docs, std::cout, std::cerr, lint_flags);
  }
  if (coverage->parsed()) {
    return wc::RunSpecCoverage(spec_dir, docs, std::cout, std::cerr,
                               list_uncovered);
  }
  return wc::RunSpecStats(spec_dir, json, std::cout, std::cerr);
}
