// wskgen: writes the generated conformance cases (one C++ file per spec
// file) and the case list from spec/*.xml. A thin driver over wskgen.h; run
// by the build (conformance/cases/CMakeLists.txt). Exit codes: 0 written,
// 2 unusable spec, stale recipe or unwritable output.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "wskconf/spec.h"
#include "wskconf/wskgen.h"

int main(int argc, char** argv) {
  CLI::App app{"wskgen: generate the conformance cases from the WSK spec"};
  std::string spec_dir;
  std::string out_dir;
  std::string list_file;
  app.add_option("--spec", spec_dir, "spec folder (spec/*.xml)")->required();
  app.add_option("--out", out_dir,
                 "folder for the generated <part>_cases.cc files");
  app.add_option("--list", list_file, "write the case list to this file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : wskconf::conformance::kExitUnusable;
  }
  if (out_dir.empty() && list_file.empty()) {
    std::cerr << "wskgen: nothing to do: give --out, --list or both\n";
    return wskconf::conformance::kExitUnusable;
  }
  return wskconf::conformance::RunWskgen(spec_dir, out_dir, list_file,
                                         std::cerr);
}
