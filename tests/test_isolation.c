#include <check.h>
Suite *suite_isolation(void) { return suite_create("isolation"); }
