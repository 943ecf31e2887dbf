"""Fault isolation (docs/comparison.md): the same bug in the file server,
armed by "kage.crash=fs" and set off by /bin/isolation (user/isolation),
kills one user task in MODE=micro and the whole kernel in MODE=mono."""
import re

from kage import FAILURE_STATUS, Kage, system_image

APPEND = "kage.crash=fs rdinit=/bin/isolation"
CHECKS = [
    "the crashing call fails with EPIPE",
    "process calls still work",
    "file calls fail cleanly",
    "pipes (the file server's) fail cleanly",
    "fork fails: descriptor tables were the fs's",
    "the worker ran to its end and was reaped",
]


def boot(board, mode, append=APPEND):
    return Kage(board, mode, kernel=system_image(board, mode), append=append)


def test_the_fs_bug_kills_only_the_fs_server_in_micro(board):
    with boot(board, "micro") as k:
        k.expect(r"isolation: crashing the file server now")
        k.expect(r"kage: task fs killed: store page fault at pc=0x[0-9a-f]+ addr=0x0\r*\n")
        k.expect(r"kage: proc: the file server is gone")
        for check in CHECKS:
            k.expect(re.escape(f"isolation: {check}") + r" +ok ")
        k.expect(r"isolation: survived")
        k.expect(r"kage: init exited with status 0")
        m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
        assert m.group(1) == m.group(2), "frames leaked"
        assert k.wait_exit() == 0
        assert "panic" not in k.output()


def test_the_same_bug_panics_the_kernel_in_mono(board):
    with boot(board, "mono") as k:
        k.expect(r"isolation: crashing the file server now")
        k.expect(r"kage: panic: unexpected store page fault in the kernel")
        k.expect(r"stval=0000000000000000")
        k.expect(r"kage: powering off after panic")
        assert k.wait_exit() == FAILURE_STATUS[board]
        assert "isolation: process calls still work" not in k.output()


def test_unarmed_the_ioctl_is_unknown(board, mode):
    """Without kage.crash=fs nothing crashes: the ioctl is -ENOTTY and the file server stays."""
    with boot(board, mode, "rdinit=/bin/isolation") as k:
        k.expect(r"isolation: the crashing call fails with EPIPE +FAILED \(result -1, Inappropriate ioctl")
        k.expect(r"isolation: file calls fail cleanly +FAILED \(open = \d+, opened\)")
        k.expect(r"kage: init exited with status 1")
        assert k.wait_exit() == FAILURE_STATUS[board]  # init's status 1 is the system's
        assert "killed" not in k.output() and "panic" not in k.output()
