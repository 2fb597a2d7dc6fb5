/* The driver idioms compiled as C11 (see driver_idioms_body.h). */
#define WSKCONF_IDIOMS_ENTRY WskconfDriverIdiomsC
#include "driver_idioms_body.h"
