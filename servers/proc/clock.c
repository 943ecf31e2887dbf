/*
 * The clocks. CLOCK_MONOTONIC and its kin are the time CSR since boot;
 * CLOCK_REALTIME is that plus the wall time at boot, read at start from
 * QEMU virt's goldfish RTC (the device tree names it; the kernel hands
 * its registers over read-only) or, on a board without one kage reads,
 * the date of the commit the Image was built from, so a board's clock is
 * never before its software. clock_settime and settimeofday move it.
 *
 * Invariant: clock_boot_ns is the wall time, in ns since the epoch, at
 * time CSR 0; only this file changes it, and never below 0.
 */
#include "lib/errno.h"
#include "lib/native.h"
#include "servers/proc/proc.h"

#define CLOCK_RTC_VA 0x2600000000ul	/* where the RTC's page is mapped in this server */
#define NS 1000000000ull

/* QEMU's goldfish RTC (hw/rtc/goldfish_rtc.c): reading TIME_LOW latches TIME_HIGH. */
#define GOLDFISH_TIME_LOW 0
#define GOLDFISH_TIME_HIGH 1

static uint64_t clock_boot_ns;

static uint64_t clock_hz(void)
{
	return proc_timebase_hz ? proc_timebase_hz : 1;
}

static uint64_t clock_ticks_ns(uint64_t t)
{
	return native_ns(proc_timebase_hz, t);
}

/* Year, month (1-12), day of the Unix day `days` (the proleptic Gregorian calendar, eras of 400 years). */
static void clock_civil(uint64_t days, uint64_t *y, uint64_t *m, uint64_t *d)
{
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

void clock_init(const struct kage_bootinfo *bi)
{
	const struct kage_bootitem *rtc = native_boot_item(bi, KAGE_BOOT_RTC, NULL);
	const volatile uint32_t *regs = rtc ? native_map_item(rtc, CLOCK_RTC_VA, KAGE_PROT_READ) : NULL;
	uint64_t wall = KAGE_BUILD_EPOCH * NS, since = clock_ticks_ns(native_time()), s, y, m, d;

	if (regs) {
		uint64_t low = regs[GOLDFISH_TIME_LOW];

		wall = (uint64_t)regs[GOLDFISH_TIME_HIGH] << 32 | low;
	}
	clock_boot_ns = wall > since ? wall - since : 0;
	s = wall / NS;
	clock_civil(s / 86400, &y, &m, &d);
	native_say("kage: clock: %lu-%02lu-%02lu %02lu:%02lu:%02lu UTC, %s\n", (unsigned long)y, (unsigned long)m,
		   (unsigned long)d, (unsigned long)(s % 86400 / 3600), (unsigned long)(s % 3600 / 60),
		   (unsigned long)(s % 60), regs ? "from the goldfish RTC" : "no RTC: the build's date");
}

uint64_t clock_boot_wall_ns(void)
{
	return clock_boot_ns;
}

uint64_t clock_wall_ns(void)
{
	return clock_boot_ns + clock_ticks_ns(native_time());
}

uint64_t clock_wall_to_ticks(uint64_t sec, uint64_t nsec)
{
	uint64_t ns = sec * NS + nsec;	/* a deadline past 2554 wraps: no program waits so long */

	if (ns <= clock_boot_ns)
		return 1;	/* before boot: at once */
	ns -= clock_boot_ns;
	return native_ticks(clock_hz(), ns / NS, ns % NS);
}

/*
 * Which clock an id reads: 1 the wall clock, 0 the time since boot, 2 and 3
 * the process's and the thread's CPU time, -EINVAL none (as Linux's ids).
 */
static int clock_kind(int64_t id)
{
	if (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_REALTIME_ALARM ||
	    id == CLOCK_TAI)
		return 1;
	if (id == CLOCK_PROCESS_CPUTIME_ID)
		return 2;
	if (id == CLOCK_THREAD_CPUTIME_ID)
		return 3;
	if (id < 0 || (id <= CLOCK_BOOTTIME_ALARM && id != CLOCK_SGI_CYCLE))
		return 0;	/* another process's or thread's CPU clock (negative ids): time since boot */
	return -EINVAL;
}

static long clock_put(const struct process *p, uint64_t va, uint64_t ns)
{
	struct linux_timespec v = { (int64_t)(ns / NS), (int64_t)(ns % NS) };

	return native_space_write_user(p->space, va, &v, sizeof(v));
}

long clock_gettime_call(const struct thread *t, int64_t id, uint64_t ts)
{
	int kind = clock_kind(id);
	uint64_t ns;

	if (kind < 0)
		return kind;
	if (kind >= 2)
		ns = cputime_clock_ns(t, kind == 2);
	else
		ns = kind ? clock_wall_ns() : clock_ticks_ns(native_time());
	return clock_put(t->proc, ts, ns);
}

long clock_getres_call(const struct process *p, int64_t id, uint64_t res)
{
	int kind = clock_kind(id);

	if (kind < 0 || !res)
		return kind < 0 ? kind : 0;
	if (kind >= 2)
		return clock_put(p, res, NS / KAGE_TICK_HZ);	/* CPU time is sampled at the tick */
	return clock_put(p, res, (NS + clock_hz() - 1) / clock_hz());
}

/* The wall clock becomes ns (a checked timespec's worth). */
static void clock_set(uint64_t ns)
{
	uint64_t since = clock_ticks_ns(native_time());

	clock_boot_ns = ns > since ? ns - since : 0;
	files_clock(clock_boot_ns);
}

void clock_share(void)
{
	files_clock(clock_boot_ns);
}

long clock_settime_call(const struct process *p, int64_t id, uint64_t ts)
{
	struct linux_timespec v;

	if (clock_kind(id) < 0 || id != CLOCK_REALTIME)
		return -EINVAL;	/* as Linux: only the wall clock may be set */
	if (native_space_read(p->space, ts, &v, sizeof(v)) < 0)
		return -EFAULT;
	if (v.tv_sec < 0 || v.tv_nsec < 0 || v.tv_nsec >= (int64_t)NS)
		return -EINVAL;
	clock_set((uint64_t)v.tv_sec * NS + (uint64_t)v.tv_nsec);
	return 0;
}

long clock_gettimeofday_call(const struct process *p, uint64_t tv, uint64_t tz)
{
	uint64_t ns = clock_wall_ns();
	struct linux_timeval v = { (int64_t)(ns / NS), (int64_t)(ns % NS / 1000) };
	const struct linux_timezone zone = { 0, 0 };

	if (tv && native_space_write_user(p->space, tv, &v, sizeof(v)) < 0)
		return -EFAULT;
	if (tz && native_space_write_user(p->space, tz, &zone, sizeof(zone)) < 0)
		return -EFAULT;
	return 0;
}

/* settimeofday: the time zone is accepted and kept nowhere (kage's clock is UTC, as Linux's). */
long clock_settimeofday_call(const struct process *p, uint64_t tv, uint64_t tz)
{
	struct linux_timeval v;
	struct linux_timezone zone;

	if (tz && native_space_read(p->space, tz, &zone, sizeof(zone)) < 0)
		return -EFAULT;
	if (!tv)
		return 0;
	if (native_space_read(p->space, tv, &v, sizeof(v)) < 0)
		return -EFAULT;
	if (v.tv_sec < 0 || v.tv_usec < 0 || v.tv_usec >= 1000000)
		return -EINVAL;
	clock_set((uint64_t)v.tv_sec * NS + (uint64_t)v.tv_usec * 1000);
	return 0;
}
