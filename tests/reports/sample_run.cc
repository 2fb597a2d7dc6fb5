// The fixed runs of sample_run.h.
#include "sample_run.h"

namespace wskconf::reports::testing {

RunResult SampleRun() {
  RunResult run;
  run.adapter = "reference";
  run.policy = "random:42";
  run.cases = {
      {.name = "WskSend.WSK_Send_0001/Tcp_Inet",
       .family = "WskSend", .clause_id = "WSK.Send.0001", .strength = "MUST",
       .spec_file = "spec/socket-connection.xml", .spec_line = 120,
       .verdict = Verdict::kPass, .seconds = 0.002},
      {.name = "WskSend.WSK_Send_0002/Tcp_Inet6",
       .family = "WskSend", .clause_id = "WSK.Send.0002", .strength = "MUST",
       .spec_file = "spec/socket-connection.xml", .spec_line = 131,
       .verdict = Verdict::kFail,
       .message = "WskSend with a NULL Irp returned the wrong status",
       .expected = "STATUS_INVALID_PARAMETER", .actual = "STATUS_SUCCESS",
       .seconds = 0.011, .output = "[ RUN      ] WskSend.WSK_Send_0002/Tcp_Inet6\n"},
      {.name = "WskBind.WSK_Bind_0007/Udp_Inet",
       .family = "WskBind", .clause_id = "WSK.Bind.0007", .strength = "SHOULD",
       .spec_file = "spec/socket-address.xml", .spec_line = 77,
       .verdict = Verdict::kWarn, .message = "Information was 4, Windows leaves 0",
       .expected = "0", .actual = "4", .seconds = 0.001},
      {.name = "WskBind.WSK_Bind_0008/Udp_Inet",
       .family = "WskBind", .clause_id = "WSK.Bind.0008", .strength = "MAY",
       .spec_file = "spec/socket-address.xml", .spec_line = 90,
       .verdict = Verdict::kSkip,
       .message = "not supported: the conformance statement declares no SO_REUSEADDR",
       .seconds = 0},
      {.name = "WskBind.WSK_Bind_0009/Udp_Inet",
       .family = "WskBind", .clause_id = "WSK.Bind.0009", .strength = "MUST",
       .spec_file = "spec/socket-address.xml", .spec_line = 95,
       .verdict = Verdict::kError, .message = "crash: signal 11 (SIGSEGV)",
       .seconds = 0.250, .output = "partial output before the crash\n"},
      {.name = "Registration.WSK_Register_0001",
       .family = "WskRegister", .clause_id = "WSK.Register.0001", .strength = "MUST",
       .spec_file = "spec/registration.xml", .spec_line = 12,
       .verdict = Verdict::kPass, .seconds = 0.004},
      {.name = "Registration.HarnessSelfCheck", .verdict = Verdict::kFail,
       .message = "helper invariant broken", .seconds = 0.001},
  };
  return run;
}

std::string EveryByte() {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  return bytes;
}

RunResult HostileRun() {
  const std::string hostile =
      EveryByte() + "|\x80|\xC3|\xE2\x82|\xC0\xAF|\xED\xA0\x80|\xF4\x90\x80\x80|"
      "\xEF\xBF\xBE|\xEF\xBF\xBF|<a b=\"c\" d='e'>&amp;]]>|\r\n|\r|\xC3\xA9 \xE2\x82\xAC";
  RunResult run = SampleRun();
  run.adapter += hostile;
  run.policy += hostile;
  for (CaseResult& c : run.cases) {
    for (std::string* field : {&c.name, &c.family, &c.clause_id, &c.strength,
                               &c.spec_file, &c.message, &c.expected, &c.actual,
                               &c.output}) {
      *field += hostile;
    }
  }
  return run;
}

}  // namespace wskconf::reports::testing
