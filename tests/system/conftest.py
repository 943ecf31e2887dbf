import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kage import MODES, QEMU_BOARDS, build_dir  # noqa: E402


def pytest_generate_tests(metafunc):
    """Every test taking `board` and `mode` runs on each QEMU board in each mode."""
    if "board" in metafunc.fixturenames:
        metafunc.parametrize("board", QEMU_BOARDS)
    if "mode" in metafunc.fixturenames:
        metafunc.parametrize("mode", MODES)


@pytest.fixture(autouse=True)
def _built(request):
    params = getattr(request.node, "callspec", None)
    if params and "board" in params.params and "mode" in params.params:
        d = build_dir(params.params["board"], params.params["mode"])
        if not os.path.exists(os.path.join(d, "Image")):
            pytest.fail(f"{d}/Image is missing: run make test (it builds every board and mode)")


def pytest_collection_modifyitems(config, items):
    """KAGE_TEST_SHARD=i/n keeps the tests of shard i of n, so that tools/run-tests can run n at once.

    A test belongs to a shard by its board: QEMU_BOARDS[b] to shard b mod n, and a test with no
    board parameter (it picks its own, qemu-virt) to shard 0. So one board's tests, which share its
    build directory (test_extra_rootfs remakes its initramfs), never run at the same time as each other.
    """
    shard = os.environ.get("KAGE_TEST_SHARD")
    if not shard:
        return
    index, count = (int(x) for x in shard.split("/"))
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None)
        board = params.params.get("board") if params else None
        home = QEMU_BOARDS.index(board) % count if board else 0
        (keep if home == index else drop).append(item)
    items[:] = keep
    config.hook.pytest_deselected(items=drop)
