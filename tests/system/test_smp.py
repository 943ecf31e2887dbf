"""kage on several harts (kernel/hart.c): every hart with an MMU comes online,
the kernel's own checks and Linux programs pass with programs and servers
running on all of them at once, and every frame and object comes back;
the process stress, the fuzzer's slice and the threads program run on four
harts as well as one.
The other system tests run on one hart (kage.default_harts); KAGE_TEST_HARTS=4
runs them all on four. tests/system/test_fs_capacity.py's signal flood found
the console write that a signal ended after its bytes went out (now held)."""
import os
import re

import pytest

from kage import Kage, build_dir, qemu_smp, system_image
from test_fuzz import fuzz_slice
from test_linux import THREAD_CHECKS, expect_clean_end, process_stress, run_checks
from test_user_mode import MIN_CHECKS, run_checks as run_kernel_checks

HARTS = 4
# The ids kage runs on with HARTS harts: sifive_u's hart 0 is the E51, left to the firmware.
HART_IDS = {"qemu-virt": "0 1 2 3", "qemu-sifive-u": "1 2 3 4"}
SMP_CHECKS = [
    "threads: first stores into the same pages at once",
    "threads: first stores into the same copy-on-write pages at once",
    "threads: no atomic increment lost", "threads: no increment under the mutex lost",
    "fork + exec + wait from several processes at once", "pipe pairs bounce every byte back",
    "no SIGCHLD lost to a sigsuspend loop",
]


def smp_kage(board, mode, **kw):
    return Kage(board, mode, smp=qemu_smp(board, HARTS), **kw)


def expect_checks(k, program, checks, timeout):
    """The program's "<program>: <check> ok" lines, in order, then its last line and a clean end."""
    for check in checks:
        k.expect(f"{program}: {re.escape(check)} (ok|FAILED)", timeout=timeout)
        assert k.child.match.group(1) == "ok", check
    k.expect(f"{program}: done")
    expect_clean_end(k)


def test_every_hart_with_an_mmu_comes_online(board, mode):
    with smp_kage(board, mode, kernel=system_image(board, mode), append="rdinit=/bin/smp") as k:
        k.expect(f"kage: smp: {HARTS} harts online \\(ids {HART_IDS[board]}\\)")
        k.expect(f"smp: {HARTS} processors online")
        expect_checks(k, "smp", SMP_CHECKS, 300)


def test_kernel_checks_pass_on_every_hart(board, mode):
    with smp_kage(board, mode, kernel=os.path.join(build_dir(board, mode), "test", "Image")) as k:
        k.expect("kage-test: root task in user mode")
        results, failed = run_kernel_checks(k)
        failures = {n: d for n, (ok, d) in results.items() if not ok}
        assert not failures, failures
        assert failed == 0 and len(results) >= MIN_CHECKS
        m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
        assert m.group(1) == m.group(2), "frames leaked by the root task"
        assert k.wait_exit() == 0


def test_stress_and_fuzz_on_every_hart(board, mode):
    """The process stress (1,000 fork + exec + wait, 64 children at once) and the fuzzer's slice,
    with programs and servers on every hart: every status collected, every frame and object back."""
    process_stress(board, mode, smp=qemu_smp(board, HARTS))
    fuzz_slice(board, mode, HARTS)


def test_threads_on_every_hart(board, mode):
    """The threads program (futexes, signals to a thread, execve in a thread) with its threads spread over the harts."""
    run_checks(board, mode, "threads", THREAD_CHECKS, smp=qemu_smp(board, HARTS))


AFFINITY_CHECKS = [
    "sched_getaffinity: every CPU", "bad arguments: EINVAL, ESRCH, EFAULT",
    "pinned to each CPU in turn, getcpu says it", "fork and execve keep the mask",
    "membarrier: query, flags, global", "a thread pinned by another runs where it was pinned",
    "membarrier: private, registered, interrupts the harts that run its threads",
    "kage_stats: what harts cost each other, none on one hart",
]


@pytest.mark.parametrize("harts", [1, HARTS])
def test_affinity_getcpu_and_membarrier(board, mode, harts):
    """user/tests/affinity.c: threads pinned to each hart run there, and membarrier
    interrupts the harts that run the caller's other threads."""
    if harts == 1 and board != "qemu-virt":
        pytest.skip("one hart: one board is enough")
    with Kage(board, mode, smp=qemu_smp(board, harts), kernel=system_image(board, mode),
              append="rdinit=/bin/affinity") as k:
        k.expect(f"affinity: {harts} processors online")
        expect_checks(k, "affinity", AFFINITY_CHECKS, 120)
