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
from shell_suite import Clock, Suite

# The runner's default list: the 85 run-* scripts but run-all, run-minimal, run-jobs, run-read, run-ifs-posix
# and run-posixpipe. Listed failures are rows like | `run-rsh` | why |. run-nameref's nameref11.sub
# races a coproc's end against the next command (docs/bash-tests.md): it runs under a counted clock.
BASH = Suite("bash-suite", r"run-[\w-]+", "bash-tests.md", "bash-suite.cpio", "/bash_test/run", 79,
             clock=Clock(["run-nameref"], "BASH_SKIP=run-nameref", "run-nameref"))


def test_bash_suite_fails_only_where_the_docs_say(board, mode):
    log = BASH.run(board, mode)
    assert "is not implemented" not in log, "a call bash or its tests made is missing"
