"""What the shell-suite tests share (test_ash_suite.py, test_bash_suite.py).

A suite's runner is pid 1 of an initramfs of its own and prints, per
script, "<tag>: <script> ok|fail|timeout", at most 20 lines of a
failure's output as "<tag>| <line>", and "<tag>: done P passed, F failed".
A document lists the scripts that fail on kage, one table row each
(| `script` | why |); the test holds kage to that list both ways: a new
failure fails it, and so does a listed script that now passes (the
document would be wrong).
"""
import os
import re

from kage import ROOT, Kage, build_dir, default_harts, qemu_smp, system_image

SUITE_TIMEOUT = 900
# A clock that counts instructions (four nanoseconds each) and jumps over the
# time every hart waits idle: a script that races a `sleep 1` against a
# `sleep 2` (ash-signals/sigint1) ends the same way however slow or loaded
# the host is. Only on virt: on sifive_u, OpenSBI's parked E51 never idles,
# so QEMU would count out every sleep instruction by instruction (minutes).
DETERMINISTIC_CLOCK = ("-icount", "shift=2,sleep=off")
CLOCK_BOARDS = ("qemu-virt",)


class Clock:
    """The scripts of a suite whose verdict rests on the clock: their names, and what the kernel
    command line adds to leave them out of a run (skip) or to run only them (only)."""

    def __init__(self, names, skip, only):
        self.names, self.skip, self.only = frozenset(names), skip, only

    @staticmethod
    def from_file(path, pattern, guest_path, skip_var, only_var):
        """The names listed one a line in `path` (in the repository; at guest_path in the
        initramfs), which the runner reads from the file skip_var or only_var names."""
        with open(os.path.join(ROOT, path)) as f:
            names = re.findall(r"^(" + pattern + r")$", f.read(), re.M)
        return Clock(names, f"{skip_var}={guest_path}", f"{only_var}={guest_path}")


class Suite:
    """clock: None, or a Clock. Its scripts run in a boot of their own under DETERMINISTIC_CLOCK,
    on one hart (QEMU's instruction counting runs harts in turn), and on no other board."""

    def __init__(self, tag, script, doc, cpio, rdinit, count, clock=None):
        self.tag, self.doc, self.cpio, self.rdinit, self.count = tag, doc, cpio, rdinit, count
        self.clock = clock
        self.listed = re.compile(r"^\| `(" + script + r")` \|", re.M)
        # Scripts that race with themselves when their processes run at once: "- On several harts: `x/y.tests`".
        self.races = re.compile(r"^- On several harts: `(" + script + r")`", re.M)
        self.verdict = re.compile(r"^" + tag + r": (" + script + r") (ok|fail|timeout)(?: \(\d+ s\))?\r*$", re.M)
        self.done = tag + r": done (\d+) passed, (\d+) failed"

    def listed_failures(self):
        with open(os.path.join(ROOT, "docs", self.doc)) as f:
            return set(self.listed.findall(f.read()))

    def races_on_several_harts(self):
        """The scripts the document says may fail on several harts only, by a race of their own."""
        with open(os.path.join(ROOT, "docs", self.doc)) as f:
            return set(self.races.findall(f.read()))

    def boot(self, board, mode, append, **kw):
        """One boot of the runner: its verdicts (script: ok, fail or timeout) and the console's log."""
        cpio = os.path.join(build_dir(board, mode), self.cpio)
        assert os.path.exists(cpio), "make test builds it: make BOARD=... MODE=... " + cpio
        with Kage(board, mode, mem="512M", kernel=system_image(board, mode), initrd=cpio,
                  append=f"rdinit={self.rdinit} {append}".strip(), **kw) as k:
            done = k.expect(self.done, timeout=SUITE_TIMEOUT)
            k.expect("kage: init exited with status 0")
            log = k.output()
        verdicts = dict(self.verdict.findall(log))
        assert len(verdicts) == int(done.group(1)) + int(done.group(2)), log[-3000:]
        assert "panic" not in log
        return verdicts, log

    def boots(self, board, mode):
        """Every boot the board gets: what ran, the scripts left out, and the logs."""
        if not self.clock:
            verdicts, log = self.boot(board, mode, "")
            return verdicts, set(), log
        verdicts, log = self.boot(board, mode, self.clock.skip)
        assert not set(verdicts) & self.clock.names, "the real-time boot ran scripts that rest on the clock"
        if board not in CLOCK_BOARDS:
            return verdicts, set(self.clock.names), log
        timed, timed_log = self.boot(board, mode, self.clock.only, smp=qemu_smp(board, 1),
                                     qemu_args=DETERMINISTIC_CLOCK)
        assert set(timed) == self.clock.names, timed_log[-3000:]
        return {**verdicts, **timed}, set(), log + timed_log

    def run(self, board, mode):
        """Runs the suite; returns the console's log once every verdict matched the document."""
        verdicts, left_out, log = self.boots(board, mode)
        assert len(verdicts) + len(left_out) == self.count and not left_out & set(verdicts), log[-3000:]
        failing = {name for name, v in verdicts.items() if v != "ok"}
        if default_harts() > 1:
            failing -= self.races_on_several_harts()  # either way there; on one hart they must pass
        listed = self.listed_failures() - left_out
        new, fixed = sorted(failing - listed), sorted(listed - failing)
        assert not new and not fixed, (
            f"fail on kage but docs/{self.doc} does not list them: {new}\n"
            f"listed in docs/{self.doc} but pass now: {fixed}\n"
            + "\n".join(line for line in log.split("\n") if line.startswith(self.tag + "|"))[-6000:]
            + "\nkage's own lines:\n" + "\n".join(line for line in log.split("\n") if line.startswith("kage:"))[-3000:])
        return log
