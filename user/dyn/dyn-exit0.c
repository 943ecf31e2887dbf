/* The smallest dynamically linked program: exits 0. The dynamic exec benchmark runs it. */
int main(void)
{
	return 0;
}
