/* The smallest static glibc program: exits 0. The exec benchmarks run it. */
int main(void)
{
	return 0;
}
