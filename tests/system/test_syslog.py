"""The system log (user/tests/syslog.c): syslog(2) reads the kernel's log
ring, which holds the boot report and every server's notes, as dmesg
reads it."""
from test_fs_capacity import run_checks

CHECKS = [
    "the log holds the boot report and the clock's line",
    "after CLEAR the log starts again, with a server's note",
    "READ_CLEAR reads it and clears it",
    "READ takes what is unread, once",
    "bad actions, buffers and lengths are EINVAL and EFAULT",
]


def test_system_log(board, mode):
    run_checks(board, mode, "syslog", CHECKS, 60)
