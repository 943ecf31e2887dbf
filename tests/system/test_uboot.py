"""The SD-card image (make image) and the boot path of the boards: U-Boot's distro boot.

QEMU virt runs OpenSBI, then Debian's U-Boot, which finds extlinux.conf on
the image's bootable FAT partition and booti's the Image with the initramfs
(make run-uboot). The hardware boards' images are checked for the layout
their firmware expects (../shared/BOARDS.md, docs/flashing.md).
"""
import json
import os
import re
import shutil
import struct
import subprocess

import pytest

from kage import ROOT, Kage, build_dir, monitor_image

SPL_TYPE = "5B193300-FC78-40CD-8002-E86C45580B47"
ITB_TYPE = "2E54B353-1271-4842-806F-E436D6AF6985"
SHELL_PROMPT = r"~ # |/[^\r\n]* # "  # ash shows ~ only in root's home, /root
# What U-Boot prints on its way to kage (U-Boot 2023.01, pxe_utils and booti).
UBOOT_FOUND = "Found /extlinux/extlinux.conf"
UBOOT_KERNEL = "Retrieving file: /Image"
# booti moves the Image from ${kernel_addr_r} to RAM base + the header's text_offset.
UBOOT_MOVE = re.compile(r"Moving Image from 0x84000000 to (0x[0-9a-f]+),")
UBOOT_START = "Starting kernel ..."


def sdcard(mode):
    path = os.path.join(build_dir("qemu-virt", mode), "sdcard.img")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make test (it builds the images)")
    return path


def uboot_to_kernel(k):
    """Follows U-Boot from distro boot to booti; returns where the Image was moved to."""
    k.expect(UBOOT_FOUND)
    k.expect(UBOOT_KERNEL)
    address = int(k.expect(UBOOT_MOVE).group(1), 16)
    k.expect(UBOOT_START)
    return address


def test_uboot_boots_the_sd_image_to_the_shell(mode):
    with Kage("qemu-virt", mode, sdcard=sdcard(mode)) as k:
        assert uboot_to_kernel(k) == 0x80200000
        r = k.boot_report()
        assert (r["mode"], r["model"], r["ram_base"]) == (mode, "riscv-virtio,qemu", 0x80000000)
        # booti put the initramfs' range into /chosen: U-Boot loaded it at ${ramdisk_addr_r}.
        size = os.path.getsize(os.path.join(build_dir("qemu-virt", mode), "initramfs.cpio"))
        k.expect(f"kage: initramfs {size} bytes at 0x8c300000")
        k.expect(SHELL_PROMPT)
        k.child.sendline("echo sum=$((40 + 2)); ls /bin/busybox")
        k.expect(r"sum=42\r*\n")
        k.expect(r"/bin/busybox\r*\n")
        k.expect(SHELL_PROMPT)


def test_uboot_booti_runs_kage_at_another_address(tmp_path, mode):
    """booti places the Image at RAM base + text_offset: a larger offset moves kage."""
    address = 0x82000000
    image = tmp_path / "Image"
    shutil.copy(monitor_image("qemu-virt", mode), image)  # the kernel monitor
    with open(image, "r+b") as f:
        f.seek(8)
        f.write(struct.pack("<Q", address - 0x80000000))
    disk = tmp_path / "sd.img"
    env = {k: v for k, v in os.environ.items() if k not in ("DTB", "SPL", "UBOOT_ITB", "KAGE_APPEND")}
    subprocess.run([os.path.join(ROOT, "tools/mkimage-sd"), str(disk), str(image),
                    os.path.join(build_dir("qemu-virt", mode), "initramfs.cpio")],
                   check=True, timeout=120, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    with Kage("qemu-virt", mode, sdcard=str(disk)) as k:
        assert uboot_to_kernel(k) == address
        k.boot_report()
        k.expect(r"kage: initramfs \d+ bytes at 0x8c300000")
        k.wait_prompt()
        assert f"loaded at {address:#x}" in k.command("info")


def partitions(img):
    out = subprocess.run(["sfdisk", "--json", str(img)], check=True, capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout)["partitiontable"]


def mtools(*args):
    """Runs an mtools command on an image; mtools cannot guess a partition's geometry, nor needs to."""
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60, env=env).stdout


