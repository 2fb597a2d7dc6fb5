// What reports/ offers: the persisted forms of a RunResult (result.h) — JUnit
// XML in a strict and a rich variant, an HTML summary — the reader of the
// rich form, and the diff and merge of runs. Tooling only: errors are Status
// values whose lowercase messages name the file, line and what is wrong.
//
// Formats (reports/README.md shows an example of each):
//   strict  validates against both ../shared/schemas/windyroad-ant-JUnit.xsd
//           and jenkins-xunit-junit-10.xsd: <testsuites> without attributes;
//           one <testsuite> per gtest suite with properties, testcases,
//           system-out and system-err; nothing on a testcase but name,
//           classname and time; at most one of failure/error/skipped.
//   rich    the strict layout plus, per testcase, file/line of the clause in
//           spec/ and <properties> (clause, strength, family, adapter,
//           policy, verdict, expected, actual, and message where no
//           failure/error/skipped element holds it) and <system-out>. It is the
//           form ReadRichJUnit reads back, so diff and merge work on it.
// Verdicts in both: FAIL is <failure type="STRENGTH CLAUSE" message=...>,
// ERROR is <error type="ERROR" message="cause">, SKIP is <skipped
// message="reason">, PASS has no child. WARN (a broken SHOULD clause) is a
// passing testcase plus a "[WARN] ..." line: in the suite's <system-out>
// (strict, where a testcase may not hold one) or the testcase's (rich, which
// also records verdict=warn).
// Text that XML 1.0 cannot carry is escaped first (SanitizeForXml), so every
// report is well-formed whatever bytes a message holds.
#ifndef WSKCONF_REPORTS_REPORTS_H_
#define WSKCONF_REPORTS_REPORTS_H_

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "wskconf/reports/result.h"
#include "wskconf/status.h"

namespace wskconf::reports {

using ::wskconf::conformance::Status;
using ::wskconf::conformance::StatusOr;

// Returns `text` with everything XML 1.0 forbids made visible instead: each
// byte that is not part of well-formed UTF-8 and each C0 control other than
// tab, LF and CR becomes the four characters \xNN (uppercase hex); U+FFFE and
// U+FFFF become \u{FFFE} and \u{FFFF}. Everything else is kept byte for byte,
// so the result of a valid UTF-8 message is the message itself, and applying
// it twice gives the same result as once.
std::string SanitizeForXml(std::string_view text);

// The testsuite attributes the Ant schema requires although they say nothing
// about the run. Fixed by default so that reports are deterministic.
struct JUnitOptions {
  std::string timestamp = "1970-01-01T00:00:00";  // YYYY-MM-DDThh:mm:ss
  std::string hostname = "localhost";
};

// The strict variant (see above), cases sorted by name. Times are written in
// seconds with three decimals.
std::string WriteStrictJUnit(const RunResult& run,
                             const JUnitOptions& options = {});

// The rich variant (see above), cases sorted by name.
std::string WriteRichJUnit(const RunResult& run,
                           const JUnitOptions& options = {});

// Reads a rich report back. Text fields come back as SanitizeForXml left
// them and seconds rounded to milliseconds, so reading a written report and
// writing it again gives the same bytes. `display_path` names the input in
// messages. kInvalidArgument if the bytes are not well-formed XML, not a
// rich report (a strict one included: it lacks the per-case data) or hold a
// malformed case.
StatusOr<RunResult> ParseRichJUnit(std::string_view bytes,
                                   std::string_view display_path);

// Reads the file at `path` and parses it as ParseRichJUnit. kNotFound if it
// does not exist; kInvalidArgument if it cannot be read or parsed.
StatusOr<RunResult> ReadRichJUnit(const std::filesystem::path& path);

// The HTML summary: one self-contained UTF-8 page (inline CSS, no script, no
// external reference) with the run's totals per verdict, a matrix of family
// by verdict, and a table of every FAIL, WARN and ERROR with its clause,
// expected and actual status by name and message. Deterministic.
std::string WriteHtmlSummary(const RunResult& run);

// How two runs of the same suite differ, each list sorted by case name.
struct RunDiff {
  // FAIL or ERROR in `new_run`, anything else (or absent) in `old_run`.
  std::vector<std::string> newly_failing;
  // PASS or WARN in `new_run`, FAIL or ERROR in `old_run`.
  std::vector<std::string> newly_passing;
  // Other verdict changes of cases present in both, as "name: old -> new".
  std::vector<std::string> changed;
  std::vector<std::string> added;    // in `new_run` only
  std::vector<std::string> removed;  // in `old_run` only
};

// Compares two runs by case name. Both runs must hold each name once.
RunDiff DiffRuns(const RunResult& old_run, const RunResult& new_run);

// Joins the results of shards of one run into one RunResult with cases
// sorted by name, equal to what an unsharded run reports. kInvalidArgument
// if there are no shards, shards disagree on adapter or policy, or a case
// name occurs in more than one shard (the message names both shards by
// index).
StatusOr<RunResult> MergeRuns(const std::vector<RunResult>& shards);

// Whether `path` can be written (replaced or created) as far as can be told
// without touching it: kInvalidArgument naming the path and the reason (its
// folder is missing, it is a directory, permission) otherwise. Cheap; lets a
// command refuse before its work rather than after.
Status CheckWritable(const std::filesystem::path& path);

// Writes `contents` to `path` (replacing it). kInvalidArgument naming the
// path and the reason (the errno text) if it cannot be written.
Status WriteTextFile(const std::filesystem::path& path,
                     std::string_view contents);

}  // namespace wskconf::reports

#endif  // WSKCONF_REPORTS_REPORTS_H_
