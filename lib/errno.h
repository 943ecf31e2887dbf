/*
 * Error numbers shared by the kernel, the servers and the host tests.
 *
 * Every kage function that can fail returns a negative value from this list.
 * The numbers are Linux's own (asm-generic/errno-base.h and errno.h), so the
 * Linux system call boundary passes them through unchanged: -ENOENT from the
 * file server is the -ENOENT a glibc program sees. Identical redefinitions
 * are legal C, which keeps this header usable next to a host <errno.h>.
 */
#ifndef KAGE_LIB_ERRNO_H
#define KAGE_LIB_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ETXTBSY 26
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define EDOM 33
#define ERANGE 34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOLCK 37
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define ENODATA 61
#define EOVERFLOW 75
#define ELIBBAD 80
#define EILSEQ 84
#define ENOTSOCK 88
#define EOPNOTSUPP 95
#define EAFNOSUPPORT 97
#define ETIMEDOUT 110

/* A short English name for an error number, for console messages. */
const char *errno_name(int err);

#endif
