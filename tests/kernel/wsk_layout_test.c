/* C11 half of the wsk layout test: the facts of wsk_layout_test.h as
 * static asserts (the build fails on a mismatch) and as a table that
 * wsk_layout_test.cc compares with its own C++ view. */
#include "wsk_layout_test.h"

WSKCONF_WSK_LAYOUTS(WSKCONF_ASSERT_SIZE, WSKCONF_ASSERT_ALIGN,
                       WSKCONF_ASSERT_OFFSET)
WSKCONF_WSK_VALUES(WSKCONF_ASSERT_VALUE)

static const WskconfLayoutRow kLayoutRows[] = {WSKCONF_WSK_LAYOUTS(
    WSKCONF_ROW_SIZE, WSKCONF_ROW_ALIGN, WSKCONF_ROW_OFFSET)};
static const WskconfLayoutRow kValueRows[] = {
    WSKCONF_WSK_VALUES(WSKCONF_ROW_VALUE)};

const WskconfLayoutRow *WskconfWskLayoutRowsC(size_t *count) {
  *count = sizeof(kLayoutRows) / sizeof(kLayoutRows[0]);
  return kLayoutRows;
}

const WskconfLayoutRow *WskconfWskValueRowsC(size_t *count) {
  *count = sizeof(kValueRows) / sizeof(kValueRows[0]);
  return kValueRows;
}
