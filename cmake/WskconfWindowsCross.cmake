# The Windows side of the Wine route: finds Debian's mingw-w64 cross compiler
# (gcc-mingw-w64-x86-64) and Wine (wine64, whose binaries Debian puts in
# /usr/lib/wine, not on PATH). scripts/setup.sh installs both; when either is
# missing, the agent, the relay and the `wine` tests are left out with a
# message saying which package to install. WSKCONF_HAVE_MINGW and
# WSKCONF_HAVE_WINE are cache variables so tests/ sees them too.
include_guard(GLOBAL)

find_program(WSKCONF_MINGW_CC x86_64-w64-mingw32-gcc)
find_path(WSKCONF_MINGW_DDK_DIR ntddk.h
  PATHS /usr/x86_64-w64-mingw32/include/ddk /usr/share/mingw-w64/include/ddk
  NO_DEFAULT_PATH)
find_program(WSKCONF_WINE64 NAMES wine64 PATHS /usr/lib/wine
  NO_DEFAULT_PATH)
find_program(WSKCONF_WINE64 NAMES wine64)
find_program(WSKCONF_WINESERVER NAMES wineserver PATHS /usr/lib/wine
  NO_DEFAULT_PATH)
find_program(WSKCONF_WINESERVER NAMES wineserver)

if(WSKCONF_MINGW_CC AND WSKCONF_MINGW_DDK_DIR)
  set(WSKCONF_HAVE_MINGW ON CACHE INTERNAL "mingw-w64 found")
else()
  set(WSKCONF_HAVE_MINGW OFF CACHE INTERNAL "mingw-w64 found")
  message(STATUS "wskconf: x86_64-w64-mingw32-gcc or its ddk headers not "
                 "found: the in-kernel agent, the relay and the wine tests are "
                 "skipped (scripts/setup.sh installs gcc-mingw-w64-x86-64)")
endif()
if(WSKCONF_WINE64 AND WSKCONF_WINESERVER)
  set(WSKCONF_HAVE_WINE ON CACHE INTERNAL "Wine found")
else()
  set(WSKCONF_HAVE_WINE OFF CACHE INTERNAL "Wine found")
  message(STATUS "wskconf: wine64/wineserver not found (looked in "
                 "/usr/lib/wine and PATH): the wine tests are skipped "
                 "(scripts/setup.sh installs wine64)")
endif()

# wskconf_add_windows_binary(<target> OUTPUT <file> KIND <DRIVER|CONSOLE>
#                            SOURCES ... [DEPENDS ...] [LIBS ...])
# Cross-compiles C sources into one Windows binary under the build tree's
# agent/ folder, with the project's warnings as errors. DRIVER links a
# kernel-mode image (native subsystem, entry DriverEntry, no C runtime) and
# builds on kernel/include/wsk.h over mingw-w64's ddk headers.
function(wskconf_add_windows_binary target)
  cmake_parse_arguments(ARG "" "OUTPUT;KIND" "SOURCES;DEPENDS;LIBS;DEFINES" ${ARGN})
  set(out ${CMAKE_BINARY_DIR}/agent/${ARG_OUTPUT})
  set(flags -std=c11 -O2 -g -Wall -Wextra -Werror
            -I${PROJECT_SOURCE_DIR}/agent/include)
  foreach(define IN LISTS ARG_DEFINES)
    list(APPEND flags -D${define})
  endforeach()
  if(ARG_KIND STREQUAL "DRIVER")
    # The project's headers go after the system ones so that <ntdef.h> and
    # friends stay mingw-w64's; wsk.h takes the WSK part from there.
    list(APPEND flags -ffreestanding -fno-stack-protector -Wno-multichar
                      -isystem ${WSKCONF_MINGW_DDK_DIR}
                      -idirafter ${PROJECT_SOURCE_DIR}/kernel/include
                      -shared -nostdlib -Wl,--subsystem,native
                      -Wl,--entry,DriverEntry)
  endif()
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/agent/include/*.h
    ${PROJECT_SOURCE_DIR}/agent/driver/*.h
    ${PROJECT_SOURCE_DIR}/agent/protocol/*.h
    ${PROJECT_SOURCE_DIR}/kernel/include/*.h)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/agent
    COMMAND ${WSKCONF_MINGW_CC} ${flags} -o ${out} ${ARG_SOURCES} ${ARG_LIBS}
    DEPENDS ${ARG_SOURCES} ${ARG_DEPENDS} ${headers}
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    COMMENT "Cross-compiling ${ARG_OUTPUT} (mingw-w64)"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS ${out})
  set_target_properties(${target} PROPERTIES WSKCONF_OUTPUT ${out})
endfunction()
