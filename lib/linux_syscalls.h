/*
 * Linux riscv64's system call numbers (asm-generic/unistd.h), as
 * NR_name for Linux's __NR_name: the part of lib/linux_abi.h that is
 * one long list. Include lib/linux_abi.h, not this file;
 * tools/check-linux-abi checks every number here too.
 */
#ifndef KAGE_LIB_LINUX_SYSCALLS_H
#define KAGE_LIB_LINUX_SYSCALLS_H

/* ---- System call numbers (asm-generic/unistd.h) ---- */
#define NR_getcwd 17
#define NR_dup 23
#define NR_dup3 24
#define NR_fcntl 25
#define NR_flock 32
#define NR_ioctl 29
#define NR_mkdirat 34
#define NR_unlinkat 35
#define NR_statfs 43
#define NR_fstatfs 44
#define NR_truncate 45
#define NR_ftruncate 46
#define NR_faccessat 48
#define NR_chdir 49
#define NR_fchdir 50
#define NR_fchmod 52
#define NR_fchmodat 53
#define NR_fchownat 54
#define NR_fchown 55
#define NR_openat 56
#define NR_close 57
#define NR_pipe2 59
#define NR_getdents64 61
#define NR_lseek 62
#define NR_read 63
#define NR_write 64
#define NR_readv 65
#define NR_writev 66
#define NR_pread64 67
#define NR_pwrite64 68
#define NR_pselect6 72
#define NR_ppoll 73
#define NR_readlinkat 78
#define NR_utimensat 88
#define NR_newfstatat 79
#define NR_fstat 80
#define NR_sync 81
#define NR_fsync 82
#define NR_fdatasync 83
#define NR_sync_file_range 84
#define NR_exit 93
#define NR_exit_group 94
#define NR_waitid 95
#define NR_set_tid_address 96
#define NR_futex 98
#define NR_set_robust_list 99
#define NR_nanosleep 101
#define NR_clock_settime 112
#define NR_clock_gettime 113
#define NR_clock_getres 114
#define NR_clock_nanosleep 115
#define NR_syslog 116
#define NR_sched_getaffinity 123
#define NR_sched_yield 124
#define NR_kill 129
#define NR_tkill 130
#define NR_tgkill 131
#define NR_sigaltstack 132
#define NR_rt_sigsuspend 133
#define NR_rt_sigaction 134
#define NR_rt_sigprocmask 135
#define NR_rt_sigpending 136
#define NR_rt_sigreturn 139
#define NR_setregid 143
#define NR_setgid 144
#define NR_setreuid 145
#define NR_setuid 146
#define NR_setresuid 147
#define NR_getresuid 148
#define NR_setresgid 149
#define NR_getresgid 150
#define NR_setpgid 154
#define NR_getpgid 155
#define NR_getsid 156
#define NR_setsid 157
#define NR_times 153
#define NR_getgroups 158
#define NR_uname 160
#define NR_getrusage 165
#define NR_personality 92
#define NR_umask 166
#define NR_gettimeofday 169
#define NR_settimeofday 170
#define NR_getpid 172
#define NR_getppid 173
#define NR_getuid 174
#define NR_geteuid 175
#define NR_getgid 176
#define NR_getegid 177
#define NR_gettid 178
#define NR_sysinfo 179
#define NR_socket 198
#define NR_socketpair 199
#define NR_bind 200
#define NR_listen 201
#define NR_accept 202
#define NR_connect 203
#define NR_getsockname 204
#define NR_getpeername 205
#define NR_sendto 206
#define NR_recvfrom 207
#define NR_setsockopt 208
#define NR_getsockopt 209
#define NR_shutdown 210
#define NR_sendmsg 211
#define NR_recvmsg 212
#define NR_brk 214
#define NR_munmap 215
#define NR_mremap 216
#define NR_clone 220
#define NR_execve 221
#define NR_mmap 222
#define NR_mprotect 226
#define NR_madvise 233
#define NR_accept4 242
#define NR_recvmmsg 243
#define NR_wait4 260
#define NR_prlimit64 261
#define NR_syncfs 267
#define NR_sendmmsg 269
#define NR_renameat2 276
#define NR_getrandom 278
#define NR_statx 291
#define NR_faccessat2 439
/* Every number is below this (the call tables' size). */
#define LINUX_NR_MAX 512

#endif
