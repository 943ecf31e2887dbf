"""The clocks (user/tests/clock.c): the wall clock starts at QEMU virt's
goldfish RTC, or on a board without one at the date of the commit the
Image was built from, as the boot report says; clock_settime and
settimeofday move it and not the monotonic clock; absolute sleeps and
futex waits on it end when it reaches them."""
import calendar
import re
import subprocess
import time

from kage import ROOT, Kage, system_image
from test_linux import expect_clean_end

CHECKS = [
    "the wall clock starts at a real date, and gettimeofday agrees", "clock_getres says the tick",
    "clock_settime moves the wall clock and not the monotonic one", "settimeofday sets it back",
    "bad clocks, times and pointers are EINVAL and EFAULT",
    "clock_nanosleep to a wall-clock time ends when it comes",
    "a futex wait to a wall-clock time times out when it comes",
]


def build_epoch():
    """The commit date the Makefile gives a board without an RTC."""
    out = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def test_wall_clock(board, mode):
    with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/bin/clock") as k:
        m = k.expect(r"kage: clock: (\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC, ([^\r\n]+)\r*\n")
        shown = calendar.timegm(tuple(int(m.group(i)) for i in range(1, 7)))
        if board == "qemu-virt":
            assert m.group(7) == "from the goldfish RTC"
            assert abs(shown - time.time()) < 86400, "QEMU's RTC follows the host's clock"
        else:
            assert m.group(7) == "no RTC: the build's date"
            assert abs(shown - build_epoch()) < 60
        for check in CHECKS:
            k.expect(f"clock: {re.escape(check)} (ok|FAILED)", timeout=60)
            assert k.child.match.group(1) == "ok", check
        expect_clean_end(k)
