/*
 * The kernel monitor: a small command line on the kernel console for
 * looking at a booted kage (memory, frames, timer, initramfs) and for
 * powering it off. It is what `make run` reaches until the process server
 * starts /init in its place.
 */
#ifndef KAGE_KERNEL_MONITOR_H
#define KAGE_KERNEL_MONITOR_H

__attribute__((noreturn)) void monitor_run(void);

#endif
