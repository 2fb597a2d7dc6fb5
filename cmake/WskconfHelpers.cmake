# Small helpers, one per target kind, so every target gets the same warnings,
# sanitizer flags and CTest labels.
include_guard(GLOBAL)

# Flags applied to project code only (not to Debian's packages).
set(WSKCONF_WARNINGS -Wall -Wextra -Werror)

function(wskconf_configure_sanitizers)
  if(WSKCONF_SANITIZE STREQUAL "address")
    set(flags -fsanitize=address,undefined -fno-omit-frame-pointer
              -fno-sanitize-recover=undefined)
  elseif(WSKCONF_SANITIZE STREQUAL "thread")
    set(flags -fsanitize=thread -fno-omit-frame-pointer)
  elseif(NOT WSKCONF_SANITIZE STREQUAL "")
    message(FATAL_ERROR "WSKCONF_SANITIZE must be empty, 'address' or 'thread', "
                        "not '${WSKCONF_SANITIZE}'")
  else()
    return()
  endif()
  add_compile_options(${flags})
  add_link_options(${flags})
endfunction()

# wskconf_target_defaults(<target>): warnings for a target of ours.
function(wskconf_target_defaults target)
  target_compile_options(${target} PRIVATE ${WSKCONF_WARNINGS})
endfunction()

# wskconf_add_library(<name> <STATIC|SHARED|INTERFACE> SOURCES ... [DEPS ...])
function(wskconf_add_library name kind)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PUBLIC_INCLUDES" ${ARGN})
  add_library(${name} ${kind} ${ARG_SOURCES})
  if(kind STREQUAL "INTERFACE")
    target_include_directories(${name} INTERFACE ${ARG_PUBLIC_INCLUDES})
    target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  wskconf_target_defaults(${name})
  target_include_directories(${name} PUBLIC ${ARG_PUBLIC_INCLUDES})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# wskconf_add_executable(<name> SOURCES ... [DEPS ...])
function(wskconf_add_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  wskconf_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

# wskconf_add_gtest(<name> LABEL <area> SOURCES ... [DEPS ...])
# Builds a GoogleTest binary and registers each TEST with CTest under the
# area label, so `ctest -L <area>` runs exactly that area's tests.
function(wskconf_add_gtest name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    message(FATAL_ERROR "wskconf_add_gtest(${name}): LABEL is required")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  wskconf_target_defaults(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock
                                        GTest::gtest_main)
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL}
    DISCOVERY_TIMEOUT 60)
endfunction()

# wskconf_add_script_test(<name> LABEL <area> COMMAND ...): a CTest test that
# is a command (xmllint, a CLI run) rather than a GoogleTest binary.
function(wskconf_add_script_test name)
  cmake_parse_arguments(ARG "" "LABEL" "COMMAND" ${ARGN})
  add_test(NAME ${name} COMMAND ${ARG_COMMAND})
  set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL})
endfunction()

# wskconf_add_conformance_binary(<target>): a conformance test binary that
# `wskconf run` discovers (build/conformance/suite.txt). Links
# wskconf_case_main, its main(); do not also link gtest_main.
function(wskconf_add_conformance_binary target)
  target_link_libraries(${target} PRIVATE wskconf_case_main)
  set_property(GLOBAL APPEND PROPERTY WSKCONF_CONFORMANCE_BINARIES ${target})
endfunction()
