# wskconf_wpp(<target> [SCAN <header>...] [FUNC "<Name>(<params>)"...])
#
# Builds a WPP-traced driver without the WDK's tracewpp: for every source of
# <target> that includes "<basename>.tmh", generates that file into
# <binary dir>/wpp/<target>/ and adds the folder to the include path. The
# generated header maps WPP_INIT_TRACING, WPP_CLEANUP, DoTraceMessage and each
# trace function onto <wskconf/wpp.h>. Trace functions come from FUNC
# arguments (as tracewpp's -func:) and from `begin_wpp config ... FUNC ...
# end_wpp` blocks in the SCAN headers (as tracewpp's -scan:). A function's
# LEVEL, FLAGS (or FLAG) and MSG parameters are recognised by name; other
# parameters are accepted and ignored; `...` carries the message arguments.
include_guard(GLOBAL)

set(WSKCONF_WPP_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/wpp_tmh.cmake CACHE INTERNAL
    "The script wskconf_wpp runs to write a .tmh file")

function(wskconf_wpp target)
  cmake_parse_arguments(ARG "" "" "SCAN;FUNC" ${ARGN})
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/wpp/${target})
  set(scan_paths "")
  foreach(header ${ARG_SCAN})
    get_filename_component(header ${header} ABSOLUTE BASE_DIR ${source_dir})
    list(APPEND scan_paths ${header})
  endforeach()
  string(REPLACE ";" "|" funcs "${ARG_FUNC}")
  string(REPLACE ";" "|" scans "${scan_paths}")
  set(outputs "")
  foreach(source ${sources})
    get_filename_component(path ${source} ABSOLUTE BASE_DIR ${source_dir})
    if(NOT path MATCHES "\\.(c|cc|cpp|cxx)$" OR NOT EXISTS ${path})
      continue()
    endif()
    get_filename_component(name ${source} NAME_WE)
    file(STRINGS ${path} includes_tmh REGEX "#[ \t]*include[ \t]*[\"<]${name}\\.tmh[\">]")
    if(NOT includes_tmh)
      continue()
    endif()
    set(tmh ${out_dir}/${name}.tmh)
    add_custom_command(OUTPUT ${tmh}
      COMMAND ${CMAKE_COMMAND} -DSOURCE=${path} -DOUT=${tmh}
              "-DFUNCS=${funcs}" "-DSCANS=${scans}" -P ${WSKCONF_WPP_SCRIPT}
      DEPENDS ${path} ${scan_paths} ${WSKCONF_WPP_SCRIPT}
      COMMENT "WPP: ${name}.tmh for ${target}"
      VERBATIM)
    list(APPEND outputs ${tmh})
  endforeach()
  target_sources(${target} PRIVATE ${outputs})
  target_include_directories(${target} PRIVATE ${out_dir})
endfunction()
