/* The trace header of a WPP-traced driver, written as WDK samples write
 * it: the control GUID with its flag bits, the level/flag plumbing WPP
 * needs, and the trace functions in a begin_wpp config block. wskconf_wpp
 * scans this file (SCAN) for the FUNC lines. */
#ifndef WSKCONF_TESTS_KERNEL_WPP_DRIVER_TRACE_H_
#define WSKCONF_TESTS_KERNEL_WPP_DRIVER_TRACE_H_

#define WPP_CONTROL_GUIDS                                              \
  WPP_DEFINE_CONTROL_GUID(                                             \
      WskconfIdiomTraceGuid, (5b8a3f0e, 1c2d, 4e5f, 8a9b, 0c1d2e3f4a5b), \
      WPP_DEFINE_BIT(TRACE_DRIVER)                                     \
      WPP_DEFINE_BIT(TRACE_SOCKET))

#define WPP_FLAG_LEVEL_LOGGER(flag, level) WPP_LEVEL_LOGGER(flag)
#define WPP_FLAG_LEVEL_ENABLED(flag, level) \
  (WPP_LEVEL_ENABLED(flag) && WPP_CONTROL(WPP_BIT_##flag).Level >= level)

//
// begin_wpp config
// FUNC TraceEvents(LEVEL, FLAGS, MSG, ...);
// FUNC TraceSocketError{LEVEL=TRACE_LEVEL_ERROR, FLAGS=TRACE_SOCKET}(MSG, ...);
// end_wpp
//

#endif /* WSKCONF_TESTS_KERNEL_WPP_DRIVER_TRACE_H_ */