def fat_files(img, offset):
    out = mtools("mdir", "-/", "-b", "-i", f"{img}@@{offset}", "::")
    return {line.strip().removeprefix("::") for line in out.splitlines() if line.strip()}


def fat_read(img, offset, path):
    return mtools("mtype", "-i", f"{img}@@{offset}", f"::{path}")


@pytest.mark.parametrize("hw_board", ["visionfive2", "hifive-unmatched"])
def test_hardware_board_image_layout(tmp_path, hw_board):
    """make image for a physical board: the partitions and files BOARDS.md asks for."""
    disk = tmp_path / "sd.img"
    args = ["make", "-s", "image", f"BOARD={hw_board}", f"SDCARD={disk}"]
    spl = itb = None
    if hw_board == "hifive-unmatched":
        spl, itb = os.urandom(100_000), os.urandom(900_000)  # stand-ins for U-Boot's files
        (tmp_path / "spl.bin").write_bytes(spl)
        (tmp_path / "u-boot.itb").write_bytes(itb)
        args += [f"SPL={tmp_path / 'spl.bin'}", f"UBOOT_ITB={tmp_path / 'u-boot.itb'}"]
    # Not the jobserver of a make test that runs this.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    subprocess.run(args, check=True, cwd=ROOT, timeout=600, env=env, stdout=subprocess.DEVNULL)

    table = partitions(disk)
    assert table["label"] == "gpt" and table["sectorsize"] == 512
    parts = {int(p["node"][len(str(disk)):]): p for p in table["partitions"]}
    assert sorted(parts) == [1, 2, 3]
    assert (parts[1]["start"], parts[1]["type"]) == (34, SPL_TYPE)
    assert (parts[2]["start"], parts[2]["type"]) == (2082, ITB_TYPE)
    assert parts[3]["attrs"] == "LegacyBIOSBootable"
    assert "attrs" not in parts[1] and "attrs" not in parts[2]

    data = disk.read_bytes()
    if spl:
        assert data[34 * 512:34 * 512 + len(spl)] == spl
        assert data[2082 * 512:2082 * 512 + len(itb)] == itb
    else:
        assert data[34 * 512:(2082 + parts[2]["size"]) * 512].count(0) == (2048 + parts[2]["size"]) * 512

    offset = parts[3]["start"] * 512
    # A FAT boot sector (mkfs.vfat picks FAT16 or FAT32 by size; U-Boot reads both).
    assert data[offset + 510:offset + 512] == b"\x55\xaa"
    assert data[offset + 54:offset + 62] == b"FAT16   " or data[offset + 82:offset + 90] == b"FAT32   "
    files = fat_files(disk, offset)
    assert {"/extlinux/extlinux.conf", "/Image", "/initramfs.cpio"} <= files, files
    b = build_dir(hw_board, "micro")
    assert data[offset:].find(open(os.path.join(b, "Image"), "rb").read(4096)) >= 0
    conf = fat_read(disk, offset, "/extlinux/extlinux.conf")
    assert re.search(r"^\s*kernel /Image$", conf, re.M) and re.search(r"^\s*initrd /initramfs.cpio$", conf, re.M)
    if hw_board == "hifive-unmatched":
        assert "/dtbs/sifive/hifive-unmatched-a00.dtb" in files
        assert re.search(r"^\s*fdtdir /dtbs$", conf, re.M)
    else:
        assert "fdtdir" not in conf


def test_uboot_prompt_booti_by_hand():
    """The commands docs/flashing.md gives for a U-Boot prompt (a disk here, TFTP or USB there)."""
    with Kage("qemu-virt", "micro", sdcard=sdcard("micro")) as k:
        k.expect("Hit any key to stop autoboot")
        k.child.send(" ")
        for line in ["virtio scan", "load virtio 0:3 ${kernel_addr_r} Image",
                     "load virtio 0:3 ${ramdisk_addr_r} initramfs.cpio",
                     "setenv bootargs rdinit=/bin/busybox -- echo by-hand"]:
            k.expect("=> ", timeout=30)
            k.child.sendline(line)
        k.expect("=> ", timeout=30)
        k.child.sendline("booti ${kernel_addr_r} ${ramdisk_addr_r}:${filesize} ${fdtcontroladdr}")
        k.expect(UBOOT_START)
        assert k.boot_report()["mode"] == "micro"
        k.expect(r"\nby-hand\r*\n")
