/*
 * The process server's start and message handler. It is the root task of
 * the system Image: it starts the file server (which gets the initramfs
 * the kernel handed it) and the console server, then /init (or rdinit=)
 * as pid 1 with the rest of the command line as its arguments, and
 * answers forwarded system calls and faults until pid 1 ends; its exit
 * status becomes the machine's.
 */
#include <stdarg.h>
#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/native.h"
#include "lib/string.h"
#include "servers/proc/limits.h"
#include "servers/proc/proc.h"

uint32_t proc_timebase_hz;
long proc_endpoint;

/*
 * The kernel command line, as Linux reads it for init: rdinit=PATH picks
 * the program; other words become its arguments and NAME=VALUE words its
 * environment (everything after "--" is an argument).
 */
struct proc_cmdline {
	char buf[512];
	const char *path;
	const char *argv[PROC_CMDLINE_ARGS + 1];
	const char *envp[PROC_CMDLINE_ARGS + 1];
	int crash_fs;		/* "kage.crash=fs": arm the file server's injected bug (servers/protocol.h) */
	int norandmaps;
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
		else if (!rest && strcmp(word, "kage.crash=fs") == 0)
			c->crash_fs = 1;
		else if (!rest && strcmp(word, "norandmaps") == 0)
			c->norandmaps = 1;	/* Linux's: no address-space randomisation */
		else if (!rest && strncmp(word, "rdinit=", 7) == 0)
			c->path = word + 7;
		else if (!rest && strchr(word, '=') && envc < PROC_CMDLINE_ARGS)
			c->envp[envc++] = word;
		else if ((rest || !strchr(word, '.')) && argc < PROC_CMDLINE_ARGS)
			c->argv[argc++] = word;	/* "kage.x" options are the kernel's */
	}
	c->argv[0] = c->path;
	c->argv[argc] = 0;
	c->envp[envc] = 0;
}

/*
 * A file call the file server forwarded with a signal for its caller
 * (SIGPIPE for a write with no reader, SIGXFSZ past RLIMIT_FSIZE): the
 * thread gets the signal and its call the file server's answer.
 */
static int proc_file_signal(const struct kage_msg *m, long *result)
{
	const struct sig_info info = { .code = SI_KERNEL };
	struct thread *t = thread_named_by(m->w[1]);
	int sig = (int)m->w[2];

	*result = (long)m->w[3];	/* the answer goes to the caller */
	if (!t || (sig != SIGPIPE && sig != SIGXFSZ))
		return 1;
	sig_post_thread(t, sig, &info);
	return t->proc && t->proc->state == PROCESS_LIVE;
}

/*
 * A message from a helper or another server; whether to answer it now,
 * and with what. Out of line: the frames of the rare calls it makes stay
 * off the path every Linux call takes through proc_handle.
 */
static __attribute__((noinline)) int proc_server_message(const struct kage_msg *m, long *result)
{
	if (m->badge == PROTO_BADGE_HELPER)
		sleep_expire();
	else if (m->badge == PROTO_BADGE_CONSOLE && m->w[0] == PROC_OP_INTERRUPT)
		job_interrupt(m->w[1] ? (int)m->w[1] : SIGINT, (int)m->w[2]);
	else if (m->badge == PROTO_BADGE_FS && m->w[0] == PROC_OP_PROCFS)
		return procfs_call(m, result);
	else if (m->badge == PROTO_BADGE_FS && m->w[0] == PROC_OP_SIGNAL)
		return proc_file_signal(m, result);
	else if (m->badge == PROTO_BADGE_FS && m->w[0] == PROC_OP_RANDOM)
		*result = linux_random_read(m->token, m->w[1], m->w[2]);
	return 1;
}

/* Pid 1 has ended: so does the process server, and the machine, with its status. */
static __attribute__((noreturn)) void proc_finish(void)
{
	int status = proc_init_status(), sig = linux_w_termsig(status), code = linux_w_exitcode(status);

	audit_report();
	if (sig) {
		native_say("kage: init killed by signal %d\n", sig);
		native_exit(128 + sig);
	}
	native_say("kage: init exited with status %d\n", code);
	native_exit(code);
}

/* A message of one of the processes' threads: whether to answer it now. */
static int proc_thread_message(struct thread *t, uint64_t token, const struct kage_msg *m, long *result)
{
	enum proc_reply r = PROC_NO_REPLY;

	if (m->kind == KAGE_MSG_SYSCALL) {
		r = linux_syscall(t, m, result);
		if (r == PROC_REPLY)
			sig_check(t);
	} else if (m->kind == KAGE_MSG_ALERT) {
		r = sig_alert(t, token, m->w[0]);
	} else if (m->kind == KAGE_MSG_FAULT) {
		r = sig_fault(t, m);
	}
	return r == PROC_REPLY;
}

/* Something ended during a call (pid 1's end retires it too): one test on the common path. */
static inline void proc_retire_check(void)
{
	if (!proc_retiring)
		return;
	if (proc_init_status() >= 0)
		proc_finish();	/* the last message goes unanswered, as every other does then */
	proc_collect_now();
}

/* Every message the process server gets (native_serve): whether to answer now. */
static long proc_handle(uint64_t token, const struct kage_msg *m, uint64_t out[5])
{
	long *result = (long *)&out[0];	/* the answer's first word, written in place (a signed view may alias) */
	long answer = 0;
	struct thread *t;

	*result = 0;
	if (m->badge >= PROTO_BADGE_PROC || m->badge == PROTO_BADGE_HELPER) {
		answer = proc_server_message(m, result);
	} else {
		t = thread_by_badge(m->badge);
		if (t)
			answer = proc_thread_message(t, token, m, result);
	}
	proc_retire_check();
	return answer;
}

