/*
 * The direct-call side of lib/native.h (MODE=mono): the servers are
 * linked into the kernel, so each native call is a call of the kernel's
 * own handler for it, made as the server's task (kernel/kserver.h).
 * Compiled only into MODE=mono system Images, with the servers and
 * KAGE_NATIVE_DIRECT, which makes lib/native.h declare this side.
 */
#include "kernel/counters.h"
#include "kernel/kserver.h"
#include "kernel/sched.h"
#include "kernel/sys.h"
#include "kernel/sys_copy.h"
#include "lib/native.h"

long native_direct(uint64_t nr, uint64_t a[7])
{
	return kserver_native(nr, a);
}

long native_caller_copy(uint64_t token, uint64_t va, uint64_t buf, uint64_t len, int write)
{
	COUNT(direct_native);
	return sys_caller_copy(sched_current(), token, va, buf, len, write != 0);
}

/* In the kernel the copy is a function call already: made at once, and nothing is ever undone. */
long native_answer_copy(const struct kage_msg *m, uint64_t va, const void *buf, uint64_t len, native_undo undo,
			void *arg)
{
	(void)undo, (void)arg;
	return native_caller_copy(m->token, va, (uint64_t)buf, len, 1);
}

const void *native_map_item(const struct kage_bootitem *it, uint64_t va, unsigned prot)
{
	(void)va, (void)prot;	/* kernel memory is mapped already: RAM directly, devices on demand */
	return kserver_map_item(it->handle);
}

long native_helper_start(long endpoint, long notif, void *stack, size_t size)
{
	(void)stack, (void)size;	/* no task: the notification calls the server */
	return kserver_helper(endpoint, notif);
}

long native_serve(long ep, native_handler fn)
{
	return kserver_serve(ep, fn);
}

long native_serve_calls(const struct native_service *s)
{
	long err = s->plain ? kserver_serve_plain(s->ep, s->plain, s->which, s->count) : 0;

	if (err < 0)
		native_say("kage: plain calls refused (error %ld): every call comes as a message\n", err);
	return kserver_serve(s->ep, s->fn);
}

long native_server_create(const char *name)
{
	return kserver_create(name);
}

long native_server_run(long task, const struct kage_bootinfo *bi)
{
	return kserver_run(task, bi);
}
