/* Entry points of the driver-style idiom files: driver_idioms_body.h
 * compiled once as C11 (driver_idioms_c.c) and once as C++20
 * (driver_idioms_cpp.cc). Each case returns 0, or the line of
 * driver_idioms_body.h (or a file it includes) whose check failed. */
#ifndef WSKCONF_TESTS_KERNEL_DRIVER_IDIOMS_H_
#define WSKCONF_TESTS_KERNEL_DRIVER_IDIOMS_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct WskconfIdiomCase {
  const char *Name;
  int (*Run)(void);
} WskconfIdiomCase;

/* The cases of each compilation; *Count receives their number. */
const WskconfIdiomCase *WskconfDriverIdiomsC(size_t *Count);
const WskconfIdiomCase *WskconfDriverIdiomsCpp(size_t *Count);

#ifdef __cplusplus
}
#endif

#endif /* WSKCONF_TESTS_KERNEL_DRIVER_IDIOMS_H_ */