/*
 * A call answered from its words alone (native_serve_calls: made by the
 * kernel with no message in mono, by the receive loop in micro), as
 * proc_handle would answer it.
 */
static PROC_PLAIN_FRAME long proc_plain(uint64_t badge, uint64_t nr, const uint64_t a[6])
{
	struct thread *t = thread_by_badge(badge);
	long result;

	if (!t)
		return -ESRCH;	/* a task without a thread (none makes Linux calls): nothing happened */
	result = linux_plain(t, nr, a);	/* the signal calls check for a signal they unblocked */
	proc_retire_check();
	return result;
}

/* Waits until a server just started answers a call: its start is done (what it makes there is made). */
static void proc_wait_ready(long ep, uint64_t op)
{
	const uint64_t w[6] = { op };
	uint64_t out[6];

	native_ipc_call(ep, w, out);
}

/*
 * The console server (with the UART) and the file server (with the
 * initramfs), each with its endpoint and badged ways to reach the others
 * as servers/protocol.h allows. Without a console server the system runs
 * with console output through the kernel and no input.
 */
static int proc_start_servers(const struct kage_bootinfo *bi)
{
	const struct kage_bootitem *uart = native_boot_item(bi, KAGE_BOOT_UART, NULL);
	const struct kage_bootitem *rd = native_boot_item(bi, KAGE_BOOT_INITRD, NULL);
	const struct kage_bootitem *irq = uart && uart->aux[3] < bi->nitems ? &bi->item[uart->aux[3]] : NULL;
	long fs_ep = native_ep_create(), con_ep = native_ep_create(), t;
	const unsigned rw = KAGE_RIGHT_READ | KAGE_RIGHT_WRITE, ep = KAGE_RIGHT_SEND | KAGE_RIGHT_RECV | KAGE_RIGHT_GRANT;
	const struct start_grant con[] = {
		{ con_ep, ep, 0, KAGE_BOOT_ENDPOINT, "console", 0 },
		{ proc_endpoint, KAGE_RIGHT_SEND, PROTO_BADGE_CONSOLE, KAGE_BOOT_ENDPOINT, "proc", 0 },
		{ fs_ep, KAGE_RIGHT_SEND, PROTO_BADGE_CONSOLE, KAGE_BOOT_ENDPOINT, "fs", 0 },
		{ uart ? uart->handle : -1, rw | KAGE_RIGHT_GRANT, 0, KAGE_BOOT_UART, 0, uart },
		{ irq ? irq->handle : -1, rw | KAGE_RIGHT_GRANT, 0, KAGE_BOOT_IRQ, 0, irq },
	};
	const struct start_grant fs[] = {
		{ fs_ep, ep, 0, KAGE_BOOT_ENDPOINT, "fs", 0 },
		{ proc_endpoint, KAGE_RIGHT_SEND, PROTO_BADGE_FS, KAGE_BOOT_ENDPOINT, "proc", 0 },
		{ rd ? rd->handle : -1, KAGE_RIGHT_READ | KAGE_RIGHT_GRANT, 0, KAGE_BOOT_INITRD, 0, rd },
		{ con_ep, KAGE_RIGHT_SEND, PROTO_BADGE_FS, KAGE_BOOT_ENDPOINT, "console", 0 },
	};

	if (fs_ep < 0 || con_ep < 0)
		return -ENOMEM;
	t = start_server(bi, "console", con, uart && irq ? 5 : 3);
	if (t < 0)
		native_say("kage: proc: no console server (error %ld); output goes through the kernel\n", t);
	if (t >= 0)
		proc_wait_ready(con_ep, CONSOLE_OP_READY);
	t = start_server(bi, "fs", fs, t < 0 ? 3 : 4);
	if (t < 0)
		return (int)t;
	proc_fs_ep = native_handle_copy(fs_ep, -1, KAGE_RIGHT_SEND, PROTO_BADGE_PROC);
	native_handle_close(fs_ep);
	native_handle_close(con_ep);
	return proc_fs_ep < 0 ? (int)proc_fs_ep : 0;
}

long native_main(const char *args, const struct kage_bootinfo *bi)
{
	static struct proc_cmdline cmd;
	static uint64_t plain[LINUX_NR_MAX / 64], files[KAGE_ROUTE_WORDS];
	struct native_service service;
	int err;

	proc_timebase_hz = bi->timebase_hz;
	rng_init(bi);
	clock_init(bi);
	cpuinfo_init(bi);
	native_notes_setup(bi->timebase_hz);
	proc_table_init();
	thread_table_init();
	limits_init();
	proc_endpoint = native_ep_create();
	if (proc_endpoint < 0 || sleep_init() < 0 || native_heap_init(&proc_heap, KAGE_SERVER_PROC) < 0) {
		native_say("kage: proc: cannot set up its endpoint, timer and heap\n");
		return 1;
	}
	err = proc_start_servers(bi);
	if (err < 0) {
		native_say("kage: proc: cannot start the file server: error %d\n", err);
		return 1;
	}
	linux_route_set(files);
	err = (int)native_ep_route(proc_endpoint, proc_fs_ep, files);
	if (err < 0)
		native_say("kage: proc: file calls go through the process server: error %d\n", err);
	clock_share();
	proc_parse_cmdline(&cmd, args);
	if (cmd.crash_fs)
		files_arm_crash();
	if (cmd.norandmaps)
		limits_set_norandmaps();
	audit_baseline();
	err = proc_start_init(cmd.path, cmd.argv, cmd.envp);
	if (err < 0) {
		native_say("kage: cannot run init %s: error %d\n", cmd.path, err);
		return 1;
	}
	linux_plain_set(plain);
	service = (struct native_service){ proc_endpoint, proc_handle, proc_plain, plain, LINUX_NR_MAX };
	return native_serve_calls(&service);
}
