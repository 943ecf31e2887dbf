# QEMU sifive_u, a HiFive Unleashed model: hart 0 is an E51 without an MMU,
# so OpenSBI boots kage on hart 1. -smp 5 gives the four U54s of the real
# chip besides the E51: kage runs on those four (make run; the system
# tests pick their own count, tests/system/kage.py).
BOARD_KIND := qemu
QEMU_MACHINE := sifive_u
QEMU_SMP ?= 5
QEMU_MEM ?= 512M
BOARD_LOAD_ADDR := 0x80200000
# A reset (how sifive_u powers off, see kernel/power.h) ends QEMU.
QEMU_EXTRA := -no-reboot
