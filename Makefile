# kage — the one entry point.
#
#   make [BOARD=qemu-virt|qemu-sifive-u|visionfive2|hifive-unmatched] [MODE=micro|mono]
#   make run     boot in QEMU          make test    every test, one closing line
#   make unit    host unit tests only  make bench   instruction counts
#   make image   SD-card image         make run-uboot  boot that image in QEMU through U-Boot
#   make ash-suite  BusyBox's own shell tests on kage (docs/busybox-tests.md)
#   make bash-suite GNU bash's own tests on kage (docs/bash-tests.md)
#   make fuzz    the system-call fuzzer in both modes (tools/fuzz)
#   make compare micro against mono: docs/comparison.md
#   make linux-reference  Linux running make bench's program: its column (minutes)
#   make scaling throughput on 1, 2, 4 harts (wall time): docs/scaling.json
#   make clean   remove build/
#
# Outputs land in build/$(BOARD)/$(MODE)/: Image (the system: kernel and servers; what
# `make run` boots and `make image` puts on the SD card) with its kage.elf, initramfs.cpio,
# sdcard.img; and monitor/Image (the kernel alone, at its monitor) and test/Image (the
# kernel's own tests as root task).

BOARD ?= qemu-virt
MODE ?= micro
BOARDS := qemu-virt qemu-sifive-u visionfive2 hifive-unmatched
QEMU_BOARDS := qemu-virt qemu-sifive-u
HW_BOARDS := visionfive2 hifive-unmatched
MODES := micro mono

ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error BOARD=$(BOARD) is not one of: $(BOARDS))
endif
ifeq ($(filter $(MODE),$(MODES)),)
$(error MODE=$(MODE) is not one of: $(MODES))
endif

include board/$(BOARD)/board.mk

CROSS ?= riscv64-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
HOSTCC ?= gcc
PYTHON ?= /usr/bin/python3
VERSION := $(shell cat VERSION)$(shell git describe --always --dirty --exclude '*' 2>/dev/null | sed 's/^/-g/')
# The clock of a board without a real-time clock starts at the commit's date (0 outside git).
BUILD_EPOCH := $(or $(shell git log -1 --format=%ct 2>/dev/null),0)

B := build/$(BOARD)/$(MODE)
H := build/host

.DEFAULT_GOAL := all
.PHONY: all kernel run image run-uboot test unit lib-check bench scaling compare linux-reference fuzz deps clean ash-suite \
	bash-suite FORCE

# ---------------------------------------------------------------------------
# Kernel: freestanding, linked in the upper half, position-independent code
# model so that the same code runs at its physical address before paging.

KARCH := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
KCFLAGS := $(KARCH) -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-fno-common -fno-stack-protector -fno-pie -fno-omit-frame-pointer -fno-optimize-sibling-calls \
	-fno-tree-loop-distribute-patterns -fno-strict-aliasing -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -I. -MMD -MP \
	-DKAGE_VERSION='"$(VERSION)"' -DKAGE_MODE_NAME='"$(MODE)"' -DKAGE_BUILD_EPOCH=$(BUILD_EPOCH)ull \
	-DKAGE_MODE_$(shell echo $(MODE) | tr a-z A-Z)=1
KASFLAGS := $(KARCH) -I. -MMD -MP -D__ASSEMBLY__ -DKAGE_MODE_$(shell echo $(MODE) | tr a-z A-Z)=1
KLDFLAGS := -nostdlib -static -no-pie -T boot/kernel.ld --build-id=none -z noexecstack \
	-z max-page-size=4096

