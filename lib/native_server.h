/*
 * The rest of the native interface (lib/native.h, which includes this):
 * not kernel calls but what a server's code is built from around them.
 * Boot items and the strings and memory a start reads, the helper and
 * serving loops that differ between the modes (lib/native_user.c in user
 * mode, kernel/kserver_native.c in the kernel), the time CSR and timers,
 * a server's heap, and its console messages. Results are >= 0 or a
 * negative errno, as for the calls.
 */
#ifndef KAGE_LIB_NATIVE_SERVER_H
#define KAGE_LIB_NATIVE_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include "lib/kage_abi.h"
#include "lib/native.h"

/*
 * Copies a NUL-terminated string from another space (`from` a space handle,
 * flags 0) or from a caller's memory (`from` a token, KAGE_COPY_CALLER):
 * its length, or -EFAULT / -ENAMETOOLONG (max bytes without a NUL).
 */
long native_read_string(uint64_t from, unsigned flags, uint64_t va, char *buf, size_t max);
/* The boot item of `kind` (and `name`, unless NULL), or NULL; its handle, or -1. */
const struct kage_bootitem *native_boot_item(const struct kage_bootinfo *bi, uint32_t kind, const char *name);
long native_boot_handle(const struct kage_bootinfo *bi, uint32_t kind, const char *name);
/* The whole pages a memory item covers. */
static inline uint64_t native_item_span(const struct kage_bootitem *it)
{
	return ((it->base & 4095) + it->size + 4095) & ~4095ul;
}
/* Maps a memory item into this task at va (page-aligned): the address of its first byte, or NULL. */
const void *native_map_item(const struct kage_bootitem *it, uint64_t va, unsigned prot);
/*
 * A helper for a server that waits only on its endpoint: each signal of
 * `notif` becomes a call on `endpoint` with badge 0 (PROTO_BADGE_HELPER)
 * and w0 = 0. In user mode a task in this space on the caller's stack
 * (size bytes) does it; in the kernel, the notification itself.
 * 0 or a negative errno.
 */
long native_helper_start(long endpoint, long notif, void *stack, size_t size);

/*
 * A server's handler for one message: 1 to answer it now with out[0..4],
 * 0 to keep m->token and answer later (native_ipc_reply).
 */
typedef long (*native_handler)(uint64_t token, const struct kage_msg *m, uint64_t out[5]);
/*
 * Serves endpoint ep with fn from now on. In user mode this is the
 * receive loop and never returns; in the kernel it hands fn to the
 * kernel and returns 0 (or a negative errno), and the server's start
 * is over.
 */
long native_serve(long ep, native_handler fn);
/*
 * A server's handler for calls it answers at once from their words alone,
 * never keeping a token: the caller's badge, the call's number and its
 * six arguments in, the answer out.
 */
typedef long (*native_plain_handler)(uint64_t badge, uint64_t nr, const uint64_t a[6]);
/* What a server serves on its endpoint: every message, and the Linux calls it answers plainly. */
struct native_service {
	long ep;
	native_handler fn;		/* every message but the plain calls */
	native_plain_handler plain;	/* the Linux calls whose numbers are set in which[] */
	const uint64_t *which;		/* a bitmap of `count` bits */
	uint64_t count;
};
/*
 * native_serve with plain calls, made the same way in both modes: in the
 * kernel (MODE=mono) straight from the caller's registers with no
 * message; in user mode the receive loop makes the very same call for a
 * Linux call whose number is set, and answers with its result. Where the
 * kernel refuses the plain calls every call comes to fn as a message,
 * which must then answer those numbers the same way. Returns as
 * native_serve does.
 */
long native_serve_calls(const struct native_service *s);
/*
 * Passes the call of m (the message the handler was called with) on to
 * ep, held (native_ipc_forward_held), as the handler's last act: in user
 * mode the receive loop's next message comes back in the same request
 * (KAGE_FORWARD_RECV), so the handler must do nothing after it that
 * another message could be waiting for, and must answer later (return 0);
 * in the kernel it is the forward alone. 0, or the forward's error, and
 * then the call is still the handler's.
 */
#ifdef KAGE_NATIVE_DIRECT
static inline long native_ipc_pass(const struct kage_msg *m, long ep)
{
	return native_ipc_forward_held(m->token, ep, NULL);	/* the kernel calls the next handler itself */
}
#else
long native_ipc_pass(const struct kage_msg *m, long ep);
#endif

/* Gives back what a handler took for an answer whose copy then failed: len, and its argument. */
typedef void (*native_undo)(void *arg, uint64_t len);
/*
 * For a handler that answers the call of m (the message it was called
 * with) with len bytes of buf copied into the caller's memory at va: a
 * read. 0, or (in the kernel) the copy's error, and then the handler
 * answers -EFAULT with nothing taken. In user mode the copy is made by
 * the answer itself (ipc_reply_copy_recv: one trap fewer), so 0 says
 * only that it will be: the handler takes the bytes, answers with its
 * count, and does nothing after that another message could depend on.
 * If the copy then fails, the receive loop calls undo(arg, len) and
 * answers -EFAULT (nothing if the caller is gone). In the kernel the
 * copy is made at once, as native_caller_write.
 */
long native_answer_copy(const struct kage_msg *m, uint64_t va, const void *buf, uint64_t len, native_undo undo,
			void *arg);

#ifdef KAGE_NATIVE_DIRECT
/* Another server in the kernel, by name: a handle to its task (handles 0 and 1 are its own). */
long native_server_create(const char *name);
/* Runs its start with *bi until it serves its endpoint: 0 or a negative errno. */
long native_server_run(long task, const struct kage_bootinfo *bi);
#endif

/* The time CSR: ticks of the timebase since reset. */
static inline uint64_t native_time(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* sec s + ns nanoseconds in ticks of a timebase of hz, without overflow for any sane time. */
uint64_t native_ticks(uint64_t hz, uint64_t s, uint64_t ns);
/* The nanoseconds `ticks` of the time CSR at hz make (the inverse of native_ticks). */
uint64_t native_ns(uint64_t hz, uint64_t ticks);
/* Sets notif's one timer (bit 1) for the time CSR reaching `deadline`, replacing an earlier one; 0: none. */
void native_timer_at(long notif, uint64_t hz, uint64_t deadline);

struct heap;
/*
 * Sets up the heap (lib/heap.h) of the server with role `role`
 * (KAGE_SERVER_*) in its part of the self window, every page mapped
 * with its frame (KAGE_MAP_POPULATE): 0 or a negative errno.
 */
long native_heap_init(struct heap *h, unsigned role);

/* printf to the kernel console (kage's messages: "kage: who: what"). */
void native_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The same for a message a program's doing causes (a failed exec, a
 * process killed by a fault, an unknown call): at most a burst of
 * NATIVE_NOTE_BURST, then NATIVE_NOTE_PER_SEC a second, so no program
 * can flood the console; what was left out is counted in a line of its
 * own when notes flow again. Shared by every server of the Image.
 * native_notes_setup gives it the timebase first (no limit before).
 */
#define NATIVE_NOTE_BURST 10
#define NATIVE_NOTE_PER_SEC 1
void native_notes_setup(uint64_t hz);
void native_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
