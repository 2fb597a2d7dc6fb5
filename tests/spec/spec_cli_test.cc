// Tests of the `wskconf spec lint|stats` commands: in-process through
// RunSpecLint / RunSpecStats, and end to end through the built binary, for
// each documented exit code (0 clean, 1 findings, 2 unusable input).
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "test_support.h"
#include "wskconf/spec.h"

namespace wskconf::conformance {
namespace {

using testing::Fixture;
using testing::ScratchDir;
using testing::SpecDocument;
using testing::WriteFile;

// A spec folder that is clean against the real verifier rules: a topic per
// rule prefix ("Irp", "Leak", ...) holding a client-side clause per rule.
void WriteCleanSpec(const std::filesystem::path& dir) {
  std::map<std::string, std::string> topics;
  for (const std::string& id : VerifierRuleIds()) {
    topics[id.substr(0, id.find('.'))] +=
        "<clause id=\"" + id +
        "\" strength=\"MUST\" side=\"client\" checked-by=\"verifier\" "
        "source=\"ddi/send.md\"><text>Rule.</text></clause>\n";
  }
  std::string body;
  for (const auto& [topic, clauses] : topics) {
    body += "<topic id=\"" + topic + "\">\n" + clauses + "</topic>\n";
  }
  WriteFile(dir / "rules.xml", SpecDocument(body));
}

std::size_t TopicCount() {
  std::set<std::string> prefixes;
  for (const std::string& id : VerifierRuleIds()) {
    prefixes.insert(id.substr(0, id.find('.')));
  }
  return prefixes.size();
}

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

CommandResult Lint(const std::filesystem::path& spec,
         std::optional<std::filesystem::path> docs = Fixture("docs")) {
  // The fixtures are not the spec wskgen's recipes are written for.
  SpecLintFlags flags;
  flags.allow_uncovered = true;
  std::ostringstream out, err;
  const int code = RunSpecLint(spec, docs, out, err, flags);
  return CommandResult{code, out.str(), err.str()};
}

TEST(SpecCliTest, LintCleanSpecExitsZero) {
  ScratchDir dir;
  WriteCleanSpec(dir.path());
  const CommandResult run = Lint(dir.path());
  EXPECT_EQ(run.exit_code, kExitClean) << run.out << run.err;
  EXPECT_EQ(run.out, "0 findings in 1 files (" +
                         std::to_string(TopicCount()) + " elements, " +
                         std::to_string(VerifierRuleIds().size()) +
                         " clauses)\n");
  EXPECT_EQ(run.err, "");
}

TEST(SpecCliTest, LintFindingsExitOne) {
  const CommandResult run = Lint(Fixture("lint/duplicate_id"));
  EXPECT_EQ(run.exit_code, kExitFindings);
  EXPECT_NE(run.out.find("b.xml:3: duplicate id 'WskSend' (first defined at "),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("verifier rule 'Irp.CompletedTwice' has no "
                         "client-side clause in the spec"),
            std::string::npos);
}

TEST(SpecCliTest, LintUnusableInputExitsTwo) {
  EXPECT_EQ(Lint(Fixture("malformed")).exit_code, kExitUnusable);
  const CommandResult missing = Lint(Fixture("no-such-spec"));
  EXPECT_EQ(missing.exit_code, kExitUnusable);
  EXPECT_NE(missing.err.find("no such spec folder"), std::string::npos);
  EXPECT_EQ(missing.out, "");
}

TEST(SpecCliTest, LintWithoutDocsFolderExitsTwoWithAClearMessage) {
  ScratchDir dir;
  WriteCleanSpec(dir.path());
  const CommandResult run = Lint(dir.path(), dir.path() / "no-docs");
  EXPECT_EQ(run.exit_code, kExitUnusable);
  EXPECT_NE(run.err.find("wskconf: error: documentation folder"),
            std::string::npos)
      << run.err;
}

TEST(SpecCliTest, StatsPrintsJsonOrTextAndFailsOnUnusableInput) {
  std::ostringstream out, err;
  EXPECT_EQ(RunSpecStats(Fixture("clean"), true, out, err), kExitClean);
  EXPECT_EQ(out.str().rfind("{\n  \"functions\": 1,", 0), 0u) << out.str();
  std::ostringstream text, err2;
  EXPECT_EQ(RunSpecStats(Fixture("clean"), false, text, err2), kExitClean);
  EXPECT_EQ(text.str().rfind("functions ", 0), 0u);
  std::ostringstream none, err3;
  EXPECT_EQ(RunSpecStats(Fixture("malformed"), false, none, err3),
            kExitUnusable);
  EXPECT_EQ(none.str(), "");
}

// Runs the built CLI through the shell; returns its exit code and stdout.
CommandResult RunBinary(const std::string& args) {
  const std::string command = std::string(WSKCONF_TEST_CLI) + " " + args +
                              " 2>/dev/null";
  CommandResult run{-1, "", ""};
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  while (std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe)) {
    run.out.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(SpecCliBinaryTest, ExitCodesEndToEnd) {
  ScratchDir dir;
  WriteCleanSpec(dir.path());
  const std::string docs = " --docs " + Fixture("docs").string();
  EXPECT_EQ(RunBinary("spec lint --allow-uncovered --spec " + dir.path().string() + docs)
                .exit_code,
            0);
  // By default coverage by generated cases is required, and wskgen's
  // recipes do not fit this spec, so it cannot be judged: a finding.
  const CommandResult strict = RunBinary("spec lint --spec " + dir.path().string() + docs);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.out.find("--allow-uncovered lints a spec the recipes are not written for"),
            std::string::npos)
      << strict.out;
  EXPECT_EQ(RunBinary("spec lint --spec " +
                      Fixture("lint/dangling_refs").string() + docs)
                .exit_code,
            1);
  EXPECT_EQ(RunBinary("spec lint --spec " + Fixture("malformed").string() +
                      docs)
                .exit_code,
            2);
  EXPECT_EQ(RunBinary("spec lint --no-such-flag").exit_code, 2);
  EXPECT_EQ(RunBinary("").exit_code, 2);
}

TEST(SpecCliBinaryTest, UnmarkedClientClausesAreFindingsByDefault) {
  ScratchDir dir;
  WriteCleanSpec(dir.path());
  WriteFile(dir.path() / "extra.xml",
            SpecDocument("<topic id=\"Extra\">\n<clause id=\"Extra.Neither\" "
                         "strength=\"MUST\" side=\"client\" source=\"ddi/send.md\">"
                         "<text>Unmarked.</text></clause>\n</topic>\n"));
  const std::string args =
      "spec lint --allow-uncovered --spec " + dir.path().string() + " --docs " +
      Fixture("docs").string();
  const CommandResult strict = RunBinary(args);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.out.find("client clause 'Extra.Neither' is neither checked"),
            std::string::npos)
      << strict.out;
  EXPECT_EQ(RunBinary(args + " --require-client-marking").exit_code, 1);
  const CommandResult allowed = RunBinary(args + " --allow-unmarked-client");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.out;
}

TEST(SpecCliBinaryTest, StatsJsonEndToEnd) {
  const CommandResult run =
      RunBinary("spec stats --json --spec " + Fixture("clean").string());
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("\"clauses\": 11,"), std::string::npos) << run.out;
}

TEST(SpecCliBinaryTest, DefaultSpecFolderIsTheSourceTree) {
  // Whatever the real spec's state, the default folder loads (exit 0 or 1),
  // from any working directory.
  const CommandResult run = RunBinary("spec stats --json");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("\"statuses\": "), std::string::npos);
}

}  // namespace
}  // namespace wskconf::conformance