# lib/native*.c are the servers' side of the native interface, not the kernel's.
# kernel/kserver.c, kserver_start.c and srvmem.c (servers in the kernel) and boot/servers.c
# (their table) exist only in MODE=mono; kernel/kserver_native.c (the kernel's
# side of the servers' native calls) only in its system Image, with the servers.
MONO_ONLY_SRCS := kernel/kserver.c kernel/kserver_start.c kernel/srvmem.c boot/servers.c
KERNEL_SRCS := $(filter-out $(if $(filter micro,$(MODE)),$(MONO_ONLY_SRCS)) kernel/kserver_native.c,\
	$(wildcard boot/*.S boot/*.c kernel/*.S kernel/*.c) $(filter-out lib/native%,$(wildcard lib/*.c)))
KERNEL_OBJS := $(patsubst %,$(B)/obj/%.o,$(basename $(KERNEL_SRCS)))
# The monitor Image (monitor/Image): the kernel alone, which stops at its monitor.
# The test Image differs only in its module table: the kernel test root task.
TEST_KERNEL_OBJS := $(filter-out $(B)/obj/boot/modules.o,$(KERNEL_OBJS)) $(B)/test/modules.o

# The system Image, build/$(BOARD)/$(MODE)/Image: the process server as root task.
SYSTEM_KERNEL_OBJS := $(filter-out $(B)/obj/boot/modules.o,$(KERNEL_OBJS)) $(B)/system/modules.o

all: $(B)/Image $(B)/initramfs.cpio $(B)/test/Image $(B)/monitor/Image
kernel: $(B)/Image

$(B)/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(B)/obj/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

# The version string changes with every commit; rebuild what prints it.
$(B)/obj/kernel/main.o $(B)/servers/proc/clock.o $(B)/kservers/proc/clock.o: $(B)/version.stamp
$(B)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@

$(B)/monitor/kage.elf: $(KERNEL_OBJS) boot/kernel.ld
	@mkdir -p $(dir $@)
	$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OBJS)

# A flat binary: the Linux RISC-V image header sits at offset 0.
$(B)/Image $(B)/test/Image $(B)/monitor/Image: %/Image: %/kage.elf
	$(OBJCOPY) -O binary $< $@

# Native programs (the kernel test root task, the servers) start at lib/native_start.S
# and link with lib/native.ld and lib/'s fmt, string and heap.
NATIVE_LIB_OBJS := $(B)/native/native_start.o $(B)/obj/lib/fmt.o $(B)/obj/lib/string.o $(B)/obj/lib/native.o \
	$(B)/obj/lib/heap.o \
	$(B)/obj/lib/native_user.o

$(B)/native/native_start.o: lib/native_start.S lib/kage_abi.h Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c $< -o $@

# The kernel test root task (tests/kernel/).
ROOT_TEST_OBJS := $(patsubst tests/kernel/%.c,$(B)/test/%.o,$(wildcard tests/kernel/*.c)) $(B)/obj/lib/uart.o \
	$(NATIVE_LIB_OBJS)

$(B)/test/%.o: tests/kernel/%.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(B)/test/root.elf: $(ROOT_TEST_OBJS) lib/native.ld
	$(LD) -nostdlib -static -no-pie -T lib/native.ld --build-id=none -o $@ $(ROOT_TEST_OBJS)

# Each boot module says what its task is (KAGE_SERVER_*, lib/kage_abi.h): whose
# event counters its messages go to. The kernel test program stands where the
# process server stands in the system Image.
$(B)/test/modules.o: boot/modules.S $(B)/test/root.elf Makefile
	$(CC) $(KASFLAGS) -DKAGE_MODULE0='"$(B)/test/root.elf"' -DKAGE_MODULE0_ROLE=KAGE_SERVER_PROC -c $< -o $@

$(B)/test/kage.elf: $(TEST_KERNEL_OBJS) boot/kernel.ld
	$(LD) $(KLDFLAGS) -o $@ $(TEST_KERNEL_OBJS)

# The servers: native programs. The process server is module 0 (the root task) of the
# system Image; it starts the file and console servers from modules 1 and 2.
SERVER_LIB_OBJS := $(B)/obj/lib/errno.o $(NATIVE_LIB_OBJS)
proc_OBJS := $(B)/obj/lib/elf.o $(B)/obj/lib/chacha20.o $(B)/obj/lib/random.o $(B)/obj/lib/fdt.o
fs_OBJS := $(B)/obj/lib/cpio.o
console_OBJS := $(B)/obj/lib/uart.o

$(B)/servers/%.o: servers/%.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

SERVERS := proc fs console
# A server's sources, less the file that is the other mode's (servers/proc/start_*.c).
server_srcs = $(filter-out servers/proc/start_$(if $(filter micro,$(MODE)),direct,module).c,$(wildcard servers/$(1)/*.c))

ifeq ($(MODE),micro)
$(foreach s,$(SERVERS),$(eval $(B)/servers/$(s).elf: \
	$(patsubst servers/%.c,$(B)/servers/%.o,$(call server_srcs,$(s))) $($(s)_OBJS) $(SERVER_LIB_OBJS) lib/native.ld))
$(SERVERS:%=$(B)/servers/%.elf):
	$(LD) -nostdlib -static -no-pie -T lib/native.ld --build-id=none -o $@ $(filter %.o,$^)

$(B)/system/modules.o: boot/modules.S $(B)/servers/proc.elf $(B)/servers/fs.elf $(B)/servers/console.elf Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -DKAGE_MODULE0='"$(B)/servers/proc.elf"' -DKAGE_MODULE0_ROLE=KAGE_SERVER_PROC \
		-DKAGE_MODULE1='"$(B)/servers/fs.elf"' -DKAGE_MODULE1_NAME='"fs"' -DKAGE_MODULE1_ROLE=KAGE_SERVER_FS \
		-DKAGE_MODULE2='"$(B)/servers/console.elf"' -DKAGE_MODULE2_NAME='"console"' \
		-DKAGE_MODULE2_ROLE=KAGE_SERVER_CONSOLE -c $< -o $@
else
# MODE=mono: the same server sources, compiled for direct calls (kernel/kserver_native.c)
# with each native_main renamed, linked into the system Image with a table of them
# (boot/servers.c); the Image has no modules.
KSERVER_OBJS := $(foreach s,$(SERVERS),$(patsubst servers/%.c,$(B)/kservers/%.o,$(call server_srcs,$(s)))) \
	$(B)/kservers/lib/native.o $(B)/kservers/kernel/kserver_native.o $(B)/kservers/boot/servers.o
KSERVER_CFLAGS := -DKAGE_NATIVE_DIRECT=1

$(foreach s,$(SERVERS),$(eval $(B)/kservers/$(s)/%.o: servers/$(s)/%.c Makefile ; \
	@mkdir -p $$(dir $$@) && $(CC) $(KCFLAGS) $(KSERVER_CFLAGS) -Dnative_main=$(s)_main -c $$< -o $$@))

$(B)/kservers/lib/%.o: lib/%.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(KSERVER_CFLAGS) -c $< -o $@

$(B)/kservers/kernel/kserver_native.o: kernel/kserver_native.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(KSERVER_CFLAGS) -c $< -o $@

$(B)/kservers/boot/servers.o: boot/servers.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -DKAGE_SERVERS_LINKED=1 -c $< -o $@

SYSTEM_KERNEL_OBJS := $(filter-out $(B)/obj/boot/servers.o,$(KERNEL_OBJS)) $(KSERVER_OBJS)
endif

$(B)/kage.elf: $(SYSTEM_KERNEL_OBJS) boot/kernel.ld
	@mkdir -p $(dir $@)
	$(LD) $(KLDFLAGS) -o $@ $(SYSTEM_KERNEL_OBJS)

# ---------------------------------------------------------------------------
# User programs: Linux riscv64, static glibc (dynamic in user/dyn), into the initramfs.

UCFLAGS := -O2 -g -Wall -Wextra -Werror -static -I.
# A program per directory (user/NAME/main.c) and one per demo file (user/demo/NAME.c),
# each installed as /bin/NAME.
USER_DIRS := $(patsubst user/%/main.c,%,$(wildcard user/*/main.c)) \
	$(patsubst user/%.c,%,$(wildcard user/demo/*.c user/tests/*.c))
# Directories copied into the initramfs as SRC:DEST (the broken-ELF corpus).
ROOTFS_DIRS := tests/data/elf:tests/elf tests/data/scripts:tests/scripts tests/data/busybox:tests/busybox \
	tests/data/apps:tests/apps tests/data/bench:tests/bench
ROOTFS := $(B)/rootfs

# Dynamically linked programs (user/dyn/NAME.c, installed as /bin/NAME) and what
# they need: glibc's loader at their PT_INTERP path and its libraries in the first
# directory the loader searches, all from the cross toolchain. DYNAMIC=0 leaves
# them out of the initramfs.
DYNAMIC ?= 1
GLIBC_LIB ?= /usr/riscv64-linux-gnu/lib
DYN_LOADER := ld-linux-riscv64-lp64d.so.1
DYN_LIBS := libc.so.6 libm.so.6 libresolv.so.2 libgcc_s.so.1
ifeq ($(DYNAMIC),1)
USER_DIRS += $(patsubst user/%.c,%,$(wildcard user/dyn/*.c))
ROOTFS_FILES := $(GLIBC_LIB)/$(DYN_LOADER):lib/$(DYN_LOADER) \
	$(foreach l,$(DYN_LIBS),$(GLIBC_LIB)/$(l):lib/riscv64-linux-gnu/$(l))
endif

# The kage headers Linux programs include (the counters, rdinstret): a change rebuilds them.
USER_HEADERS := lib/instret.h lib/kage_abi.h lib/kage_stats.h

$(B)/user/%: user/%/main.c $(USER_HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -o $@ $<

# The benchmark's and the comparison's real workloads (make bench, make compare).
$(B)/user/bench $(B)/user/compare: user/bench/workloads.h
# make scaling's work is the smp test's (user/tests/workers.h).
$(B)/user/scaling: user/tests/workers.h

$(B)/user/demo/%: user/demo/%.c $(USER_HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -o $@ $<

$(B)/user/tests/%: user/tests/%.c user/tests/check.h user/tests/dirs.h user/tests/fs_stats.h user/tests/workers.h \
		$(USER_HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -o $@ $<

$(B)/user/dyn/%: user/dyn/%.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -static,$(UCFLAGS)) -o $@ $< -Wl,--as-needed -lm

# BusyBox: Debian's source package (tools/debian-source, fetched once into
# build/busybox/src), kage's configuration (user/busybox/config), one static
# binary for every board and mode, rebuilt when the configuration changes.
# BUSYBOX=1 (the default) puts /bin/busybox and a link per applet into the
# initramfs; BUSYBOX=0 leaves it out.
BUSYBOX ?= 1
BB := build/busybox
BUSYBOX_BIN := $(if $(filter 1,$(BUSYBOX)),$(BB)/busybox)
# With it, /etc/passwd and /etc/group (user/busybox/rootfs).
ROOTFS_DIRS += $(if $(BUSYBOX_BIN),user/busybox/rootfs:.)

$(BB)/src/.unpacked:
	@tools/install-deps
	@tools/debian-source busybox $(BB)/src

$(BB)/busybox: $(BB)/src/.unpacked user/busybox/config tools/busybox-build
	@echo "  BUSYBOX $@ (build log: $(BB)/obj/build.log)"
	+@CROSS=$(CROSS) tools/busybox-build $(BB)/src $(BB)/obj user/busybox/config $@

# Applications from Debian's source packages (docs/apps.md): each fetched once
# by tools/debian-source into build/apps/NAME/src and built by tools/apps/NAME,
# static, for every board and mode, into build/apps/NAME/root, a tree copied
# into the initramfs as it stands (bash as /bin/bash, sqlite3 and speedtest1,
# lua). APPS=1 (the default) puts them in; APPS=0 leaves them out.
APPS ?= 1
AP := build/apps
APP_NAMES := sqlite3 bash lua
APP_PACKAGE_sqlite3 := sqlite3
APP_PACKAGE_bash := bash
APP_PACKAGE_lua := lua5.4
APP_STAMPS := $(if $(filter 1,$(APPS)),$(APP_NAMES:%=$(AP)/%/built))
ROOTFS_DIRS += $(APP_STAMPS:%/built=%/root:.)

.PRECIOUS: $(AP)/%/src/.unpacked
$(AP)/%/src/.unpacked:
	@tools/install-deps
	@tools/debian-source $(APP_PACKAGE_$*) $(AP)/$*/src

$(AP)/%/built: $(AP)/%/src/.unpacked tools/apps/% tools/apps/common.sh
	@echo "  APP $* (build log: $(AP)/$*/build.log)"
	+@CROSS=$(CROSS) tools/apps/$* $(AP)/$*/src $(AP)/$*/obj $(AP)/$*/root
	@touch $@
$(AP)/sqlite3/built: tools/apps/sqlite3.flags

# EXTRA_ROOTFS (a directory copied into the initramfs) is re-read on every
# build: its content cannot be tracked, and the archive is cheap to make.
INITRAMFS_INPUTS := $(USER_DIRS:%=$(B)/user/%) $(BUSYBOX_BIN) $(APP_STAMPS) tools/mkinitramfs tools/mkcpio $(B)/rootfs.stamp \
	$(wildcard tests/data/elf/* tests/data/scripts/* tests/data/busybox/* tests/data/apps/* tests/data/bench/* user/busybox/rootfs/*/*) \
	$(foreach f,$(ROOTFS_FILES),$(firstword $(subst :, ,$(f))))
# $(call mkinitramfs,STAGING_DIR,EXTRA_ROOTFS) builds $@.
mkinitramfs = SOURCE_DATE_EPOCH=$(BUILD_EPOCH) EXTRA_ROOTFS='$(2)' ROOTFS_DIRS='$(ROOTFS_DIRS)' ROOTFS_FILES='$(ROOTFS_FILES)' BUSYBOX='$(BUSYBOX_BIN)' \
	tools/mkinitramfs $@ $(1) $(USER_DIRS:%=$(B)/user/%)

$(B)/initramfs.cpio: $(INITRAMFS_INPUTS) $(if $(EXTRA_ROOTFS),FORCE)
	$(call mkinitramfs,$(ROOTFS),$(EXTRA_ROOTFS))

# BusyBox's own shell test suite (tests/ash-suite/run, docs/busybox-tests.md):
# an initramfs of its own, the usual one plus /ash_test, which only the
# system test boots (KAGE_INITRD).
ASH_SUITE := build/ash-suite
$(ASH_SUITE)/rootfs/ash_test/run: $(BB)/src/.unpacked $(BB)/busybox tests/ash-suite/run tools/ash-suite-stage
	CROSS=$(CROSS) tools/ash-suite-stage $(BB)/src $(BB)/obj/.config tests/ash-suite/run $(ASH_SUITE)/rootfs

$(B)/ash-suite.cpio: $(INITRAMFS_INPUTS) $(ASH_SUITE)/rootfs/ash_test/run
	$(call mkinitramfs,$(B)/ash-suite-rootfs,$(ASH_SUITE)/rootfs)

# make ash-suite: the suite by hand (ASH_DIRS: some of its directories, e.g. ash-redir;
# ASH_TIMEOUT: seconds each script may take, 30 by default).
ash-suite: deps $(B)/Image $(B)/ash-suite.cpio
	QEMU_MEM=512M KAGE_INITRD=$(B)/ash-suite.cpio KAGE_KERNEL=$(B)/Image \
	KAGE_APPEND='rdinit=/ash_test/run $(if $(ASH_TIMEOUT),ASH_TIMEOUT=$(ASH_TIMEOUT)) $(ASH_DIRS)' \
	tools/run-qemu $(BOARD) $(B)

# GNU bash's own test suite (tests/bash-suite/run, docs/bash-tests.md): an
# initramfs of its own, the usual one plus /bash_test (and /bin/bash even
# with APPS=0), which only the system test boots.
BASH_SUITE := build/bash-suite
$(BASH_SUITE)/rootfs/bash_test/run: $(AP)/bash/built tests/bash-suite/run tools/bash-suite-stage
	CROSS=$(CROSS) tools/bash-suite-stage $(AP)/bash/src $(AP)/bash/obj tests/bash-suite/run $(BASH_SUITE)/rootfs

$(B)/bash-suite.cpio: ROOTFS_DIRS := $(filter-out $(AP)/bash/root:.,$(ROOTFS_DIRS)) $(AP)/bash/root:.
$(B)/bash-suite.cpio: $(INITRAMFS_INPUTS) $(AP)/bash/built $(BASH_SUITE)/rootfs/bash_test/run
	$(call mkinitramfs,$(B)/bash-suite-rootfs,$(BASH_SUITE)/rootfs)

# make bash-suite: the suite by hand (BASH_TESTS: some of its run-* scripts, e.g.
# run-redir; BASH_TIMEOUT: seconds each may take, 60 by default).
bash-suite: deps $(B)/Image $(B)/bash-suite.cpio
	QEMU_MEM=512M KAGE_INITRD=$(B)/bash-suite.cpio KAGE_KERNEL=$(B)/Image \
	KAGE_APPEND='rdinit=/bash_test/run $(if $(BASH_TIMEOUT),BASH_TIMEOUT=$(BASH_TIMEOUT)) $(BASH_TESTS)' \
	tools/run-qemu $(BOARD) $(B)

$(B)/rootfs.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(EXTRA_ROOTFS) $(DYNAMIC) busybox=$(BUSYBOX) apps=$(APPS)' | cmp -s - $@ || \
		echo '$(EXTRA_ROOTFS) $(DYNAMIC) busybox=$(BUSYBOX) apps=$(APPS)' > $@

# ---------------------------------------------------------------------------
# Running.

# IMAGE=system (the default: build/$(BOARD)/$(MODE)/Image) boots the servers and /init
# (or rdinit= in KAGE_APPEND); IMAGE=test the kernel test root task (test/Image);
# IMAGE=monitor the kernel alone, at its monitor (monitor/Image).
IMAGE ?= system
ifeq ($(filter $(IMAGE),system test monitor),)
$(error IMAGE=$(IMAGE) is not one of: system test monitor)
endif
RUN_KERNEL := $(if $(filter system,$(IMAGE)),$(B)/Image,$(B)/$(IMAGE)/Image)
run: deps all
	QEMU_MEM='$(QEMU_MEM)' QEMU_SMP='$(QEMU_SMP)' KAGE_APPEND='$(KAGE_APPEND)' \
	KAGE_KERNEL=$(RUN_KERNEL) tools/run-qemu $(BOARD) $(B)

# The SD-card image (tools/mkimage-sd, docs/flashing.md): GPT with U-Boot SPL and
# ITB partitions (filled from SPL=FILE and UBOOT_ITB=FILE, else left empty) and
# FAT partition 3 holding boot.scr (tools/boot.cmd), the Image `make run` boots
# (IMAGE=), the initramfs and, as dtbs/$(BOARD_DTB), the device tree DTB=FILE
# (default: the board's BOARD_DTB_FILE, if it has one), and extlinux/extlinux.conf
# for a board whose firmware reads that by name (BOARD_EXTLINUX in board.mk).
# SDCARD=FILE writes it elsewhere. Rewritten every time: SPL, DTB and KAGE_APPEND
# are not tracked.
SDCARD ?= $(B)/sdcard.img
DTB ?= $(BOARD_DTB_FILE)
image: deps $(RUN_KERNEL) $(B)/initramfs.cpio
	@DTB='$(DTB)' DTB_NAME='$(BOARD_DTB)' SPL='$(SPL)' UBOOT_ITB='$(UBOOT_ITB)' KAGE_APPEND='$(KAGE_APPEND)' \
		EXTLINUX='$(BOARD_EXTLINUX)' tools/mkimage-sd $(SDCARD) $(RUN_KERNEL) $(B)/initramfs.cpio

# That image booted the way a board boots it: OpenSBI, U-Boot, distro boot (boot.scr), booti.
run-uboot: image
	QEMU_MEM='$(QEMU_MEM)' QEMU_SMP='$(QEMU_SMP)' KAGE_SDCARD=$(SDCARD) tools/run-qemu $(BOARD) $(B)

# ---------------------------------------------------------------------------
# Host unit tests: lib/ and the kernel's pure logic, compiled for the host
# twice, plainly and under AddressSanitizer + UndefinedBehaviorSanitizer.

# tests/unit/unit.mk names, for each test_X.c, the sources it tests.
include tests/unit/unit.mk
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. -DKAGE_HOST=1 \
	-include tests/unit/host.h -fno-omit-frame-pointer -fno-strict-aliasing -MMD -MP
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_LIBS := -lcmocka -lfdt
UNIT_DTS := $(wildcard tests/data/dtb/*.dts)
UNIT_DTBS := $(patsubst tests/data/dtb/%.dts,$(H)/dtb/%.dtb,$(UNIT_DTS))

# Real riscv64 executables for the ELF reader's tests, one of each kind.
# Debian's cross glibc has no static-pie start file; its dynamic loader is the
# ET_DYN-without-interpreter case that static-pie would have been.
UNIT_ELFS := $(H)/elf/static $(H)/elf/dynamic $(H)/elf/ld.so

unit: lib-check $(UNIT_TESTS:%=$(H)/plain/%) $(UNIT_TESTS:%=$(H)/san/%) $(UNIT_DTBS) $(UNIT_ELFS) $(H)/linux-abi.ok

# lib/ is shared by the kernel, the servers and the host tests, so it builds
# without any kernel header: the kernel's side of a shared interface lives in
# kernel/ (kernel/kserver_native.c). Fails on any lib/ file including kernel/.
lib-check:
	@if grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]kernel/' lib/*; then \
		echo "lib/ includes kernel/ headers (above): lib/ must build without the kernel"; exit 1; fi

# Every number and layout of lib/linux_abi.h against Linux's own headers (riscv64 cross toolchain).
$(H)/linux-abi.ok: lib/linux_abi.h lib/linux_syscalls.h lib/linux_abi_fs.h tools/check-linux-abi
	@mkdir -p $(dir $@)
	tools/check-linux-abi --cc $(CC) --hostcc $(HOSTCC) --stamp $@

$(H)/elf/static: user/hello/main.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -static -o $@ $<

$(H)/elf/ld.so: /usr/riscv64-linux-gnu/lib/ld-linux-riscv64-lp64d.so.1
	@mkdir -p $(dir $@)
	cp $< $@

$(H)/elf/dynamic: user/hello/main.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -o $@ $<

$(H)/plain/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(H)/san/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

.SECONDEXPANSION:
unit_objs = $(addprefix $(H)/$(1)/obj/,$(test_$(2):.c=.o))
$(H)/plain/test_%: $(H)/plain/obj/tests/unit/test_%.o $$(call unit_objs,plain,$$*)
	$(HOSTCC) -o $@ $^ $(HOST_LIBS)

$(H)/san/test_%: $(H)/san/obj/tests/unit/test_%.o $$(call unit_objs,san,$$*)
	$(HOSTCC) $(SAN_FLAGS) -o $@ $^ $(HOST_LIBS)

$(H)/dtb/%.dtb: tests/data/dtb/%.dts
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

# ---------------------------------------------------------------------------
# Tests: everything, both layers, every QEMU board in both modes.

# make test builds with JOBS jobs (one per core unless set): each board and
# mode in turn, each of those in parallel.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
test: deps
	$(MAKE) -j$(JOBS) unit
	$(foreach b,$(QEMU_BOARDS),$(foreach m,$(MODES),$(MAKE) -j$(JOBS) BOARD=$(b) MODE=$(m) all build/$(b)/$(m)/ash-suite.cpio build/$(b)/$(m)/bash-suite.cpio &&)) true
	$(foreach m,$(MODES),$(MAKE) -j$(JOBS) BOARD=qemu-virt MODE=$(m) image &&) true
	$(foreach b,$(HW_BOARDS),$(MAKE) -j$(JOBS) BOARD=$(b) all &&) true
	$(PYTHON) tools/run-tests

# Instruction counts under QEMU -icount shift=0 (tools/bench); never part of make test.
# Boots everything twice, fails unless both runs agree, and writes docs/bench.md
# and docs/bench-fork.png (tools/bench --check compares with them instead).
bench:
	@tools/install-deps bench
	$(foreach m,$(MODES),$(MAKE) BOARD=qemu-virt MODE=$(m) all build/qemu-virt/$(m)/ash-suite.cpio &&) true
	$(PYTHON) tools/bench

# Throughput on 1, 2 and 4 harts (tools/scaling): wall time under QEMU's
# multi-threaded TCG, so it wants an otherwise idle host with the cores; its
# figures go to docs/scaling.json and docs/bench-scaling.png, which make bench
# renders. Never part of make test or make bench (host time, not instructions).
scaling:
	@tools/install-deps bench
	$(foreach m,$(MODES),$(MAKE) BOARD=qemu-virt MODE=$(m) all &&) true
	$(PYTHON) tools/scaling

# The Linux column of make bench (tools/linux-reference): Debian's linux source
# built for riscv64 (tinyconfig plus tools/linux-reference.config) and booted as
# the system Image is, with the same initramfs and first program, twice; its
# figures and their provenance go to docs/linux-reference.json, which tools/bench
# reads. Minutes (a kernel build), so never part of make bench.
linux-reference:
	@tools/install-deps linux
	$(MAKE) BOARD=qemu-virt MODE=micro build/qemu-virt/micro/ash-suite.cpio
	+$(PYTHON) tools/linux-reference

# The monolithic/microkernel comparison (tools/compare): event counters per
# operation, fault isolation, footprint and lines of code of both modes, into
# the generated sections of docs/comparison.md and docs/comparison.png.
compare:
	@tools/install-deps bench
	$(foreach m,$(MODES),$(MAKE) BOARD=qemu-virt MODE=$(m) all build/qemu-virt/$(m)/ash-suite.cpio &&) true
	$(PYTHON) tools/compare

# The system-call fuzzer (user/tests/fuzz.c, tools/fuzz) in both modes:
#   make fuzz [BOARD=...] [FUZZ_CALLS=1000000] [FUZZ_SECONDS=1800] [FUZZ_SEED=1] [FUZZ_WORKERS=8]
FUZZ_CALLS ?= 1000000
FUZZ_SECONDS ?= 1800
FUZZ_SEED ?= 1
FUZZ_WORKERS ?= 8
fuzz: deps
	$(foreach m,$(MODES),$(MAKE) BOARD=$(BOARD) MODE=$(m) all &&) true
	$(PYTHON) tools/fuzz --board $(BOARD) --seed $(FUZZ_SEED) --calls $(FUZZ_CALLS) \
		--seconds $(FUZZ_SECONDS) --workers $(FUZZ_WORKERS)

deps:
	@tools/install-deps

clean:
	rm -rf build

# (build/busybox and build/apps hold other projects' trees, whose *.d are no make rules.)
-include $(shell find build -path build/busybox -prune -o -path build/apps -prune -o -name '*.d' -type f -print 2>/dev/null)
