/* Writes through a NULL pointer: dies of SIGSEGV (an init too: it is forced). */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	volatile int *p = NULL;

	printf("before\n");
	fflush(stdout);
	*p = 1;
	printf("after\n");
	return 0;
}
