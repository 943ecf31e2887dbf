"""The file server's capacity: every limit it once had (62 written files,
16 MiB a file, 2,048 nodes, 256 open file descriptions, 255-byte paths:
user/tests/fs-capacity.c; 32 pipes, 128 polls, one waiting reader a pipe:
fs-waiters.c) pushed far past, with the data checked and the server's
objects counted back to where they were after each part; and the rlimits
it enforces (fs-limits.c)."""
import glob
import os
import re

import pytest

from kage import ROOT, Kage, system_image
from test_linux import expect_clean_end

CAPACITY_CHECKS = [
    "10,000 files made in one directory", "each of them reads back what was written",
    "getdents lists each of them once", "a lookup among them finds one and misses another",
    "all 10,000 removed, and the directory", "the server's objects are back after the files",
    "descriptors up to RLIMIT_NOFILE, then EMFILE, EBADF and EINVAL as Linux says, and nothing made",
    "the server's objects are back after the descriptors",
    "a 64 MiB file written in one write", "the 64 MiB file reads back in one read, every word",
    "readv reads it whole across its iovecs", "pread of 3 MiB in the middle leaves the offset",
    "signals do not cut a long read short", "the 64 MiB file maps, every word",
    "the 64 MiB file removed", "the server's objects are back after the big file",
    "a page written past a hole of 1 GiB", "the hole reads as zeros, the page as written",
    "truncated to the hole, the page goes", "the sparse file removed",
    "the server's objects are back after the sparse file",
    "a file at a path of 4,000 bytes", "chdir there, and getcwd says the path",
    "a path of 4,096 bytes is ENAMETOOLONG", "a name of 256 bytes is ENAMETOOLONG", "the deep tree removed",
    "the server's objects are back after the long path",
    "memory filled by one file: a short count, then ENOSPC",
    "with memory full, new files, pipes and directories are refused cleanly",
    "the memory came back, and each later round ends where the one before did",
    "the server's objects are back after memory ran out", "every object of the run is gone",
]


WAITER_CHECKS = [
    "2,250 pipes at once, each holding its data", "each pipe gives back what went in",
    "the server's objects are back after the pipes",
    "at least 100 polls wait at once", "one byte wakes every one of them with POLLIN",
    "the server's objects are back after the polls",
    "100 readers wait on one pipe at once", "each reader gets one byte, in the order they came",
    "the server's objects are back after the readers",
    "readers interrupted while waiting take no byte from the others",
    "the server's objects are back after the interrupted readers",
    "a process killed with 20 threads reading and one in pause leaves no waiter and takes no byte",
    "the server's objects are back after the killed process", "every object of the run is gone",
]


def run_checks(board, mode, program, checks, timeout):
    """Boots /bin/PROGRAM as init; each check prints "PROGRAM: CHECK ok" (or FAILED)."""
    with Kage(board, mode, kernel=system_image(board, mode), append=f"rdinit=/bin/{program}") as k:
        for check in checks:
            k.expect(f"{program}: {re.escape(check)} (ok|FAILED)", timeout=timeout)
            assert k.child.match.group(1) == "ok", check
        expect_clean_end(k)


def test_file_server_stores_as_much_as_memory_holds(board, mode):
    run_checks(board, mode, "fs-capacity", CAPACITY_CHECKS, 120)


def test_file_server_lets_any_number_of_calls_wait(board, mode):
    run_checks(board, mode, "fs-waiters", WAITER_CHECKS, 120)


LIMIT_CHECKS = [
    "RLIMIT_NOFILE 4,096: descriptors up to 4,095, then EMFILE",
    "/proc/self/fd lists descriptor 3,000, a link to /dev/null",
    "poll of 4,097 descriptors is EINVAL, of 4,096 sees each but the closed one", "select sees descriptor 3,000",
    "lowered to 100: those open stay, new ones as Linux refuses them",
    "fork passes the limit on, and the descriptors past it",
    "RLIMIT_FSIZE: a write crossing it is cut short there", "a write at the limit is EFBIG, with SIGXFSZ",
    "truncate past the limit is EFBIG, with SIGXFSZ; below it works", "SIGXFSZ's default action ends the writer",
    "the server's objects are back where they were",
]

# The process server tells the file server a process's RLIMIT_NOFILE and
# RLIMIT_FSIZE (FS_OP_TABLE_LIMIT) from prlimit64; until its sources do, the
# file server enforces only the defaults and this test cannot pass.
PROC_SENDS_LIMITS = any("FS_OP_TABLE_LIMIT" in open(f).read()
                        for f in glob.glob(os.path.join(ROOT, "servers", "proc", "*.c")))


@pytest.mark.xfail(not PROC_SENDS_LIMITS, reason="the process server does not send FS_OP_TABLE_LIMIT yet",
                   strict=True)
def test_rlimits_bound_the_file_server(board, mode):
    run_checks(board, mode, "fs-limits", LIMIT_CHECKS, 60)
