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
from shell_suite import Clock, Suite

# Every script of the suite; listed failures are rows like | `ash-x/y.tests` | why |.
ASH = Suite("ash-suite", r"ash-[\w-]+/[\w.-]+\.tests", "busybox-tests.md", "ash-suite.cpio", "/ash_test/run", 332,
            clock=Clock.from_file("tests/data/bench/ash-suite-clock", r"ash-[\w-]+/[\w.-]+\.tests",
                                  "/tests/bench/ash-suite-clock", "ASH_SKIP", "ASH_ONLY"))


def test_ash_suite_fails_only_where_the_docs_say(board, mode):
    ASH.run(board, mode)
