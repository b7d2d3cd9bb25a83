/* (being written) */
#include <check.h>
#include "harness.h"

Suite *suite_escape(void)
{
	Suite *s = suite_create("escape");

	return s;
}
