/* Native calls on endpoints, notifications, interrupts and timers (lib/kage_abi.h). */
#include "kernel/ipc.h"
#include "kernel/irq.h"
#include "kernel/kserver.h"
#include "kernel/notif.h"
#include "kernel/sys.h"
#include "kernel/sys_copy.h"
#include "kernel/timer.h"
#include "lib/errno.h"

/* Bit 63 would read as an error in a0. */
#define SYS_NOTIF_BITS 0x7fffffffffffffffull

int64_t sys_ep_create(struct task *t, struct trapframe *tf)
{
	struct endpoint *ep;
	int err = endpoint_create(&ep);

	(void)tf;
	return err < 0 ? err : sys_install_new(t, &ep->obj);
}

int64_t sys_ipc_call(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	int err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &h);

	if (err < 0)
		return err;
	ipc_send(t, (struct endpoint *)h->obj, TASK_MSG_CALL, h->badge);
}

int64_t sys_ipc_recv(struct task *t, struct trapframe *tf)
{
	struct endpoint *ep;
	int64_t err = sys_object(t, tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, &ep);

	return err < 0 ? err : ipc_recv(t, ep);
}

/* The reply words are the caller's registers a1-a6 (a2-a6 with reply_recv). */
int64_t sys_ipc_reply(struct task *t, struct trapframe *tf)
{
	return ipc_reply(t, tf->a0, &tf->a[1]);
}

int64_t sys_ipc_reply_recv(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	int err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, &h);

	return err < 0 ? err : ipc_reply_recv(t, (struct endpoint *)h->obj, tf->a1, &tf->a[2]);
}

/* The copy first, before anything is answered: an error leaves the call the server's (lib/kage_abi.h). */
int64_t sys_ipc_reply_copy_recv(struct task *t, struct trapframe *tf)
{
	const uint64_t words[IPC_REPLY_WORDS - 1] = { tf->a2 };
	const struct handle *h;
	struct space *s;
	int64_t err = handle_lookup(&t->handles, (int64_t)tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, &h);

	if (err == 0 && tf->a5 > KAGE_COPY_MAX)
		err = -EINVAL;
	if (err == 0)
		err = sys_caller_space(t, tf->a1, &s);
	if (err == 0)
		err = sys_copy_with(t, t->space, s, tf->a3, tf->a4, tf->a5, true, true);
	return err < 0 ? err : ipc_reply_recv(t, (struct endpoint *)h->obj, tf->a1, words);
}

/* call_seq's low bits are zero (kernel/taskid.h), so | 1 names this call and matches no other. */
int64_t sys_ipc_hold(struct task *t, struct trapframe *tf)
{
	struct task *c = ipc_caller(t, tf->a0);

	if (!c || tf->a1 > KAGE_HOLD_ASK)
		return c ? -EINVAL : -ESRCH;
	if (tf->a1 == KAGE_HOLD_ASK)
		return c->alert_pending && c->alert_interrupt;
	if (tf->a1 == KAGE_HOLD_KEEP) {
		c->held_seq = c->call_seq | 1;
		return 0;
	}
	c->held_seq = 0;
	if (!c->alert_pending || !c->alert_interrupt)
		return 0;
	ipc_interrupt(c);
	return 1;
}

/* KAGE_FORWARD_RECV's endpoint: looked up before the forward, so a bad one forwards nothing. */
static int sys_forward_receiver(struct task *t, const struct trapframe *tf, struct endpoint **ep)
{
	if (kserver_task(t))
		return -EDEADLK;	/* a server in the kernel never receives (kernel/kserver.h) */
	return (int)sys_object(t, tf->a4, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, ep);
}

