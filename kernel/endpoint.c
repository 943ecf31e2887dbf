#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/kalloc.h"
#include "kernel/panic.h"
#include "lib/errno.h"

static void endpoint_route_free(struct endpoint_route *r)
{
	if (!r)
		return;
	if (r->to)
		kobj_put(&r->to->obj);
	kfree(r, sizeof(*r));
}

/* ep's maps, made (all clear) on first use: NULL when out of memory. */
static struct endpoint_route *endpoint_maps(struct endpoint *ep)
{
	if (!ep->route)
		ep->route = kzalloc(sizeof(*ep->route));
	return ep->route;
}

int endpoint_route(struct endpoint *ep, struct endpoint *to, const uint64_t which[KAGE_ROUTE_WORDS])
{
	struct endpoint_route *r;

	if (to && (to == ep || (to->route && to->route->to)))
		return -EINVAL;	/* no route ever leads back */
	if (!to && !ep->route)
		return 0;
	r = endpoint_maps(ep);
	if (!r)
		return -ENOMEM;
	if (to)
		kobj_get(&to->obj);
	if (r->to)
		kobj_put(&r->to->obj);
	r->to = to;
	for (int i = 0; i < KAGE_ROUTE_WORDS; i++)
		r->which[i] = to ? which[i] : 0;
	return 0;
}

int endpoint_set_plain(struct endpoint *ep, const uint64_t *which, uint64_t count)
{
	struct endpoint_route *r = endpoint_maps(ep);

	if (!r)
		return -ENOMEM;
	for (uint64_t nr = 0; nr < KAGE_ROUTE_NR; nr++) {
		uint64_t bit = 1ull << (nr % 64);

		if (kage_nr_has(which, count, nr))
			r->plain[nr / 64] |= bit;
		else
			r->plain[nr / 64] &= ~bit;
	}
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
