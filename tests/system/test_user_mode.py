"""The kernel test root task (tests/kernel/root.c): the kernel runs an ELF in
user mode in its own Sv39 space, serves native calls, refuses bad pointers,
survives a user fault, and gets every frame back when the task is gone."""
import os
import re

from kage import FAILURE_STATUS, Kage, build_dir

RESULT = re.compile(r"kage-test: (ok|FAIL) (\w+)([^\r\n]*)\r*\n")
MIN_CHECKS = 305
FLOOD_KILL = re.compile(r"kage: task flood killed: ")
SUPPRESSED = re.compile(r"kage: (\d+) messages suppressed")
KLOG_BURST = 10  # kernel/klog.h
KEY_PROMPT = "kage-test: press a key for the UART interrupt check"


def run_checks(k):
    """Reads result lines up to the summary, typing a key when the UART
    interrupt check asks for one; returns {name: (ok, detail)}."""
    results = {}
    while True:
        i = k.child.expect([RESULT, r"kage-test: (\d+) failed\r*\n", KEY_PROMPT], timeout=60 * k.slowdown)
        if i == 1:
            return results, int(k.child.match.group(1))
        if i == 2:
            k.child.send("k")
            continue
        m = k.child.match
        results[m.group(2)] = (m.group(1) == "ok", m.group(3))


def test_root_task_checks_pass_in_user_mode(board, mode):
    image = os.path.join(build_dir(board, mode), "test", "Image")
    with Kage(board, mode, kernel=image) as k:
        k.expect("kage-test: root task in user mode")
        results, failed = run_checks(k)
        failures = {n: d for n, (ok, d) in results.items() if not ok}
        assert not failures, failures
        assert failed == 0
        assert len(results) >= MIN_CHECKS, sorted(results)
        k.expect("kage: root task exited with status 0")
        m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
        assert m.group(1) == m.group(2), "frames leaked by the root task"
        assert k.wait_exit() == 0
        check_flood_was_limited(k.output())


def check_flood_was_limited(out):
    """31 tasks killed by faults (tests/kernel/limits.c): a burst on the console,
    then a count of what was left out before the line after the pause."""
    kills = FLOOD_KILL.findall(out)
    suppressed = [int(n) for n in SUPPRESSED.findall(out)]
    assert 1 < len(kills) <= KLOG_BURST + 2, f"{len(kills)} kill lines for 31 kills"
    assert suppressed and len(kills) + sum(suppressed) >= 31, (len(kills), suppressed)
    assert out.rfind("messages suppressed") < out.rfind("kage: task flood killed"), "no count before the next line"


def test_user_fault_kills_the_task_not_the_kernel(board, mode):
    image = os.path.join(build_dir(board, mode), "test", "Image")
    with Kage(board, mode, kernel=image, append="kage.test=fault") as k:
        k.expect(KEY_PROMPT)
        k.child.send("k")
        k.expect("kage-test: writing to read-only memory on purpose")
        k.expect(r"kage: task root killed: store page fault at pc=0x[0-9a-f]+ addr=0x[0-9a-f]+")
        k.expect(r"kage: root task exited with status -16")
        m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
        assert m.group(1) == m.group(2), "frames leaked by the killed task"
        assert "panic" not in k.output()
        assert k.wait_exit() == FAILURE_STATUS[board]


def test_native_benchmark_runs_and_cleans_up(board, mode):
    # Numbers are only meaningful under -icount (make bench); here: it runs, ends, leaks nothing.
    image = os.path.join(build_dir(board, mode), "test", "Image")
    with Kage(board, mode, kernel=image, append="kage.bench") as k:
        for name in ("native_null_call", "demand_zero_fault", "cow_fault_copy", "space_clone_16MiB_touched"):
            k.expect(rf"kage-bench: {name} \d+ instructions", timeout=120)
        k.expect("kage-bench: done", timeout=120)
        k.expect("kage: root task exited with status 0")
        m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
        assert m.group(1) == m.group(2)
        assert k.wait_exit() == 0
