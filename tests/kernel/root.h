/* Shared by the kernel test root task's files. */
#ifndef KAGE_TESTS_KERNEL_ROOT_H
#define KAGE_TESTS_KERNEL_ROOT_H

void check(int ok, const char *name, const char *why);
void cow_checks(void);
void demand_checks(void);
void bench_run(void);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
