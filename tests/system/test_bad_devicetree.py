"""A device tree kage cannot use stops the boot with a reason, never a fault or a hang.

The trees are QEMU's own, dumped for the same machine and edited with dtc,
so OpenSBI still boots and only kage sees the problem.
"""
import re
import subprocess

import pytest

from kage import FAILURE_STATUS, Kage

BOARD_MACHINES = {"qemu-virt": ("virt", "256M", 1), "qemu-sifive-u": ("sifive_u", "512M", 2)}


def machine_dts(tmp_path, board):
    machine, mem, smp = BOARD_MACHINES[board]
    dtb = tmp_path / "machine.dtb"
    subprocess.run(["qemu-system-riscv64", "-M", f"{machine},dumpdtb={dtb}", "-m", mem,
                    "-smp", str(smp), "-nographic", "-bios", "default"],
                   check=True, capture_output=True, timeout=30)
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)], check=True,
                          capture_output=True, text=True, timeout=30).stdout


def compile_dts(tmp_path, text):
    src, out = tmp_path / "edited.dts", tmp_path / "edited.dtb"
    src.write_text(text)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out), str(src)],
                   check=True, timeout=30)
    return out


def without_memory(dts):
    edited = re.sub(r"\n\tmemory@[0-9a-f]+ \{.*?\n\t\};", "", dts, flags=re.S)
    assert edited != dts
    return edited


def without_mmu(dts):
    # kage needs an Sv39 hart. OpenSBI boots without mmu-type but marks such a hart
    # disabled in the tree it passes on. (A missing timebase would stop OpenSBI first.)
    edited = re.sub(r"\n\t+mmu-type = \"[^\"]*\";", "", dts)
    assert edited != dts
    return edited


@pytest.mark.parametrize("edit,reason", [(without_memory, "no memory node"), (without_mmu, "the boot hart")],
                         ids=["no-memory", "no-mmu"])
def test_unusable_device_tree_is_named_and_boot_stops(tmp_path, board, mode, edit, reason):
    dtb = compile_dts(tmp_path, edit(machine_dts(tmp_path, board)))
    with Kage(board, mode, qemu_args=["-dtb", str(dtb)]) as k:
        m = k.expect(r"kage: device tree: ([^\r\n]*)\r*\n")
        assert reason in m.group(1), m.group(1)
        k.expect("kage: cannot continue, powering off")
        assert k.wait_exit() == FAILURE_STATUS[board]
