/*
 * Device interrupts as objects: an irq object names one PLIC source. A
 * driver binds it to a notification; when the source fires the kernel
 * claims it, signals the notification and leaves the source claimed (so
 * a level-triggered device cannot storm) until the driver has served the
 * device and calls irq_ack.
 * Ownership: the kernel makes a source's object when it first hands it
 * out (the console UART's, to the root task). Reference count
 * (kobj): handles naming it; the kernel's table entry is a weak pointer
 * cleared on destroy. A bound object holds a reference on its
 * notification.
 */
#ifndef KAGE_KERNEL_IRQ_H
#define KAGE_KERNEL_IRQ_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/kobj.h"
#include "kernel/notif.h"

struct irq {
	struct kobj obj;
	uint32_t source;	/* PLIC source number */
	bool claimed;		/* delivered, not yet acknowledged */
	struct notif *notif;	/* NULL while unbound */
	uint64_t bits;
};

/* A new reference to the object for PLIC source `source` (created on first use), or NULL. */
struct irq *irq_get(uint32_t source);
/* Delivers `bits` on n whenever the source fires (n NULL: unbind): 0 or -ENODEV. */
int irq_bind(struct irq *irq, struct notif *n, uint64_t bits);
/* The driver has served the device: the source may fire again. 0, or -EINVAL if none was pending. */
int irq_ack(struct irq *irq);
/* An external interrupt trap: claims and delivers every pending source. */
void irq_dispatch(void);

#endif
