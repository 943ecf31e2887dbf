/*
 * Native benchmarks of the kernel test root task, run with "kage.bench"
 * under QEMU -icount shift=0, where instret counts guest instructions
 * exactly: each figure is instructions per operation, user and kernel
 * together, the same on every run.
 */
#include "lib/instret.h"
#include "lib/native.h"
#include "tests/kernel/root.h"

#define AREA 0x40000000ul
#define PAGE 4096ul
#define FAULT_PAGES 256
#define CLONE_BYTES (16ul << 20)

static void report(const char *name, uint64_t total, uint64_t count)
{
	say("kage-bench: %s %lu instructions\n", name, (unsigned long)(total / count));
}

static void bench_null_call(void)
{
	const int n = 10000;
	uint64_t t0 = instret();

	for (int i = 0; i < n; i++)
		native_call(KAGE_SYS_NULL, 0, 0);
	report("native_null_call", instret() - t0, n);
}

/* Touches pages one by one; the fault dominates, the loop is a few instructions. */
static uint64_t touch(uint64_t base, unsigned pages)
{
	uint64_t t0 = instret();

	for (unsigned i = 0; i < pages; i++)
		*(volatile char *)(base + i * PAGE) = 1;
	return instret() - t0;
}

static void bench_faults(void)
{
	long copy;

	native_space_map(KAGE_HANDLE_SELF_SPACE, AREA, FAULT_PAGES * PAGE, KAGE_PROT_READ | KAGE_PROT_WRITE);
	report("demand_zero_fault", touch(AREA, FAULT_PAGES), FAULT_PAGES);
	copy = native_space_clone(KAGE_HANDLE_SELF_SPACE);
	report("cow_fault_copy", touch(AREA, FAULT_PAGES), FAULT_PAGES);
	native_handle_close(copy);
	native_space_unmap(KAGE_HANDLE_SELF_SPACE, AREA, FAULT_PAGES * PAGE);
}

static void bench_clone(void)
{
	uint64_t t0;
	long copy;

	native_space_map(KAGE_HANDLE_SELF_SPACE, AREA, CLONE_BYTES, KAGE_PROT_READ | KAGE_PROT_WRITE);
	touch(AREA, CLONE_BYTES / PAGE);
	t0 = instret();
	copy = native_space_clone(KAGE_HANDLE_SELF_SPACE);
	report("space_clone_16MiB_touched", instret() - t0, 1);
	t0 = instret();
	native_handle_close(copy);
	report("space_destroy_16MiB_clone", instret() - t0, 1);
	/* Sole owner again: a write only takes write permission back. */
	report("cow_fault_sole_owner", touch(AREA, FAULT_PAGES), FAULT_PAGES);
	native_space_unmap(KAGE_HANDLE_SELF_SPACE, AREA, CLONE_BYTES);
}

/* A server answering everything on its handle 0, as fast as it can. */
static void ipc_server(long arg)
{
	const uint64_t w[5] = { 0 };
	struct kage_msg m;
	long token = native_ipc_recv(0, &m);

	(void)arg;
	for (;;)
		token = native_ipc_reply_recv(0, token, w, &m);
}

static long linux_getpid(void)
{
	register long a0 __asm__("a0") = 0;
	register long a7 __asm__("a7") = 172;

	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
	return a0;
}

/*
 * Round trips to a server task in the same space: a native call and
 * reply_recv, then a Linux ecall forwarded through the personality
 * endpoint (the root task keeps it bound; it is the last benchmark).
 */
static void bench_ipc(void)
{
	const int n = 10000;
	const uint64_t w[6] = { 1, 2, 3 };
	long ep = native_ep_create(), t = child_create(KAGE_HANDLE_SELF_SPACE, ipc_server, 0, 3);
	uint64_t t0;

	native_handle_copy(ep, t, KAGE_RIGHT_RECV, 0);
	native_task_resume(t);
	native_task_yield();	/* the server waits in ipc_recv now */
	t0 = instret();
	for (int i = 0; i < n; i++)
		native_ipc_call(ep, w, 0);
	report("ipc_round_trip", instret() - t0, n);
	native_task_bind(KAGE_HANDLE_SELF_TASK, KAGE_BIND_PERSONALITY, ep);
	t0 = instret();
	for (int i = 0; i < n; i++)
		linux_getpid();
	report("forwarded_linux_call", instret() - t0, n);
	native_task_kill(t, 0);
	native_handle_close(t);
	native_handle_close(ep);
}

void bench_run(void)
{
	bench_null_call();
	bench_faults();
	bench_clone();
	bench_ipc();
	say("kage-bench: done\n");
}
