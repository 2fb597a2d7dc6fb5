// The driver idioms compiled as C++20 (see driver_idioms_body.h).
#define WSKCONF_IDIOMS_ENTRY WskconfDriverIdiomsCpp
#include "driver_idioms_body.h"
