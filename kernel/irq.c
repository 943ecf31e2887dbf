#include "kernel/irq.h"
#include "kernel/klog.h"
#include "kernel/kalloc.h"
#include "kernel/plic.h"
#include "lib/errno.h"

#define IRQ_MAX 128

static struct irq *irq_table[IRQ_MAX];

static void irq_destroy(struct kobj *obj)
{
	struct irq *irq = (struct irq *)obj;

	irq_bind(irq, NULL, 0);
	irq_table[irq->source] = NULL;
	kfree(irq, sizeof(*irq));
}

struct irq *irq_get(uint32_t source)
{
	struct irq *irq;

	if (source == 0 || source >= IRQ_MAX || !plic_present() || source > plic_sources())
		return NULL;
	if (irq_table[source]) {
		kobj_get(&irq_table[source]->obj);
		return irq_table[source];
	}
	irq = kzalloc(sizeof(*irq));
	if (!irq)
		return NULL;
	kobj_init(&irq->obj, KOBJ_IRQ, irq_destroy);
	irq->source = source;
	irq_table[source] = irq;
	return irq;
}

int irq_bind(struct irq *irq, struct notif *n, uint64_t bits)
{
	if (!plic_present())
		return -ENODEV;
	if (irq->notif)
		kobj_put(&irq->notif->obj);
	if (n)
		kobj_get(&n->obj);
	irq->notif = n;
	irq->bits = bits;
	if (irq->claimed && !n) {
		irq->claimed = false;
		plic_complete(irq->source);
	}
	plic_enable(irq->source, n != NULL);
	return 0;
}

int irq_ack(struct irq *irq)
{
	if (!irq->claimed)
		return -EINVAL;
	irq->claimed = false;
	plic_complete(irq->source);
	return 0;
}

void irq_dispatch(void)
{
	uint32_t source;

	while ((source = plic_claim()) != 0) {
		struct irq *irq = source < IRQ_MAX ? irq_table[source] : NULL;

		if (!irq || !irq->notif) {
			/* Nobody serves it: silence it rather than take it forever. */
			klog("kage: interrupt %u has no driver; disabled\n", source);
			plic_enable(source, false);
			plic_complete(source);
			continue;
		}
		irq->claimed = true;
		notif_signal(irq->notif, irq->bits);
	}
}
