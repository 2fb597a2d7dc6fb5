// The `wskconf run` and `wskconf list` subcommands: their flags, and the call
// into the runner library once the command line is parsed.
#ifndef WSKCONF_TOOLS_RUN_CLI_H_
#define WSKCONF_TOOLS_RUN_CLI_H_

#include <memory>

#include <CLI/CLI.hpp>

namespace wskconf::tools {

class RunCli {
 public:
  // Adds `run` and `list` to `app`.
  explicit RunCli(CLI::App& app);
  ~RunCli();

  // Whether one of them was given; then Execute() runs it.
  bool Parsed() const;
  int Execute() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace wskconf::tools

#endif  // WSKCONF_TOOLS_RUN_CLI_H_
