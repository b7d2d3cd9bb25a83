#include <check.h>
Suite *suite_guest(void) { return suite_create("guest"); }
