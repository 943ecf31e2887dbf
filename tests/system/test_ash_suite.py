"""BusyBox's own shell test suite on kage.

Debian's busybox source ships shell/ash_test: some 330 scripts, each with
the output it must print. tools/ash-suite-stage puts them, their helper
programs and tests/ash-suite/run into an initramfs of their own
(build/<board>/<mode>/ash-suite.cpio); the runner is pid 1, runs every
script under /bin/ash and prints a verdict per script.

docs/busybox-tests.md lists every script that fails on kage and why. The
test holds kage to that list both ways: a new failure fails it, and so
does a listed script that now passes (the document would be wrong).
"""
import os
import re

from kage import ROOT, Kage, build_dir, system_image

DOC = os.path.join(ROOT, "docs", "busybox-tests.md")
# Listed failures: table rows whose first cell is a script, e.g. | `ash-x/y.tests` | why |
LISTED = re.compile(r"^\| `(ash-[\w-]+/[\w.-]+\.tests)` \|", re.M)
VERDICT = re.compile(r"^ash-suite: (ash-[\w-]+/[\w.-]+\.tests) (ok|fail|timeout)\r*$", re.M)
DONE = r"ash-suite: done (\d+) passed, (\d+) failed"
SUITE_TIMEOUT = 900


def listed_failures():
    with open(DOC) as f:
        return set(LISTED.findall(f.read()))


def test_ash_suite_fails_only_where_the_docs_say(board, mode):
    cpio = os.path.join(build_dir(board, mode), "ash-suite.cpio")
    assert os.path.exists(cpio), "make test builds it: make BOARD=... MODE=... " + cpio
    with Kage(board, mode, mem="512M", kernel=system_image(board, mode), initrd=cpio,
              append="rdinit=/ash_test/run") as k:
        done = k.expect(DONE, timeout=SUITE_TIMEOUT)
        k.expect("kage: init exited with status 0")
        log = k.output()
    verdicts = dict(VERDICT.findall(log))
    passed, failed = int(done.group(1)), int(done.group(2))
    assert len(verdicts) == passed + failed == 332, log[-3000:]
    failing = {name for name, v in verdicts.items() if v != "ok"}
    listed = listed_failures()
    new, fixed = sorted(failing - listed), sorted(listed - failing)
    assert not new and not fixed, (
        f"fail on kage but docs/busybox-tests.md does not list them: {new}\n"
        f"listed in docs/busybox-tests.md but pass now: {fixed}\n"
        + "\n".join(line for line in log.split("\n") if line.startswith("ash-suite|"))[-6000:])
    assert "panic" not in log
