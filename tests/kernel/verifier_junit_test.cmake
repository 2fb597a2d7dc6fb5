# Runs the verifier JUnit client with WSKCONF_VERIFIER_JUNIT set and checks
# the report it writes at exit: it validates against every schema given and
# holds the client's findings, escaped.
# -DCLIENT=<program> -DXMLLINT=<xmllint> -DOUT=<report> -DSCHEMAS=<xsd;xsd>
file(REMOVE ${OUT})
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env WSKCONF_VERIFIER_JUNIT=${OUT}
          WSKCONF_VERIFIER_QUIET=1 ${CLIENT}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CLIENT} exited with ${rc}")
endif()
if(NOT EXISTS ${OUT})
  message(FATAL_ERROR "no report at ${OUT} after the client exited")
endif()
foreach(schema IN LISTS SCHEMAS)
  execute_process(
    COMMAND ${XMLLINT} --noout --nonet --schema ${schema} ${OUT}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${OUT} does not validate against ${schema}:\n${err}")
  endif()
endforeach()
file(READ ${OUT} xml)
foreach(expected
    "failures=\"4\""
    "<testcase name=\"Irp.FreedTwice\" classname=\"wskconf.verifier\" time=\"0\">"
    "<testcase name=\"Pool.FreedTwice #2\""
    "<testcase name=\"Leak.Irp\" classname=\"wskconf.verifier\" time=\"0\"/>"
    "markup &lt;&amp;&quot;&apos;&gt; control \\x01\\x1B\\x7F byte \\xFF end")
  string(FIND "${xml}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${OUT} lacks: ${expected}\n--- report ---\n${xml}")
  endif()
endforeach()
