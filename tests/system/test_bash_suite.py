"""GNU bash's own test suite on kage.

Debian's bash source ships tests/: 85 run-* scripts, each running a
group of tests under the bash being tested and comparing its output with
the output it must print. tools/bash-suite-stage puts them, their helper
programs and tests/bash-suite/run into an initramfs of their own
(build/<board>/<mode>/bash-suite.cpio) with /bin/bash built from the same
source (tools/apps/bash); the runner is pid 1, runs every script but the
few it skips under sh with THIS_SH=/bin/bash and prints a verdict per
script.

docs/bash-tests.md lists every script that fails on kage and why. The
test holds kage to that list both ways: a new failure fails it, and so
does a listed script that now passes (the document would be wrong).
"""
import os
import re

from kage import ROOT, Kage, build_dir, system_image

DOC = os.path.join(ROOT, "docs", "bash-tests.md")
# Listed failures: table rows whose first cell is a script, e.g. | `run-rsh` | why |
LISTED = re.compile(r"^\| `(run-[\w-]+)` \|", re.M)
VERDICT = re.compile(r"^bash-suite: (run-[\w-]+) (ok|fail|timeout) \(\d+ s\)\r*$", re.M)
DONE = r"bash-suite: done (\d+) passed, (\d+) failed"
# The runner's default list: the 85 run-* scripts but run-all, run-minimal, run-jobs, run-read, run-ifs-posix
# and run-posixpipe.
SCRIPTS = 79
SUITE_TIMEOUT = 900


def listed_failures():
    with open(DOC) as f:
        return set(LISTED.findall(f.read()))


def test_bash_suite_fails_only_where_the_docs_say(board, mode):
    cpio = os.path.join(build_dir(board, mode), "bash-suite.cpio")
    assert os.path.exists(cpio), "make test builds it: make BOARD=... MODE=... " + cpio
    with Kage(board, mode, mem="512M", kernel=system_image(board, mode), initrd=cpio,
              append="rdinit=/bash_test/run") as k:
        done = k.expect(DONE, timeout=SUITE_TIMEOUT)
        k.expect("kage: init exited with status 0")
        log = k.output()
    verdicts = dict(VERDICT.findall(log))
    passed, failed = int(done.group(1)), int(done.group(2))
    assert len(verdicts) == passed + failed == SCRIPTS, log[-3000:]
    failing = {name for name, v in verdicts.items() if v != "ok"}
    listed = listed_failures()
    new, fixed = sorted(failing - listed), sorted(listed - failing)
    assert not new and not fixed, (
        f"fail on kage but docs/bash-tests.md does not list them: {new}\n"
        f"listed in docs/bash-tests.md but pass now: {fixed}\n"
        + "\n".join(line for line in log.split("\n") if line.startswith("bash-suite|"))[-6000:])
    assert "panic" not in log
    assert "is not implemented" not in log, "a call bash or its tests made is missing"
