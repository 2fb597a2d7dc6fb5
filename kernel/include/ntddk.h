/* ntddk.h: the WDK header most drivers include; here it is wdm.h plus nothing
 * of its own, since the runtime implements only the WDM subset. */
#ifndef WSKCONF_NTDDK_H_
#define WSKCONF_NTDDK_H_

#include <wdm.h>

#endif /* WSKCONF_NTDDK_H_ */
