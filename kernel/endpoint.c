#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/kalloc.h"
#include "kernel/panic.h"
#include "lib/errno.h"

static void endpoint_destroy(struct kobj *obj)
{
	struct endpoint *ep = (struct endpoint *)obj;

	kassert(!ep->senders.head && !ep->receivers.head);
	kfree(ep, sizeof(*ep));
}

int endpoint_create(struct endpoint **out)
{
	struct endpoint *ep = kzalloc(sizeof(*ep));

	if (!ep)
		return -ENOMEM;
	kobj_init(&ep->obj, KOBJ_ENDPOINT, endpoint_destroy);
	ep->obj.unreceivable = ipc_unreceivable;	/* its callers learn that nobody will answer */
	*out = ep;
	return 0;
}

void endpoint_cancel(struct endpoint *ep, struct task *t)
{
	task_queue_remove(t->state == TASK_SENDING ? &ep->senders : &ep->receivers, t);
	kobj_put(&ep->obj);
}
