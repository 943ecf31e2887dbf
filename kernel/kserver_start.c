/*
 * Starting the servers linked into the kernel (MODE=mono): the root
 * task's start at boot, and the process server's native_server_create /
 * native_server_run of the others; native_serve and native_helper_start,
 * with which a start ends. kernel/kserver.h states the rules; the
 * dispatch is kernel/kserver.c's.
 *
 * Ownership: a server's task is made here with one reference, which its
 * handle (or, for the root, the scheduler) holds; a start that ends
 * without serving is the server's exit, and its task dies with the
 * status.
 */
#include "kernel/boot.h"
#include "kernel/klog.h"
#include "kernel/kserver.h"
#include "kernel/kserver_impl.h"
#include "kernel/module.h"
#include "kernel/sched.h"
#include "kernel/sys.h"
#include "lib/errno.h"
#include "lib/string.h"

static const struct kserver_main *kserver_main_of(const char *name)
{
	for (const struct kserver_main *m = kserver_mains; m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

/* The first server in the table is the root, as boot module 0 is in MODE=micro. */
bool kserver_linked(void)
{
	return kserver_mains[0].name != NULL;
}

struct kserver_start_job {
	const struct kserver_main *sm;
	struct task *task;
	const char *args;
	const struct kage_bootinfo *bi;
	long result;
};

static void kserver_start_job(void *arg)
{
	struct kserver_start_job *j = arg;
	struct task *prev = hart_self()->running;

	hart_self()->running = j->task;
	j->task->state = TASK_RUNNING;
	j->result = j->sm->main(j->args, j->bi);
	j->task->state = TASK_SUSPENDED;
	hart_self()->running = prev;
}

/*
 * Runs a server's start (its native_main) to the point where it serves
 * its endpoint, then what reached it meanwhile. A start that ends
 * without serving is the server's exit: its task dies with the status.
 * The root's task stays until the scheduler has seen it dead and shut
 * the system down, as a root task that exits does.
 */
static long kserver_start(const struct kserver_main *sm, struct task *k, const char *args,
			  const struct kage_bootinfo *bi, bool root)
{
	struct kserver_start_job j = { sm, k, args, bi, 0 };
	struct kserver *ks;

	kserver_call_on_stack(kserver_start_job, &j);
	ks = kserver_of_task(k);
	if (!ks) {
		klog("kage: %s: ended its start without serving (status %ld)\n", k->name, j.result);
		if (root) {
			kobj_get(&k->obj);
			task_die(k, j.result);
			sched_bury(k);
			return 0;
		}
		task_die(k, j.result);
		return j.result < 0 ? j.result : -EINVAL;
	}
	if (kserver_has_work(ks))
		kserver_due.pending = true;	/* served at the next safe point */
	return 0;
}

/*
 * Server sm's task, of the role its table entry gives: never scheduled,
 * with its (empty) space and itself as handles 0 and 1.
 */
static int kserver_task_new(const struct kserver_main *sm, struct task **out)
{
	struct space *s;
	struct task *k;
	int err = space_create(&s);

	if (err < 0)
		return err;
	err = task_create(s, sm->name, sm->role, 0, 0, &k);
	kobj_put(&s->obj);
	if (err < 0)
		return err;
	k->kmode = true;
	if (handle_install(&k->handles, &k->space->obj, HANDLE_RIGHTS_ALL, 0) != KAGE_HANDLE_SELF_SPACE ||
	    handle_install(&k->handles, &k->obj, HANDLE_RIGHTS_ALL, 0) != KAGE_HANDLE_SELF_TASK) {
		task_die(k, -ENOMEM);
		return -ENOMEM;
	}
	*out = k;
	return 0;
}

int kserver_start_root(struct task **out)
{
	static struct kage_bootinfo bi;	/* too big for a kernel stack */
	const struct kserver_main *sm = &kserver_mains[0];
	struct task *k;
	int err = kserver_task_new(sm, &k);

	if (err < 0)
		return err;
	memset(&bi, 0, sizeof(bi));
	err = module_give_boot(k, &bi);
	if (err < 0) {
		task_die(k, err);
		return err;
	}
	err = (int)kserver_start(sm, k, boot.platform.bootargs, &bi, true);
	memset(bi.seed, 0, sizeof(bi.seed));	/* its start has taken the seed */
	if (err < 0)
		return err;
	*out = k;
	return 0;
}

long kserver_create(const char *name)
{
	const struct kserver_main *sm = kserver_main_of(name);
	struct task *k;
	int64_t h;
	int err;

	if (!sm)
		return -ENOENT;
	err = kserver_task_new(sm, &k);
	if (err < 0)
		return err;
	h = handle_install(&sched_current()->handles, &k->obj, HANDLE_RIGHTS_ALL, 0);
	if (h < 0)
		task_die(k, h);
	return h;
}

long kserver_run(long task, const struct kage_bootinfo *bi)
{
	const struct kserver_main *sm;
	struct task *k;
	int64_t err = sys_object(sched_current(), (uint64_t)task, KOBJ_TASK, HANDLE_RIGHT_WRITE, &k);

	if (err < 0)
		return err;
	if (!k->kmode || k->state == TASK_DEAD || kserver_of_task(k))
		return -EINVAL;
	sm = kserver_main_of(k->name);	/* kserver_create named the task after its entry */
	if (!sm)
		return -ENOENT;
	return kserver_start(sm, k, "", bi, false);
}

long kserver_serve(long ep, kserver_handler fn)
{
	struct task *t = sched_current();
	struct endpoint *e;
	struct kserver *ks;
	int64_t err = sys_object(t, (uint64_t)ep, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, &e);

	if (err < 0)
		return err;
	ks = kserver_for(e);
	if (!ks)
		return -ENOMEM;
	if (ks->handler)
		return -EBUSY;
	ks->task = t;
	ks->handler = fn;
	return 0;
}

long kserver_serve_plain(long ep, kserver_plain_handler fn, const uint64_t *which, uint64_t count)
{
	struct endpoint *e;
	struct kserver *ks;
	int64_t err = sys_object(sched_current(), (uint64_t)ep, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, &e);

	if (err < 0)
		return err;
	if (!fn || !which)
		return -EINVAL;
	ks = kserver_for(e);
	if (!ks)
		return -ENOMEM;
	if (!ks->handler || ks->task != sched_current())
		return -EPERM;	/* kserver_serve first: a plain call needs its server serving */
	err = endpoint_set_plain(e, which, count);
	if (err < 0)
		return err;
	ks->plain = fn;
	return 0;
}

long kserver_helper(long ep, long notif)
{
	struct task *t = sched_current();
	struct endpoint *e;
	struct notif *n;
	struct kserver *ks;
	int64_t err = sys_object(t, (uint64_t)ep, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &e);

	if (err == 0)
		err = sys_object(t, (uint64_t)notif, KOBJ_NOTIFICATION, HANDLE_RIGHT_READ, &n);
	if (err < 0)
		return err;
	ks = kserver_for(e);
	if (!ks)
		return -ENOMEM;
	n->kserver = ks;
	if (n->bits)
		kserver_notify(n);
	return 0;
}
