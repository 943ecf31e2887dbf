#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/kalloc.h"
#include "kernel/panic.h"
#include "lib/errno.h"

static void endpoint_route_free(struct endpoint_route *r)
{
	if (!r)
		return;
	kobj_put(&r->to->obj);
	kfree(r, sizeof(*r));
}

int endpoint_route(struct endpoint *ep, struct endpoint *to, const uint64_t which[KAGE_ROUTE_WORDS])
{
	struct endpoint_route *r = NULL;

	if (to && (to == ep || to->route))
		return -EINVAL;	/* no route ever leads back */
	if (to) {
		r = kzalloc(sizeof(*r));
		if (!r)
			return -ENOMEM;
		for (int i = 0; i < KAGE_ROUTE_WORDS; i++)
			r->which[i] = which[i];
		kobj_get(&to->obj);
		r->to = to;
	}
	endpoint_route_free(ep->route);
	ep->route = r;
	return 0;
}

static void endpoint_destroy(struct kobj *obj)
{
	struct endpoint *ep = (struct endpoint *)obj;

	kassert(!ep->senders.head && !ep->receivers.head);
	endpoint_route_free(ep->route);
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
