# The generated conformance cases (wskgen, wskgen.h): a custom command writes
# build/conformance/generated/<part>_cases.cc for every spec/*.xml, and each
# becomes the test binary wskconf_cases_<part>, registered with CTest under
# the labels `conformance` and the spec part (`ctest -L socket-connection`).
# GoogleTest sharding (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) works as in
# any gtest binary.
file(GLOB wskconf_spec_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/spec/*.xml)
set(wskconf_generated_dir ${CMAKE_CURRENT_BINARY_DIR}/generated)
set(wskconf_generated_sources "")
set(wskconf_case_parts "")
foreach(spec_file IN LISTS wskconf_spec_files)
  get_filename_component(part ${spec_file} NAME_WE)
  string(REPLACE "-" "_" part_id ${part})
  list(APPEND wskconf_case_parts ${part})
  list(APPEND wskconf_generated_sources
       ${wskconf_generated_dir}/${part_id}_cases.cc)
endforeach()

add_custom_command(
  OUTPUT ${wskconf_generated_sources}
  COMMAND wskgen --spec ${PROJECT_SOURCE_DIR}/spec --out ${wskconf_generated_dir}
  DEPENDS wskgen ${wskconf_spec_files}
  COMMENT "wskgen: generating the conformance cases from spec/*.xml"
  VERBATIM)
add_custom_target(wskconf_generated_cases DEPENDS ${wskconf_generated_sources})

set(wskconf_case_targets "")
foreach(part IN LISTS wskconf_case_parts)
  string(REPLACE "-" "_" part_id ${part})
  set(target wskconf_cases_${part_id})
  add_executable(${target} ${wskconf_generated_dir}/${part_id}_cases.cc)
  add_dependencies(${target} wskconf_generated_cases)
  wskconf_target_defaults(${target})
  target_link_libraries(${target} PRIVATE wskconf_checks)
  # main() with result records for `wskconf run`, which finds the binary in
  # build/conformance/suite.txt.
  wskconf_add_conformance_binary(${target})
  list(APPEND wskconf_case_targets ${target})
  if(WSKCONF_BUILD_TESTS)
    gtest_discover_tests(${target}
      PROPERTIES LABELS "conformance;${part}" TIMEOUT 30
      DISCOVERY_TIMEOUT 60)
  endif()
endforeach()
add_custom_target(wskconf_cases DEPENDS ${wskconf_case_targets})

# Build the reference provider with the cases when this tree has one: the
# cases load it at run time (dlopen), never link it.
function(wskconf_cases_need_reference)
  if(TARGET wskconf_reference_shared)
    foreach(target IN LISTS ARGN)
      add_dependencies(${target} wskconf_reference_shared)
    endforeach()
  endif()
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR}
  CALL wskconf_cases_need_reference ${wskconf_case_targets})
