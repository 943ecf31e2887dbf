/*
 * The servers linked into this Image (MODE=mono, kernel/kserver.h): the
 * system Image is built with KAGE_SERVERS_LINKED and the servers' code;
 * every other Image with an empty table, and boots its root task module.
 */
#include "kernel/kserver.h"

#ifdef KAGE_SERVERS_LINKED
long proc_main(const char *args, const struct kage_bootinfo *bi);
long fs_main(const char *args, const struct kage_bootinfo *bi);
long console_main(const char *args, const struct kage_bootinfo *bi);

const struct kserver_main kserver_mains[] = {
	{ "proc", proc_main },
	{ "fs", fs_main },
	{ "console", console_main },
	{ 0, 0 },
};
#else
const struct kserver_main kserver_mains[] = { { 0, 0 } };
#endif
