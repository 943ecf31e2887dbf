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

from kage import ROOT, Kage, build_dir, system_image

SUITE_TIMEOUT = 900


class Suite:
    def __init__(self, tag, script, doc, cpio, rdinit, count):
        self.tag, self.doc, self.cpio, self.rdinit, self.count = tag, doc, cpio, rdinit, count
        self.listed = re.compile(r"^\| `(" + script + r")` \|", re.M)
        self.verdict = re.compile(r"^" + tag + r": (" + script + r") (ok|fail|timeout)(?: \(\d+ s\))?\r*$", re.M)
        self.done = tag + r": done (\d+) passed, (\d+) failed"

    def listed_failures(self):
        with open(os.path.join(ROOT, "docs", self.doc)) as f:
            return set(self.listed.findall(f.read()))

    def run(self, board, mode):
        """Runs the suite; returns the console's log once every verdict matched the document."""
        cpio = os.path.join(build_dir(board, mode), self.cpio)
        assert os.path.exists(cpio), "make test builds it: make BOARD=... MODE=... " + cpio
        with Kage(board, mode, mem="512M", kernel=system_image(board, mode), initrd=cpio,
                  append=f"rdinit={self.rdinit}") as k:
            done = k.expect(self.done, timeout=SUITE_TIMEOUT)
            k.expect("kage: init exited with status 0")
            log = k.output()
        verdicts = dict(self.verdict.findall(log))
        passed, failed = int(done.group(1)), int(done.group(2))
        assert len(verdicts) == passed + failed == self.count, log[-3000:]
        failing = {name for name, v in verdicts.items() if v != "ok"}
        listed = self.listed_failures()
        new, fixed = sorted(failing - listed), sorted(listed - failing)
        assert not new and not fixed, (
            f"fail on kage but docs/{self.doc} does not list them: {new}\n"
            f"listed in docs/{self.doc} but pass now: {fixed}\n"
            + "\n".join(line for line in log.split("\n") if line.startswith(self.tag + "|"))[-6000:])
        assert "panic" not in log
        return log
