// The WPP-traced driver routine as C++20.
#include <ntddk.h>

#include "wpp_driver_trace.h"
#include "wpp_driver_cpp.tmh"

#define WSKCONF_WPP_ENTRY WskconfWppDriverCpp
#include "wpp_driver_body.h"
