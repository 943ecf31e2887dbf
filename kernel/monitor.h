/*
 * The kernel monitor: a small command line on the kernel console for
 * looking at a booted kage (memory, frames, timer, initramfs) and for
 * powering it off. It is what an Image without a root task boots to
 * (the plain Image: `make run IMAGE=monitor`).
 */
#ifndef KAGE_KERNEL_MONITOR_H
#define KAGE_KERNEL_MONITOR_H

__attribute__((noreturn)) void monitor_run(void);

#endif
