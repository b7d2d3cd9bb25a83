/* bench-dyntrue: `true` linked dynamically against glibc (ld.so + libc.so.6). */
int main(void)
{
	return 0;
}
