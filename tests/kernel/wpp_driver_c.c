/* The WPP-traced driver routine as C11. */
#include <ntddk.h>

#include "wpp_driver_trace.h"
#include "wpp_driver_c.tmh"

#define WSKCONF_WPP_ENTRY WskconfWppDriverC
#include "wpp_driver_body.h"
