/*
 * The process server's start and receive loop. It is the root task of
 * the system Image: it maps the initramfs the kernel handed it, starts
 * /init (or rdinit=) as pid 1 with the rest of the command line as its
 * arguments, and answers forwarded system calls and faults until pid 1
 * ends; its exit status becomes the machine's.
 */
#include <stdarg.h>
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/console/console.h"
#include "servers/proc/proc.h"

#define INITRAMFS_VA 0x2000000000ul
#define SIGSEGV 11

struct proc_files proc_files;
uint32_t proc_timebase_hz;
long proc_endpoint;


static void proc_out(void *ctx, char c)
{
	(void)ctx;
	native_putc(c);
}

void proc_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(proc_out, 0, fmt, ap);
	va_end(ap);
}

void linux_unknown(uint64_t nr)
{
	static uint8_t seen[64];

	if (nr < 512 && (seen[nr / 8] & (1u << (nr % 8))))
		return;
	if (nr < 512)
		seen[nr / 8] |= (uint8_t)(1u << (nr % 8));
	proc_say("kage: proc: system call %lu is not implemented (-ENOSYS)\n", (unsigned long)nr);
}

static int proc_map_initramfs(const struct kage_bootinfo *bi)
{
	for (uint32_t i = 0; i < bi->nitems && i < KAGE_BOOT_MAX; i++) {
		const struct kage_bootitem *it = &bi->item[i];
		uint64_t off = it->base & 4095, len = (off + it->size + 4095) & ~4095ul;

		if (it->kind != KAGE_BOOT_INITRD)
			continue;
		if (native_space_map_phys(KAGE_HANDLE_SELF_SPACE, INITRAMFS_VA, it->handle, 0, len,
					  KAGE_PROT_READ) < 0)
			return -ENOMEM;
		proc_files.cpio = (const void *)(INITRAMFS_VA + off);
		proc_files.size = it->size;
		return 0;
	}
	return -ENOENT;
}

/*
 * The kernel command line, as Linux reads it for init: rdinit=PATH picks
 * the program; other words become its arguments and NAME=VALUE words its
 * environment (everything after "--" is an argument).
 */
struct proc_cmdline {
	char buf[512];
	const char *path;
	const char *argv[PROC_ARGS_MAX + 1];
	const char *envp[PROC_ARGS_MAX + 1];
};

static void proc_parse_cmdline(struct proc_cmdline *c, const char *args)
{
	int argc = 1, envc = 2, rest = 0;
	char *s = c->buf;

	strlcpy(c->buf, args ? args : "", sizeof(c->buf));
	c->path = "/init";
	c->envp[0] = "HOME=/";
	c->envp[1] = "TERM=linux";
	while (*s) {
		char *word = s;

		while (*s && *s != ' ')
			s++;
		if (*s)
			*s++ = 0;
		if (!*word)
			continue;
		if (!rest && strcmp(word, "--") == 0)
			rest = 1;
		else if (!rest && strncmp(word, "rdinit=", 7) == 0)
			c->path = word + 7;
		else if (!rest && strchr(word, '=') && envc < PROC_ARGS_MAX)
			c->envp[envc++] = word;
		else if ((rest || !strchr(word, '.')) && argc < PROC_ARGS_MAX)
			c->argv[argc++] = word;	/* "kage.x" options are the kernel's */
	}
	c->argv[0] = c->path;
	c->argv[argc] = 0;
	c->envp[envc] = 0;
}

/* Serves until pid 1 has ended. */
static void proc_serve(void)
{
	long token = 0, result = 0, tok;
	uint64_t words[5] = { 0 };
	struct kage_msg m;
	struct proc *p;

	while (proc_init_status() < 0) {
		words[0] = (uint64_t)result;
		tok = native_ipc_reply_recv(proc_endpoint, (uint64_t)token, words, &m);
		token = 0;
		if (tok < 0) {
			proc_say("kage: proc: receive failed: error %ld\n", tok);
			continue;
		}
		if (m.badge == 0) {
			/* A helper of the server: console input (w0 = 1) or a timer (w0 = 0). */
			if (m.w[0] == 1)
				console_input();
			else
				sleep_expire();
			token = tok, result = 0;
			continue;
		}
		if (!(p = proc_by_badge(m.badge)) || p->state != PROC_RUNNING)
			continue;
		if (m.kind == KAGE_MSG_FAULT) {
			/* Signals come later: a fault the kernel did not resolve is SIGSEGV. */
			proc_say("kage: pid %d killed by SIGSEGV: cause %lu at pc=0x%lx addr=0x%lx\n", p->pid,
				 (unsigned long)m.w[0], (unsigned long)m.w[2], (unsigned long)m.w[1]);
			proc_end(p, SIGSEGV);
		} else if (m.kind == KAGE_MSG_SYSCALL && linux_syscall(p, &m, &result) == PROC_REPLY) {
			token = tok;
		}
	}
}

long native_main(const char *args, const struct kage_bootinfo *bi)
{
	static struct proc_cmdline cmd;
	int err, code, status;

	proc_timebase_hz = bi->timebase_hz;
	if (proc_map_initramfs(bi) < 0 || fs_init(proc_files.cpio, proc_files.size) < 0) {
		proc_say("kage: proc: no initramfs to start init from\n");
		return 1;
	}
	if ((proc_endpoint = native_ep_create()) < 0 || sleep_init() < 0) {
		proc_say("kage: proc: cannot set up its endpoint and timer\n");
		return 1;
	}
	if ((err = console_init(bi, proc_endpoint)) < 0)
		proc_say("kage: proc: no console input (error %d); reads of the console give end of file\n", err);
	proc_parse_cmdline(&cmd, args);
	if ((err = proc_start_init(cmd.path, cmd.argv, cmd.envp)) < 0) {
		proc_say("kage: cannot run init %s: error %d\n", cmd.path, err);
		return 1;
	}
	proc_serve();
	status = proc_init_status();
	if (status & 0x7f) {
		proc_say("kage: init killed by signal %d\n", status & 0x7f);
		return 128 + (status & 0x7f);
	}
	code = (status >> 8) & 0xff;
	proc_say("kage: init exited with status %d\n", code);
	return code;
}