int64_t sys_ipc_forward(struct task *t, struct trapframe *tf)
{
	const struct handle *h;
	struct endpoint *recv_ep;
	uint64_t words[8];
	int64_t err = handle_lookup(&t->handles, (int64_t)tf->a1, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &h);

	if (err < 0)
		return err;
	if (tf->a2 && sys_copy_in(t, tf->a2, words, sizeof(words)) < 0)
		return -EFAULT;
	if (tf->a3 & ~(uint64_t)(KAGE_FORWARD_HOLD | KAGE_FORWARD_RECV))
		return -EINVAL;
	recv_ep = NULL;
	if (tf->a3 & KAGE_FORWARD_RECV) {
		err = sys_forward_receiver(t, tf, &recv_ep);
		if (err < 0)
			return err;
	}
	err = ipc_forward(t, tf->a0, (struct endpoint *)h->obj, tf->a2 ? words : NULL, h->badge, tf->a3);
	if (err < 0 || !recv_ep)
		return err;
	return ipc_reply_recv(t, recv_ep, 0, NULL);
}

/* Only the receiver of an endpoint's calls may hand them elsewhere: RECV. */
int64_t sys_ep_route(struct task *t, struct trapframe *tf)
{
	uint64_t which[KAGE_ROUTE_WORDS];
	struct endpoint *ep, *to = NULL;
	int64_t err = sys_object(t, tf->a0, KOBJ_ENDPOINT, HANDLE_RIGHT_RECV, &ep);

	if (err < 0)
		return err;
	if ((int64_t)tf->a1 == -1)
		return endpoint_route(ep, NULL, NULL);
	err = sys_object(t, tf->a1, KOBJ_ENDPOINT, HANDLE_RIGHT_SEND, &to);
	if (err < 0)
		return err;
	if (sys_copy_in(t, tf->a2, which, sizeof(which)) < 0)
		return -EFAULT;
	return endpoint_route(ep, to, which);
}

int64_t sys_notif_create(struct task *t, struct trapframe *tf)
{
	struct notif *n;
	int err = notif_create(&n);

	(void)tf;
	return err < 0 ? err : sys_install_new(t, &n->obj);
}

int64_t sys_notif_wait(struct task *t, struct trapframe *tf)
{
	struct notif *n;
	int64_t err = sys_object(t, tf->a0, KOBJ_NOTIFICATION, HANDLE_RIGHT_READ, &n);

	return err < 0 ? err : notif_wait(t, n);
}

int64_t sys_notif_signal(struct task *t, struct trapframe *tf)
{
	struct notif *n;
	int64_t err = sys_object(t, tf->a0, KOBJ_NOTIFICATION, HANDLE_RIGHT_WRITE, &n);

	if (err < 0)
		return err;
	if (!tf->a1 || (tf->a1 & ~SYS_NOTIF_BITS))
		return -EINVAL;
	notif_signal(n, tf->a1);
	return 0;
}

int64_t sys_irq_bind(struct task *t, struct trapframe *tf)
{
	struct notif *n = NULL;
	struct irq *irq;
	int64_t err = sys_object(t, tf->a0, KOBJ_IRQ, HANDLE_RIGHT_WRITE, &irq);

	if (err < 0)
		return err;
	if ((int64_t)tf->a1 != -1) {
		err = sys_object(t, tf->a1, KOBJ_NOTIFICATION, HANDLE_RIGHT_WRITE, &n);
		if (err < 0)
			return err;
		if (!tf->a2 || (tf->a2 & ~SYS_NOTIF_BITS))
			return -EINVAL;
	}
	return irq_bind(irq, n, tf->a2);
}

int64_t sys_irq_ack(struct task *t, struct trapframe *tf)
{
	struct irq *irq;
	int64_t err = sys_object(t, tf->a0, KOBJ_IRQ, HANDLE_RIGHT_WRITE, &irq);

	return err < 0 ? err : irq_ack(irq);
}

int64_t sys_timer_notify(struct task *t, struct trapframe *tf)
{
	struct notif *n;
	int64_t err = sys_object(t, tf->a0, KOBJ_NOTIFICATION, HANDLE_RIGHT_WRITE, &n);

	if (err < 0)
		return err;
	if (!tf->a2) {
		timer_cancel(n);
		return 0;
	}
	if (tf->a2 & ~SYS_NOTIF_BITS)
		return -EINVAL;
	timer_notify(n, tf->a1, tf->a2);
	return 0;
}
