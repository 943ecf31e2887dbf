# QEMU virt: OpenSBI (QEMU's default firmware) loads the Image at 0x80200000.
BOARD_KIND := qemu
QEMU_MACHINE := virt
# make run's harts; the system tests pick their own (tests/system/kage.py).
QEMU_SMP ?= 4
QEMU_MEM ?= 256M
BOARD_LOAD_ADDR := 0x80200000
# A reset (how sifive_u powers off, see kernel/power.h) ends QEMU.
QEMU_EXTRA := -no-reboot
# U-Boot for make run-uboot (Debian's u-boot-qemu), started by OpenSBI fw_jump.
QEMU_UBOOT := /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
