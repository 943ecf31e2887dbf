/*
 * The part of the Linux riscv64 ABI that is about files and descriptors:
 * file types and permission bits, open's and the *at calls' flags, fcntl,
 * flock, lseek, poll, the lengths of names and paths, and the structures
 * stat, statx, statfs, flock, getdents64, poll and readv/writev pass. The
 * file server answers most of these, the console and /proc the rest.
 *
 * It is kept apart from lib/linux_abi.h only because the whole ABI is too
 * long for one file; that header includes this one, and the rule is the
 * same: include lib/linux_abi.h, not this file. tools/check-linux-abi
 * checks every value and layout here against Linux's headers too.
 */
#ifndef KAGE_LIB_LINUX_ABI_FS_H
#define KAGE_LIB_LINUX_ABI_FS_H

#include <stdint.h>

/* ---- Files: types and permission bits (linux/stat.h) ---- */
#define S_IFMT 0170000
#define S_IFSOCK 0140000
#define S_IFLNK 0120000
#define S_IFREG 0100000
#define S_IFBLK 0060000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFIFO 0010000
#define S_IALLUGO 07777		/* the permission bits with set-id and sticky */
#define S_IXUGO 0111		/* any execute bit */

/* openat's flags (asm-generic/fcntl.h). */
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_CREAT 00000100
#define O_EXCL 00000200
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define O_NONBLOCK 00004000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW 00400000
#define O_CLOEXEC 02000000

/* The *at calls (linux/fcntl.h). */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_EACCESS 0x200
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000
#define RENAME_NOREPLACE 1
#define UTIME_NOW ((1l << 30) - 1)
#define UTIME_OMIT ((1l << 30) - 2)
#define X_OK 1			/* faccessat's modes: F_OK 0, X_OK 1, W_OK 2, R_OK 4 */
#define F_OK 0
#define W_OK 2
#define R_OK 4

/* fcntl (asm-generic/fcntl.h, linux/fcntl.h). */
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ 1031	/* a pipe's capacity: set, read */
#define F_GETPIPE_SZ 1032
#define FD_CLOEXEC 1
#define F_GETLK 5		/* record locks: a process's (released at any close of the file, and at exit) */
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36		/* the open file description's (released with its last descriptor) */
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2

/* flock (asm-generic/fcntl.h). */
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

/* sync_file_range's flags (linux/fs.h). */
#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE 2
#define SYNC_FILE_RANGE_WAIT_AFTER 4

/* statfs's f_type (linux/magic.h): kage's file system is like tmpfs; /proc is /proc. */
#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0

/* lseek (linux/fs.h). */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* poll's events (asm-generic/poll.h). */
#define POLLIN 0x0001
#define POLLPRI 0x0002
#define POLLOUT 0x0004
#define POLLERR 0x0008
#define POLLHUP 0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLRDBAND 0x0080
#define POLLWRNORM 0x0100
#define POLLWRBAND 0x0200

/* Lengths (linux/limits.h, linux/uio.h). */
#define NAME_MAX 255		/* a file name's bytes */
#define PATH_MAX 4096		/* a path's bytes, with its NUL */
#define PIPE_BUF 4096		/* a pipe write of at most this many bytes is not interleaved with others */
#define INR_OPEN_CUR 1024	/* RLIMIT_NOFILE's soft limit at first (linux/fs.h) */
/*
 * Linux's bounds that are no constant of its uapi headers
 * (tools/check-linux-abi knows them as kage's).
 */
#define LINUX_MAX_LFS_FILESIZE 0x7fffffffffffffffll	/* include/linux/fs.h: the largest file offset */
#define LINUX_NR_OPEN 0x100000		/* fs/file.c: sysctl_nr_open, RLIMIT_NOFILE's ceiling */
#define LINUX_RW_MAX 0x7ffff000ul	/* include/linux/fs.h: MAX_RW_COUNT, one read or write at most */
#define LINUX_ST_VALID 0x0020		/* include/linux/statfs.h: statfs's f_flags are filled in */

/* statx's mask: what kage fills (linux/stat.h). */
#define STATX_BASIC_STATS 0x000007ff

/* ---- Vectors (linux/uio.h) ---- */
#define UIO_MAXIOV 1024		/* readv/writev's iovecs at most */

/* ---- Structures, as the generic 64-bit ABI lays them out ---- */

struct linux_iovec {
	uint64_t iov_base, iov_len;
};

/* struct stat of asm-generic/stat.h (newfstatat, fstat). */
struct linux_stat {
	uint64_t st_dev, st_ino;
	uint32_t st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev, __pad1;
	int64_t st_size;
	int32_t st_blksize, __pad2;
	int64_t st_blocks;
	int64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	uint32_t __unused4, __unused5;
};
_Static_assert(sizeof(struct linux_stat) == 128, "struct stat");

struct linux_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t __reserved;
};

struct linux_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, __spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t __spare2[14];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx");

/* struct flock of asm-generic/fcntl.h (64-bit: no flock64 apart). */
struct linux_flock {
	int16_t l_type, l_whence;
	int32_t __pad0;
	int64_t l_start, l_len;
	int32_t l_pid, __pad1;
};
_Static_assert(sizeof(struct linux_flock) == 32, "struct flock");

/* struct statfs of asm-generic/statfs.h, 64-bit words. */
struct linux_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs");

/* A getdents64 record's fixed part; the name follows, NUL-terminated, the record padded to 8. */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
} __attribute__((packed));
_Static_assert(sizeof(struct linux_dirent64) == 19, "struct linux_dirent64 without its name");

struct linux_pollfd {
	int32_t fd;
	int16_t events, revents;
};
_Static_assert(sizeof(struct linux_pollfd) == 8, "struct pollfd");

#endif
