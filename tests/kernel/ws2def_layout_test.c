/* C11 half of the ws2def layout test: the facts of ws2def_layout_test.h as
 * static asserts (the build fails on a mismatch) and as a table that
 * ws2def_layout_test.cc compares with its own C++ view. */
#include "ws2def_layout_test.h"

WSKCONF_WS2DEF_LAYOUTS(WSKCONF_ASSERT_SIZE, WSKCONF_ASSERT_ALIGN,
                       WSKCONF_ASSERT_OFFSET)
WSKCONF_WS2DEF_VALUES(WSKCONF_ASSERT_VALUE)

static const WskconfLayoutRow kLayoutRows[] = {WSKCONF_WS2DEF_LAYOUTS(
    WSKCONF_ROW_SIZE, WSKCONF_ROW_ALIGN, WSKCONF_ROW_OFFSET)};
static const WskconfLayoutRow kValueRows[] = {
    WSKCONF_WS2DEF_VALUES(WSKCONF_ROW_VALUE)};

const WskconfLayoutRow *WskconfWs2defLayoutRowsC(size_t *count) {
  *count = sizeof(kLayoutRows) / sizeof(kLayoutRows[0]);
  return kLayoutRows;
}

const WskconfLayoutRow *WskconfWs2defValueRowsC(size_t *count) {
  *count = sizeof(kValueRows) / sizeof(kValueRows[0]);
  return kValueRows;
}
