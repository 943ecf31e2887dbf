"""The boot report, power-off, panic and the kernel monitor, on every QEMU board in both modes."""
import os
import re
import time

import pytest

from kage import FAILURE_STATUS, Kage, build_dir

# What each QEMU machine's device tree says (../shared/BOARDS.md).
MACHINES = {
    "qemu-virt": {"model": "riscv-virtio,qemu", "timebase": 10_000_000,
                  "uart": "ns16550a", "uart_addr": 0x10000000},
    "qemu-sifive-u": {"model": "SiFive HiFive Unleashed A00", "timebase": 1_000_000,
                      "uart": "sifive,uart0", "uart_addr": 0x10010000},
}
# (board, -m, -smp): the memory size must come out of the device tree exactly.
MEMORY_CASES = [("qemu-virt", "128M", 1), ("qemu-virt", "1G", 4),
                ("qemu-sifive-u", "512M", 2), ("qemu-sifive-u", "1G", 2)]


def mib(size):
    return int(size[:-1]) * (1024 if size.endswith("G") else 1)


@pytest.mark.parametrize("case", MEMORY_CASES, ids=lambda c: f"{c[0]}-{c[1]}-smp{c[2]}")
def test_boot_report_describes_the_machine(mode, case):
    board, mem, smp = case
    with Kage(board, mode, mem=mem, smp=smp) as k:
        r = k.boot_report()
        want = MACHINES[board]
        assert r["mode"] == mode
        assert r["model"] == want["model"]
        assert r["mib"] == mib(mem)
        assert r["ram_base"] == 0x80000000
        assert r["timebase"] == want["timebase"]
        assert (r["uart"], r["uart_addr"]) == (want["uart"], want["uart_addr"])
        # Every frame of RAM is accounted for, and most of it is free.
        assert r["free"] + r["used"] == mib(mem) * 256
        assert r["free"] > r["used"]
        if board == "qemu-sifive-u":
            assert r["hart"] != 0, "hart 0 of sifive_u is the E51, which has no MMU"
        k.wait_prompt()


def test_poweroff_exits_qemu_cleanly(board, mode):
    with Kage(board, mode) as k:
        k.boot_report()
        k.wait_prompt()
        k.child.sendline("poweroff")
        k.expect("kage: powering off")
        assert k.wait_exit() == 0


def test_panic_prints_registers_and_backtrace_then_fails(board, mode):
    with Kage(board, mode) as k:
        k.wait_prompt()
        k.child.sendline("crash")
        k.expect("kage: panic: unexpected load page fault in the kernel")
        k.expect(r"scause=000000000000000d \(load page fault\) sepc=ffffffff8[0-9a-f]{7} stval=0000000000000008")
        for reg in ("ra", "sp", "gp", "tp", "s0", "a0", "a7", "s11", "t6"):
            k.expect(rf"\b{reg}=[0-9a-f]{{16}}")
        k.expect("backtrace")
        k.expect(r"#1 0xffffffff8[0-9a-f]{7}")
        k.expect("kage: powering off after panic")
        assert k.wait_exit() == FAILURE_STATUS[board]


def test_timer_interrupts_tick(board, mode):
    with Kage(board, mode) as k:
        k.wait_prompt()
        first = int(re.search(r"ticks=(\d+)", k.command("ticks")).group(1))
        time.sleep(0.3)  # 30 ticks at 100 Hz of real time
        second = int(re.search(r"ticks=(\d+)", k.command("ticks")).group(1))
        assert second > first > 0


def test_memtest_never_hands_out_reserved_memory(board, mode):
    with Kage(board, mode) as k:
        r = k.boot_report()
        k.wait_prompt()
        out = k.command("memtest", timeout=180)
        m = re.search(r"memtest: (\d+) frames written, (\d+) bad words, device tree (\w+), "
                      r"initrd (\w+), frames ([\w ]+)", out)
        assert m, out
        assert int(m.group(1)) == r["free"]
        assert m.group(2) == "0"
        assert (m.group(3), m.group(4), m.group(5)) == ("intact", "intact", "back at baseline")


def test_initramfs_is_found_and_listed(board, mode):
    cpio = os.path.join(build_dir(board, mode), "initramfs.cpio")
    with Kage(board, mode) as k:
        m = k.expect(r"kage: initramfs (\d+) bytes at (0x[0-9a-f]+), (\d+) entries")
        assert int(m.group(1)) == os.path.getsize(cpio)
        k.wait_prompt()
        listing = k.command("ls")
        assert re.search(r"1007\d\d +\d+ /bin/hello\r*\n", listing), listing


def test_bootargs_reach_the_kernel(board, mode):
    with Kage(board, mode, append="console=ttyS0 kage.test=bootargs") as k:
        k.wait_prompt()
        assert 'bootargs: "console=ttyS0 kage.test=bootargs"' in k.command("info")


def test_unknown_command_is_reported(board, mode):
    with Kage(board, mode) as k:
        k.wait_prompt()
        assert "unknown command 'frobnicate'" in k.command("frobnicate")
