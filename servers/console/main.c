/*
 * The console server's start and message handler. The process server starts
 * it from a boot module with the UART's registers and interrupt, its own
 * endpoint and send handles to the process server (for the signal keys)
 * and the file server (for the console's readiness).
 */
#include "lib/errno.h"
#include "lib/heap.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/console/console.h"
#include "servers/protocol.h"

static long console_endpoint = -1, console_proc_ep = -1, console_fs_ep = -1;
struct heap console_heap;

void console_interrupt(int sig, int pgrp)
{
	const uint64_t w[6] = { PROC_OP_INTERRUPT, (uint64_t)sig, (uint64_t)pgrp };

	native_ipc_call(console_proc_ep, w, 0);
}

void console_tell_fs(int readable)
{
	const uint64_t w[6] = { FS_OP_CONSOLE_READY, (uint64_t)readable };

	if (console_fs_ep >= 0)
		native_ipc_call(console_fs_ep, w, 0);
}

void console_tell_fs_ctty(void)
{
	const uint64_t w[6] = { FS_OP_CONSOLE_CTTY };

	if (console_fs_ep >= 0)
		native_ipc_call(console_fs_ep, w, 0);
}

/* Every message the console server gets (native_serve): whether to answer now. */
static long console_handle(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	long r;

	if (m->kind != KAGE_MSG_CALL)
		return 0;
	if (m->badge == PROTO_BADGE_HELPER) {
		console_input();	/* input, or a write's next piece: see to both */
		console_pump();
		r = 0;
	} else {
		r = console_call(token, m);
	}
	console_settle();
	if (r == CONSOLE_LATER)
		return 0;
	out[0] = (uint64_t)r;
	return 1;
}

long native_main(const char *args, const struct kage_bootinfo *bi)
{
	long err;

	(void)args;
	console_endpoint = native_boot_handle(bi, KAGE_BOOT_ENDPOINT, "console");
	console_proc_ep = native_boot_handle(bi, KAGE_BOOT_ENDPOINT, "proc");
	console_fs_ep = native_boot_handle(bi, KAGE_BOOT_ENDPOINT, "fs");
	if (console_endpoint < 0 || console_proc_ep < 0)
		return 1;
	err = native_heap_init(&console_heap, KAGE_SERVER_CONSOLE);
	if (err < 0)
		native_say("kage: console: no heap (error %ld): reads and long writes fail\n", err);
	err = console_init(bi, console_endpoint);
	if (err < 0)
		native_say("kage: console: no input (error %ld); reads of the console give end of file\n", err);
	console_settle();
	return native_serve(console_endpoint, console_handle);
}
