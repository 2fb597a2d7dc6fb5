/* excpt.h: the exception-handling words (__try, __except, __finally,
 * EXCEPTION_EXECUTE_HANDLER, GetExceptionCode...); see <wskconf/seh.h>. */
#ifndef WSKCONF_EXCPT_H_
#define WSKCONF_EXCPT_H_

#include <wskconf/seh.h>

#endif /* WSKCONF_EXCPT_H_ */
