"""The memory devices (user/tests/devices.c): /dev/zero, /dev/full,
/dev/urandom and /dev/random beside /dev/null and the console."""
from test_fs_capacity import run_checks

CHECKS = [
    "/dev/zero reads as zeros and takes writes",
    "/dev/full reads as zeros and refuses writes with ENOSPC",
    "/dev/urandom and /dev/random give fresh bytes each read",
    "a read of 1 MiB is filled, a bad buffer is EFAULT",
    "each has Linux's device number",
    "getrandom of 4 MiB gives 1 MiB, the bound on one call",
]


def test_memory_devices(board, mode):
    run_checks(board, mode, "devices", CHECKS, 60)
