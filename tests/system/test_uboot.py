"""The SD-card image (make image) and the boot path of the boards: U-Boot's distro boot.

QEMU virt runs OpenSBI, then Debian's U-Boot, whose distro boot finds the
boot script (boot.scr, tools/boot.cmd) on the image's bootable FAT
partition; the script loads the Image, the initramfs above it and booti's
(make run-uboot). The same card with an extlinux.conf (what the VisionFive
2's vendor U-Boot reads) goes through sysboot instead. The hardware boards'
images are checked for the layout their firmware expects (../shared/BOARDS.md,
docs/flashing.md).
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
# What U-Boot prints on its way to kage (U-Boot 2023.01: distro boot, pxe_utils and booti).
UBOOT_SCRIPT = "Found U-Boot script /boot.scr"
UBOOT_EXTLINUX = "Found /extlinux/extlinux.conf"
# booti moves the Image from ${kernel_addr_r} to RAM base + the header's text_offset.
UBOOT_MOVE = re.compile(r"Moving Image from 0x84000000 to (0x[0-9a-f]+),")
UBOOT_START = "Starting kernel ..."
# Debian's qemu-riscv64_smode U-Boot: where it loads the Image, and extlinux the initramfs.
KERNEL_ADDR_R = 0x84000000
RAMDISK_ADDR_R = 0x8c300000
SCRIPT_ALIGN = 0x200000  # tools/boot.cmd: kage_align


def sdcard(mode):
    path = os.path.join(build_dir("qemu-virt", mode), "sdcard.img")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make test (it builds the images)")
    return path


def mkimage_sd(disk, kernel, initrd, **env):
    """tools/mkimage-sd with only the given settings (not those of a make that runs the tests)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DTB", "SPL", "UBOOT_ITB", "KAGE_APPEND", "EXTLINUX")}
    subprocess.run([os.path.join(ROOT, "tools/mkimage-sd"), str(disk), str(kernel), str(initrd)],
                   check=True, timeout=120, cwd=ROOT, env=dict(clean, **env), stdout=subprocess.DEVNULL)


def script_initramfs_address(kernel):
    """Where boot.scr puts the initramfs: past the Image's file and its image_size, 2 MiB aligned."""
    with open(kernel, "rb") as f:
        header = f.read(24)
    size = max(os.path.getsize(kernel), struct.unpack_from("<Q", header, 16)[0])
    return (KERNEL_ADDR_R + size + SCRIPT_ALIGN - 1) // SCRIPT_ALIGN * SCRIPT_ALIGN


def uboot_to_kernel(k, found=UBOOT_SCRIPT):
    """Follows U-Boot from distro boot to booti; returns where the Image was moved to."""
    k.expect(found)
    address = int(k.expect(UBOOT_MOVE).group(1), 16)
    k.expect(UBOOT_START)
    return address


def test_uboot_boots_the_sd_image_to_the_shell(mode):
    with Kage("qemu-virt", mode, sdcard=sdcard(mode)) as k:
        assert uboot_to_kernel(k) == 0x80200000
        r = k.boot_report()
        assert (r["mode"], r["model"], r["ram_base"]) == (mode, "riscv-virtio,qemu", 0x80000000)
        # booti put the initramfs' range into /chosen: the boot script loaded it above the Image.
        b = build_dir("qemu-virt", mode)
        size = os.path.getsize(os.path.join(b, "initramfs.cpio"))
        at = script_initramfs_address(os.path.join(b, "Image"))
        k.expect(f"kage: initramfs {size} bytes at {at:#x}")
        k.expect(SHELL_PROMPT)
        k.child.sendline("echo sum=$((40 + 2)); ls /bin/busybox")
        k.expect(r"sum=42\r*\n")
        k.expect(r"/bin/busybox\r*\n")
        k.expect(SHELL_PROMPT)


def test_uboot_boots_an_initramfs_larger_than_the_room_at_ramdisk_addr_r(tmp_path):
    """48 MiB: past the 36 MiB between ${ramdisk_addr_r} and U-Boot at 256 MiB, where sysboot overwrote U-Boot."""
    b = build_dir("qemu-virt", "micro")
    initrd = tmp_path / "initramfs.cpio"
    shutil.copy(os.path.join(b, "initramfs.cpio"), initrd)
    os.truncate(initrd, 48 << 20)  # zeros after the archive's trailer, which kage's reader stops at
    disk = tmp_path / "sd.img"
    mkimage_sd(disk, os.path.join(b, "Image"), initrd)
    with Kage("qemu-virt", "micro", sdcard=str(disk)) as k:
        uboot_to_kernel(k)
        k.boot_report()
        at = script_initramfs_address(os.path.join(b, "Image"))
        k.expect(f"kage: initramfs {48 << 20} bytes at {at:#x}")
        k.expect(SHELL_PROMPT)


