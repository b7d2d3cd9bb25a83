/* placeholder, replaced by the mm test suite */
#include <check.h>
Suite *suite_mm(void);
Suite *suite_mm(void)
{
	return suite_create("mm");
}
