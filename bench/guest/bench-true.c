/* bench-true: a tiny static `true` for the shell-loop benchmark (no busybox dispatch). */
int main(void)
{
	return 0;
}
