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
