"""What differs between the modes on a Linux call's path (user/tests/call-path.c).

MODE=mono takes a Linux call the way a monolithic kernel does: the server's
handler is called from the trap (getpid, a plain call, from the trap
vector's fast path) and the answer goes straight back to user mode, so a
call makes no switch at all (one can come only from an interrupt
landing in the loop). MODE=micro hands the hart to the server and back: at
least two switches a call, each with an address-space switch. In both modes
the same handlers take the same number of calls, and a file call goes
straight to the file server (the process server routed it there, ep_route),
never through the process server. A plain call whose handler copies the
caller's memory (rt_sigprocmask) settles in mono at its first copy and
counts exactly as a light one does.
"""
import re

from test_linux import expect_clean_end, run_init

LINE = re.compile(r"call-path: (\w+) n=(\d+) ((?:\w+=\d+ ?)+)\r*\n")


def read_ops(board, mode):
    ops = {}
    with run_init(board, mode, "call-path") as k:
        for _ in range(3):
            m = k.expect(LINE)
            ops[m.group(1)] = dict(n=int(m.group(2)), **{
                f: int(v) for f, v in (kv.split("=") for kv in m.group(3).split())})
        k.expect("call-path: done")
        expect_clean_end(k)
    return ops


def test_a_linux_call_is_a_function_call_in_mono_and_two_switches_in_micro(board, mode):
    ops = read_ops(board, mode)
    getpid, pipe, sigmask = ops["getpid"], ops["pipe"], ops["sigmask"]
    n = getpid["n"]
    # The same handlers ran the same calls in both modes.
    for op in (getpid, sigmask):
        assert op["ecall_linux"] == n and op["received_proc"] == n and op["received_fs"] == 0, op
        assert op["syscalls"] == n and op["replies"] == n, op
    assert pipe["ecall_linux"] == 2 * n and pipe["received_proc"] == 0 and pipe["received_fs"] == 2 * n
    assert pipe["syscalls"] == 2 * n and pipe["replies"] == 2 * n
    for op in (getpid, pipe, sigmask):
        if mode == "mono":
            assert op["sched_switches"] <= op["interrupts"], op
            assert op["satp_writes"] <= op["interrupts"], op
        else:
            assert op["sched_switches"] >= 2 * op["ecall_linux"], op
            assert op["satp_writes"] >= 2 * op["ecall_linux"], op
