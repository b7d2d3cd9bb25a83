/* (being written) */
#include <check.h>
#include "harness.h"

Suite *suite_fsops(void)
{
	Suite *s = suite_create("fsops");

	return s;
}