def test_uboot_script_stops_when_the_initramfs_does_not_fit(tmp_path):
    """An Image that takes 160 MiB leaves the initramfs no room below U-Boot: a message, and U-Boot goes on."""
    b = build_dir("qemu-virt", "micro")
    image = tmp_path / "Image"
    shutil.copy(os.path.join(b, "Image"), image)
    with open(image, "r+b") as f:
        f.seek(16)
        f.write(struct.pack("<Q", 160 << 20))  # image_size
    disk = tmp_path / "sd.img"
    mkimage_sd(disk, image, os.path.join(b, "initramfs.cpio"))
    with Kage("qemu-virt", "micro", sdcard=str(disk)) as k:
        k.expect(UBOOT_SCRIPT)
        k.expect(r"kage: the initramfs \(0x[0-9a-f]+ bytes\) does not fit in RAM at 0x8e000000")
        k.expect("SCRIPT FAILED: continuing")
        assert "Starting kernel" not in k.output() and "exception" not in k.output()


def test_uboot_extlinux_booti_runs_kage_at_another_address(tmp_path, mode):
    """The VisionFive 2's path, extlinux.conf and sysboot; booti places the Image at RAM base + text_offset."""
    address = 0x82000000
    image = tmp_path / "Image"
    shutil.copy(monitor_image("qemu-virt", mode), image)  # the kernel monitor
    with open(image, "r+b") as f:
        f.seek(8)
        f.write(struct.pack("<Q", address - 0x80000000))
    # sysboot loads the initramfs at ${ramdisk_addr_r} unchecked, where QEMU's 256 MiB leave about 36 MiB
    # below U-Boot: a small one (the monitor needs no files), so that this test does not hang on kage's size.
    root = tmp_path / "root"
    root.mkdir()
    (root / "hello").write_text("hello\n")
    initrd = tmp_path / "initramfs.cpio"
    with open(initrd, "wb") as out:
        subprocess.run([os.path.join(ROOT, "tools/mkcpio"), str(root)], check=True, timeout=60, stdout=out)
    disk = tmp_path / "sd.img"
    mkimage_sd(disk, image, initrd, EXTLINUX="1")
    with Kage("qemu-virt", mode, sdcard=str(disk)) as k:
        assert uboot_to_kernel(k, UBOOT_EXTLINUX) == address
        k.boot_report()
        k.expect(f"kage: initramfs {os.path.getsize(initrd)} bytes at {RAMDISK_ADDR_R:#x}")
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
    assert {"/boot.scr", "/boot.cmd", "/Image", "/initramfs.cpio"} <= files, files
    b = build_dir(hw_board, "micro")
    assert data[offset:].find(open(os.path.join(b, "Image"), "rb").read(4096)) >= 0
    # boot.scr: a U-Boot legacy image (magic 0x27051956) of type script (6) holding tools/boot.cmd.
    mtools("mcopy", "-i", f"{disk}@@{offset}", "::/boot.scr", str(tmp_path / "boot.scr"))
    scr = (tmp_path / "boot.scr").read_bytes()
    assert scr[:4] == b"\x27\x05\x19\x56" and scr[30] == 6
    assert open(os.path.join(ROOT, "tools/boot.cmd"), "rb").read() in scr
    if hw_board == "hifive-unmatched":
        # Its U-Boot's distro boot scans the card and runs boot.scr, which loads dtbs/${fdtfile}.
        assert "/dtbs/sifive/hifive-unmatched-a00.dtb" in files
        assert "/extlinux/extlinux.conf" not in files
    else:
        # The vendor U-Boot reads extlinux.conf on partition 3 by name.
        conf = fat_read(disk, offset, "/extlinux/extlinux.conf")
        assert re.search(r"^\s*kernel /Image$", conf, re.M) and re.search(r"^\s*initrd /initramfs.cpio$", conf, re.M)
        assert "fdtdir" not in conf


def test_uboot_prompt_booti_by_hand():
    """The commands docs/flashing.md gives for a U-Boot prompt (a disk here, TFTP or USB there).

    They load the initramfs at ${ramdisk_addr_r}, as on a board with GiBs above it; QEMU's U-Boot
    keeps only about 36 MiB there at 256 MiB (load would refuse kage's), so this machine has 512.
    """
    with Kage("qemu-virt", "micro", mem="512M", sdcard=sdcard("micro")) as k:
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
