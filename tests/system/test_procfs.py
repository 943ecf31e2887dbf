"""/proc: the process server's file system, reached through the file
server's gateway, read as BusyBox's ps, pidof and killall read it."""
from test_linux import run_checks

PROCFS_CHECKS = [
    "opendir /proc lists pid 1 and the child", "/proc lists self and meminfo",
    "every listed process has a readable stat", "/proc/N lists its files", "a sleeping child is S",
    "70 children: every one listed, each stat readable", "and once they are reaped, only init is left",
    "a child's /proc/self/stat: itself, R, its ppid and pgrp", "init's /proc/self/stat: pid 1, R, ppid 0, pgrp 1",
    "status has Name, State, Pid and PPid", "comm",
    "stat has 52 fields, num_threads 1 and a vsize", "a stopped child is T", "continued, it is S again",
    "a zombie is Z", "a reaped child is gone: ENOENT", "init's cmdline", "cmdline has the argv of execve",
    "execve of /proc/self/exe runs the same program", "execve of a relative path: /proc/self/exe is absolute",
    "/proc/self/exe links to the executable",
    "/proc/N/exe of another process", "lstat of /proc/self/exe is a link, of /proc/self too", "stat of /proc/self/exe is the executable's",
    "meminfo has MemTotal and MemFree", "uptime", "loadavg", "mounts names /", "version",
    "a missing pid is ENOENT", "opening a /proc file for writing is EACCES", "creating in /proc is EACCES",
    "mkdir, unlink and rename in /proc are EACCES", "a read-only descriptor cannot write",
    "an open stat still reads after its process is gone", "and the name is gone",
    "chdir into /proc and relative paths", "fstat of a pipe, and a path relative to a pipe is ENOTDIR",
    "/proc/self/fd lists the open descriptors", "a descriptor's link names its file", "a pipe's link names the pipe",
    "opening /dev/fd/N of a pipe gives that pipe", "fd 900 is listed while open",
    "a closed descriptor's link is gone",
    "a path that climbs out of /proc is the tree's again", "unlink of ../proc/self from beside /proc is EACCES",
    "rmdir of /proc is refused", "a file's descriptor link opens the file anew, at its start",
    "/dev/fd/.. is the process's /proc directory", "and .. from there is /proc",
    "status shows ignored and blocked signals", "a script's comm is the script's name",
]


def test_procfs(board, mode):
    run_checks(board, mode, "procfs", PROCFS_CHECKS)
