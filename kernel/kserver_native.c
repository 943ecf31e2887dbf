/*
 * The direct-call side of lib/native.h (MODE=mono): the servers are
 * linked into the kernel, so each native call is a call of the kernel's
 * own handler for it, made as the server's task (kernel/kserver.h).
 * Compiled only into MODE=mono system Images, with the servers and
 * KAGE_NATIVE_DIRECT, which makes lib/native.h declare this side.
 *
 * Every entry first settles a light plain call (kserver_settle): from
 * its first native call on, the handler runs as its server's task with
 * its caller waiting, exactly as if that had been so from the start.
 */
#include "kernel/counters.h"
#include "kernel/frame.h"
#include "kernel/klog.h"
#include "kernel/kmap.h"
#include "kernel/kserver.h"
#include "kernel/kserver_impl.h"
#include "kernel/memlayout.h"
#include "kernel/memobj.h"
#include "kernel/sched.h"
#include "kernel/srvmem.h"
#include "kernel/sys.h"
#include "kernel/sys_copy.h"
#include "kernel/syscall.h"
#include "lib/errno.h"
#include "lib/native.h"

static const void *kserver_map_item(long handle)
{
	struct memobj *m;

	if (sys_object(sched_current(), (uint64_t)handle, KOBJ_MEMORY, HANDLE_RIGHT_READ, &m) < 0)
		return NULL;
	if (memobj_has_frames(m))
		return NULL;	/* boot items are physical ranges; frames have no one address */
	if (frame_is_ram(m->base))
		return phys_to_virt(m->base);	/* the initramfs: already in the direct map */
	return kmap_device(m->base, m->size);
}

static int64_t kserver_refuse(const struct task *t, const char *what)
{
	klog("kage: %s: %s in the kernel would wait; refused\n", t->name, what);
	return -EDEADLK;
}

/*
 * ipc_call from a server: the other server's handler runs now and must
 * answer now, since nothing can wait in the kernel. The words travel in
 * t's own frame, as they would in its registers.
 */
static int64_t kserver_call(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	struct endpoint *ep;
	int err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &h);

	if (err < 0)
		return err;
	ep = (struct endpoint *)h->obj;
	if (!kserver_serves(ep) || ep->kserver->busy || !ep->kserver->handler)
		return kserver_refuse(t, "a call to a busy or absent server");
	for (int i = 1; i <= 6; i++)
		t->tf->a[i] = tf->a[i];
	t->msg = TASK_MSG_CALL;
	t->msg_badge = h->badge;
	t->fwd_rewritten = false;
	COUNT(msg_calls);
	kserver_enter(ep->kserver, t);
	if (t->state == TASK_REPLY_WAIT) {
		task_next_call(t);	/* the kept token goes stale */
		t->replier = NULL;
		t->state = TASK_RUNNING;
		return kserver_refuse(t, "a call answered later");
	}
	for (int i = 0; i < 6; i++)
		tf->a[i] = t->tf->a[i];
	return (int64_t)tf->a0;
}

static long kserver_native(uint64_t nr, uint64_t a[7])
{
	struct task *t = sched_current();
	struct trapframe tf;
	int64_t r;

	COUNT(direct_native);
	/* Word by word, not a loop: this is every native call's path in MODE=mono. */
	tf.a0 = a[0], tf.a1 = a[1], tf.a2 = a[2], tf.a3 = a[3], tf.a4 = a[4], tf.a5 = a[5], tf.a6 = a[6];
	tf.a7 = nr;
	switch (nr) {
	case KAGE_SYS_IPC_CALL:
		r = kserver_call(t, &tf);
		break;
	case KAGE_SYS_SPACE_MAP:
		r = a[0] == KAGE_HANDLE_SELF_SPACE ? srvmem_map(a[1], a[2], a[3]) : syscall_native(t, &tf);
		break;
	case KAGE_SYS_SPACE_UNMAP:
		r = a[0] == KAGE_HANDLE_SELF_SPACE ? srvmem_unmap(a[1], a[2]) : syscall_native(t, &tf);
		break;
	case KAGE_SYS_IPC_RECV:
	case KAGE_SYS_IPC_REPLY_RECV:
	case KAGE_SYS_IPC_REPLY_COPY_RECV:
	case KAGE_SYS_NOTIF_WAIT:
	case KAGE_SYS_TASK_YIELD:
		r = kserver_refuse(t, "a receive, wait or yield");
		break;
	default:
		r = syscall_native(t, &tf);
	}
	a[0] = (uint64_t)r;
	a[1] = tf.a1, a[2] = tf.a2, a[3] = tf.a3, a[4] = tf.a4, a[5] = tf.a5;
	return r;
}

long native_direct(uint64_t nr, uint64_t a[7])
{
	kserver_settle();
	return kserver_native(nr, a);
}

long native_caller_copy(uint64_t token, uint64_t va, uint64_t buf, uint64_t len, int write)
{
	/* No kserver_settle: this needs a token, which no plain call has, so no light call gets here. */
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
	kserver_settle();
	return kserver_map_item(it->handle);
}

long native_helper_start(long endpoint, long notif, void *stack, size_t size)
{
	(void)stack, (void)size;	/* no task: the notification calls the server */
	kserver_settle();
	return kserver_helper(endpoint, notif);
}

long native_serve(long ep, native_handler fn)
{
	kserver_settle();
	return kserver_serve(ep, fn);
}

long native_serve_calls(const struct native_service *s)
{
	long err, plain;

	kserver_settle();
	err = kserver_serve(s->ep, s->fn);
	if (err < 0 || !s->plain)
		return err;
	plain = kserver_serve_plain(s->ep, s->plain, s->which, s->count);
	if (plain < 0)
		native_say("kage: plain calls refused (error %ld): every call comes as a message\n", plain);
	return 0;
}

long native_server_create(const char *name)
{
	kserver_settle();
	return kserver_create(name);
}

long native_server_run(long task, const struct kage_bootinfo *bi)
{
	kserver_settle();
	return kserver_run(task, bi);
}
