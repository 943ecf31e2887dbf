"""Boots kage in QEMU under pexpect and talks to its console.

Every boot goes through tools/run-qemu, the same script `make run` uses,
so the tests exercise the command line users get. Every wait is bounded:
a kernel that hangs fails its test instead of hanging the run.
"""
import os
import re

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QEMU_BOARDS = ["qemu-virt", "qemu-sifive-u"]
MODES = ["micro", "mono"]
BOOT_TIMEOUT = 60
COMMAND_TIMEOUT = 60
PROMPT = "kage> "
# QEMU's exit status after a failure power-off. virt has a test finisher in its
# device tree, which kage uses to report failure; sifive_u has no device that
# can, so there kage's failure power-off ends QEMU like any other (kernel/power.h).
FAILURE_STATUS = {"qemu-virt": 1, "qemu-sifive-u": 0}

REPORT_VERSION = re.compile(r"kage: (\S+) mode=(\w+) board=([^\r\n]*)\r*\n")
REPORT_MACHINE = re.compile(
    r"kage: hart (\d+), (\d+) MiB RAM at (0x[0-9a-f]+), timebase (\d+) Hz, uart (\S+)@(0x[0-9a-f]+)\r*\n")
REPORT_FRAMES = re.compile(r"kage: frames free=(\d+) used=(\d+)\r*\n")


def expect_objects_back(k):
    """The process server's leak check at pid 1's end (servers/proc/audit.c): every object back at its baseline."""
    line = r"kage: (objects back at their baseline|leak: |objects not compared)[^\r\n]*"
    m = re.search(line, k.output())  # a test may have read past it already
    if not m:
        k.expect(line)
        m = re.search(line, k.output())
    assert m.group(1).startswith("objects back"), k.output()[-3000:]


def build_dir(board, mode):
    return os.path.join(ROOT, "build", board, mode)


def system_image(board, mode):
    """The Image whose root task is the process server (make run's, build/BOARD/MODE/Image)."""
    return os.path.join(build_dir(board, mode), "Image")


def monitor_image(board, mode):
    """The kernel alone, which stops at its monitor: what Kage boots unless told otherwise."""
    return os.path.join(build_dir(board, mode), "monitor", "Image")


# Harts without an MMU that QEMU's -smp counts but kage leaves to the firmware (sifive_u's E51).
MONITOR_HARTS = {"qemu-sifive-u": 1}


def default_harts():
    """The harts kage runs on in a system test that does not ask: 1 (KAGE_TEST_HARTS overrides).
    make run uses board.mk's QEMU_SMP, every hart; tests/system/test_smp.py runs on several."""
    return int(os.environ.get("KAGE_TEST_HARTS", "1"))


def host_slowdown(harts):
    """How much longer a QEMU of `harts` harts may take than one of one hart: each hart is a host
    thread, so on a host with fewer cores than harts they take turns (KAGE_TEST_HARTS=4 on two
    cores). Every wait of a test is stretched by this; with one hart it is 1."""
    return max(1.0, harts / (os.cpu_count() or 1))


def qemu_smp(board, harts):
    """QEMU's -smp for kage to run on `harts` harts of `board`."""
    return harts + MONITOR_HARTS.get(board, 0)


class Kage:
    """One QEMU running kage; use as a context manager so QEMU always dies.
    smp is QEMU's -smp; by default kage gets default_harts() harts."""

    def __init__(self, board, mode, mem=None, smp=None, append=None, qemu_args=(), kernel=None, sdcard=None,
                 initrd=None):
        env = dict(os.environ)
        smp = smp or qemu_smp(board, default_harts())
        self.harts = smp - MONITOR_HARTS.get(board, 0)
        self.slowdown = host_slowdown(self.harts)
        if not sdcard:
            env["KAGE_KERNEL"] = kernel or monitor_image(board, mode)
        if initrd:
            env["KAGE_INITRD"] = initrd
        if sdcard:
            # Through OpenSBI and U-Boot from a disk image, as make run-uboot does.
            env["KAGE_SDCARD"] = sdcard
        if mem:
            env["QEMU_MEM"] = mem
        if smp:
            env["QEMU_SMP"] = str(smp)
        if append:
            env["KAGE_APPEND"] = append
        self.board, self.mode = board, mode
        self.log = []
        self.child = pexpect.spawn(
            os.path.join(ROOT, "tools/run-qemu"), [board, build_dir(board, mode), *qemu_args],
            cwd=ROOT, env=env, encoding="utf-8", codec_errors="replace", timeout=BOOT_TIMEOUT)
        self.child.logfile_read = self

    # pexpect's logfile interface: keep what the console printed, for failure messages.
    def write(self, data):
        self.log.append(data)

    def flush(self):
        pass

    def output(self):
        return "".join(self.log)

    def expect(self, pattern, timeout=BOOT_TIMEOUT):
        try:
            self.child.expect(pattern, timeout=timeout if timeout is None else timeout * self.slowdown)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise AssertionError(
                f"{type(e).__name__} waiting for {pattern!r}; console so far:\n{self.output()}") from None
        return self.child.match

    def boot_report(self):
        v = self.expect(REPORT_VERSION)
        m = self.expect(REPORT_MACHINE)
        f = self.expect(REPORT_FRAMES)
        return {
            "version": v.group(1), "mode": v.group(2), "model": v.group(3).strip(),
            "hart": int(m.group(1)), "mib": int(m.group(2)), "ram_base": int(m.group(3), 16),
            "timebase": int(m.group(4)), "uart": m.group(5), "uart_addr": int(m.group(6), 16),
            "free": int(f.group(1)), "used": int(f.group(2)),
        }

    def wait_prompt(self):
        self.expect(PROMPT)

    def command(self, line, timeout=COMMAND_TIMEOUT):
        """Runs a monitor command and returns what it printed (without echo and prompt)."""
        self.child.sendline(line)
        self.expect(re.escape(line) + r"\r*\n", timeout)
        self.expect(PROMPT, timeout)
        return self.child.before

    def wait_exit(self, timeout=BOOT_TIMEOUT):
        """Waits for QEMU to end and returns its exit status."""
        self.expect(pexpect.EOF, timeout)
        self.child.close()
        return self.child.exitstatus

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
