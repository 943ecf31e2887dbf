/*
 * File times. Every node has Linux's three: atime, mtime and ctime, in
 * ns since the epoch. The wall clock is the process server's; it tells
 * this server where the clock stood at time CSR 0 (FS_OP_CLOCK) at start
 * and whenever it is set, so "now" is that plus the time since boot.
 * Reads leave atime alone, as on a Linux mount with noatime: a read
 * would otherwise change a node. Writes and truncation set mtime and
 * ctime, making, removing and renaming entries set their directory's,
 * and chmod, chown, rename, utimensat set ctime.
 *
 * Invariant: fs_time.boot_ns changes only through fs_time_set_boot.
 */
#include "lib/native.h"
#include "servers/fs/fs_impl.h"

static struct {
	uint64_t hz;		/* the time CSR's rate */
	uint64_t boot_ns;	/* the wall clock at time CSR 0 */
	int64_t fixed;		/* while the initramfs is read: its entry's time, what "now" is; else -1 */
} fs_time = { .hz = 1, .fixed = -1 };

void fs_time_init(uint64_t hz)
{
	fs_time.hz = hz ? hz : 1;
}

void fs_time_set_boot(uint64_t boot_ns)
{
	fs_time.boot_ns = boot_ns;
	fs_time.fixed = -1;
}

/*
 * While the initramfs is unpacked, every time set is the archive's time of
 * the entry being added (directories made on the way and changed by their
 * entries included), as Linux's unpacker leaves them; so is every time
 * set after it (/dev, /proc) until the process server tells the clock.
 */
void fs_time_fix(int64_t ns)
{
	fs_time.fixed = ns;
}

int64_t fs_now(void)
{
	if (fs_time.fixed >= 0)
		return fs_time.fixed;
	return (int64_t)(fs_time.boot_ns + native_ns(fs_time.hz, native_time()));
}

void fs_touch(struct fs_node *n, unsigned what)
{
	int64_t now = fs_now();

	if (what & FS_TIME_A)
		n->atime = now;
	if (what & FS_TIME_M)
		n->mtime = now;
	if (what & FS_TIME_C)
		n->ctime = now;
}
