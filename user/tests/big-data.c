/*
 * A program with 1 MiB of initialized data: execve must copy it (only
 * read-only pages are shared with the initramfs), so user/tests/oom.c
 * execs it to see execve fail for want of memory. Run, it checks a byte
 * at each end of its data and exits 0.
 */
static volatile char big[1 << 20] = { 1, [(1 << 20) - 1] = 2 };

int main(void)
{
	return big[0] == 1 && big[sizeof(big) - 1] == 2 ? 0 : 1;
}
