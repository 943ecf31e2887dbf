"""kage runs at any 2 MiB-aligned load address, not only where OpenSBI puts an Image.

QEMU loads an ELF -kernel at its physical addresses and hands its entry to
OpenSBI, so the Image wrapped in a one-segment ELF lands wherever the test
says. Everything below the kernel except firmware's 2 MiB must become free
RAM, and memtest proves the moved kernel, its device tree and initrd intact.
"""
import os
import re
import subprocess

import pytest

from kage import Kage, build_dir, monitor_image


def wrap_image(tmp_path, image, address):
    src, obj, elf = tmp_path / "wrap.S", tmp_path / "wrap.o", tmp_path / "kage-at.elf"
    src.write_text(f'\t.section .text\n\t.incbin "{image}"\n')
    subprocess.run(["riscv64-linux-gnu-gcc", "-c", str(src), "-o", str(obj)], check=True, timeout=60)
    # -N: no ELF headers inside the segment, so it starts exactly at `address`.
    subprocess.run(["riscv64-linux-gnu-ld", "-N", f"-Ttext={address:#x}", f"-e{address:#x}",
                    "--no-warn-rwx-segments", str(obj), "-o", str(elf)], check=True, timeout=60)
    return elf


@pytest.mark.parametrize("address", [0x80400000, 0x8a000000], ids=["0x80400000", "0x8a000000"])
def test_kernel_runs_where_it_is_loaded(tmp_path, mode, address):
    image = monitor_image("qemu-virt", mode)
    elf = wrap_image(tmp_path, image, address)
    with Kage("qemu-virt", mode, mem="512M", kernel=str(elf)) as k:
        r = k.boot_report()
        assert r["mib"] == 512
        # Only firmware's 2 MiB, the kernel, the device tree, the initrd and
        # the frame descriptors are used: far less than what lies below the kernel.
        initrd_pages = os.path.getsize(os.path.join(build_dir("qemu-virt", mode), "initramfs.cpio")) // 4096
        assert r["used"] < 2048 + initrd_pages, r
        k.wait_prompt()
        assert f"loaded at {address:#x}" in k.command("info")
        out = k.command("memtest", timeout=180)
        assert re.search(r"memtest: \d+ frames written, 0 bad words, device tree intact, "
                         r"initrd intact, frames back at baseline", out), out
