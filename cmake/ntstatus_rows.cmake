# Writes the name table rows of kernel/src/ntstatus_names.cc from the
# NTSTATUS headers: one WSKCONF_STATUS_NAME(X) per `#define X ((NTSTATUS)...)`,
# in header order (so the first name of a shared value wins). Inputs: HEADERS
# ('|'-separated), OUT.
string(REPLACE "|" ";" headers "${HEADERS}")
set(rows "// Generated from the NTSTATUS headers by ntstatus_rows.cmake.\n")
set(count 0)
foreach(header ${headers})
  file(STRINGS ${header} lines REGEX "^#define [A-Z0-9_]+ \\(\\(NTSTATUS\\)0x")
  foreach(line ${lines})
    string(REGEX REPLACE "^#define ([A-Z0-9_]+) .*" "\\1" name "${line}")
    string(APPEND rows "WSKCONF_STATUS_NAME(${name}),\n")
    math(EXPR count "${count} + 1")
  endforeach()
endforeach()
if(count LESS 100)
  message(FATAL_ERROR "ntstatus_rows: only ${count} statuses found in ${HEADERS}")
endif()
file(WRITE ${OUT}.tmp "${rows}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
