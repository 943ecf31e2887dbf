"""File locks and the calls around them (user/tests/locks.c): POSIX record
locks between processes (ranges split and merged, F_SETLKW waiting,
EDEADLK, a signal's EINTR, release at close and at exit), OFD locks and
flock owned by their description, fsync and its kin, statfs with real
totals; the file server's objects back after each part."""
from test_fs_capacity import run_checks

LOCK_CHECKS = [
    "a write lock of [0, 100) is seen by another process, which cannot take [50, 60)",
    "unlocking [40, 60) splits it in two",
    "its own locks never block a process: [0, 100) becomes a read lock, then a write lock again",
    "bad arguments are EINVAL, EBADF and EFAULT as on Linux",
    "closing any descriptor of the file releases the process's locks",
    "the server's objects are back after the record locks",
    "F_SETLKW waits until the lock is let go, then takes it",
    "a wait that would close a cycle is EDEADLK, and the other side goes on",
    "a signal interrupts F_SETLKW with EINTR, and the wait goes",
    "a waiter killed while it waits leaves nothing behind",
    "the server's objects are back after the waits",
    "a process's locks go when it exits",
    "OFD locks: two descriptions of one process conflict, and with POSIX locks",
    "an OFD lock goes with its description",
    "the server's objects are back after the OFD locks",
    "flock: an exclusive lock refuses another description, and ignores record locks",
    "flock converts between shared and exclusive, and refuses a bad operation",
    "a waiting flock gets the lock when the holder's description closes",
    "the server's objects are back after flock",
    "fsync, fdatasync, syncfs, sync and sync_file_range answer, and check their arguments",
    "statfs: a tmpfs of real totals",
    "a 4 MiB file takes at least 1,024 free blocks, as fstatfs sees",
    "statfs of /proc is procfs; a missing path is ENOENT, a bad buffer EFAULT",
    "every object of the run is gone",
]


def test_file_locks_sync_and_statfs(board, mode):
    run_checks(board, mode, "locks", LOCK_CHECKS, 60)
