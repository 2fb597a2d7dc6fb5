// Fixed runs the reports tests write, read and render: every verdict, several
// suites, parameterised names, and one run whose texts hold every byte.
#ifndef WSKCONF_TESTS_REPORTS_SAMPLE_RUN_H_
#define WSKCONF_TESTS_REPORTS_SAMPLE_RUN_H_

#include <string>

#include "wskconf/reports/result.h"

namespace wskconf::reports::testing {

// Seven cases in three suites: two PASS, and one each of FAIL, WARN, SKIP,
// ERROR, plus a FAIL without a clause. Times are whole milliseconds.
RunResult SampleRun();

// Every byte 0x00-0xFF once, in order.
std::string EveryByte();

// SampleRun with hostile text in every field a report writes: every byte,
// invalid UTF-8 (lone continuation, truncated and overlong sequences,
// surrogates, beyond U+10FFFF), U+FFFE, markup characters, CR and CR LF.
RunResult HostileRun();

}  // namespace wskconf::reports::testing

#endif  // WSKCONF_TESTS_REPORTS_SAMPLE_RUN_H_
