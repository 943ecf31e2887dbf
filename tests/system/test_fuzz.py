"""A short, seed-fixed slice of the system-call fuzzer (user/tests/fuzz.c;
`make fuzz` runs it for as long as asked): random Linux calls from worker
processes, and the oracle: the system never stopped, every server still
answers, the kernel's objects and every frame came back."""
from test_linux import expect_clean_end
from kage import Kage, default_harts, host_slowdown, qemu_smp, system_image

SEED, CALLS, SECONDS, WORKERS = 1, 20000, 300, 6


def fuzz_slice(board, mode, harts):
    """The slice on `harts` harts: every call made, the system whole after them."""
    # The fuzzer's own time limit is wall time too: stretched like the test's waits (kage.host_slowdown).
    seconds = int(SECONDS * host_slowdown(harts))
    append = f"rdinit=/bin/fuzz -- {SEED} {CALLS} {seconds} {WORKERS}"
    with Kage(board, mode, kernel=system_image(board, mode), append=append, smp=qemu_smp(board, harts)) as k:
        k.expect(r"fuzz: (\d+) calls ran in (\d+) workers", timeout=SECONDS + 60)
        assert int(k.child.match.group(1)) >= CALLS, "the workers stopped before their calls were made"
        for verdict in [r"watchdog's longest wait \d+ ms", "servers alive", r"kernel objects back \(.*\)"]:
            k.expect(f"fuzz: {verdict}: (ok|FAILED)")
            assert k.child.match.group(1) == "ok", verdict
        k.expect("fuzz: done")
        expect_clean_end(k)


def test_fuzz_slice_leaves_the_system_whole(board, mode):
    fuzz_slice(board, mode, default_harts())
