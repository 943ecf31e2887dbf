#include "lib/errno.h"

const char *errno_name(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return "success";
	case EPERM: return "operation not permitted";
	case ENOENT: return "no such file or directory";
	case ESRCH: return "no such process";
	case EINTR: return "interrupted";
	case EIO: return "input/output error";
	case E2BIG: return "argument list too long";
	case ENOEXEC: return "exec format error";
	case EBADF: return "bad file descriptor";
	case ECHILD: return "no child processes";
	case EAGAIN: return "try again";
	case ENOMEM: return "out of memory";
	case EACCES: return "permission denied";
	case EFAULT: return "bad address";
	case EBUSY: return "busy";
	case EEXIST: return "exists";
	case ENODEV: return "no such device";
	case ENOTDIR: return "not a directory";
	case EISDIR: return "is a directory";
	case EINVAL: return "invalid argument";
	case ENOSPC: return "no space left";
	case ERANGE: return "out of range";
	case ENAMETOOLONG: return "name too long";
	case ENOSYS: return "function not implemented";
	case EOVERFLOW: return "value too large";
	case ELIBBAD: return "bad shared library";
	default: return "error";
	}
}
