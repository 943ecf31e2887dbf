/*
 * The servers linked into this Image (MODE=mono, kernel/kserver.h): the
 * system Image is built with KAGE_SERVERS_LINKED and the servers' code;
 * every other Image with an empty table, and boots its root task module.
 * The first entry is the root task; each says what its task is, as the
 * module table does in MODE=micro (boot/modules.S).
 */
#include "kernel/kserver.h"

#ifdef KAGE_SERVERS_LINKED
long proc_main(const char *args, const struct kage_bootinfo *bi);
long fs_main(const char *args, const struct kage_bootinfo *bi);
long console_main(const char *args, const struct kage_bootinfo *bi);

const struct kserver_main kserver_mains[] = {
	{ "proc", KAGE_SERVER_PROC, proc_main },
	{ "fs", KAGE_SERVER_FS, fs_main },
	{ "console", KAGE_SERVER_CONSOLE, console_main },
	{ 0 },
};
#else
const struct kserver_main kserver_mains[] = { { 0 } };
#endif
