# kage's U-Boot boot script: tools/mkimage-sd compiles it into boot.scr on
# the card's boot partition, where U-Boot's distro boot runs it.
#
# It loads the Image at ${kernel_addr_r}, the initramfs right above the
# Image, and the card's device tree (if it has one for ${fdtfile}) right
# above the initramfs, then booti's. Where each file goes follows from the
# sizes of the ones below it, not from fixed addresses: an initramfs at
# the board's fixed ${ramdisk_addr_r} has only the RAM between it and the
# top, where U-Boot keeps itself (its relocated code, heap, device tree,
# stack and, below the stack, 16 MiB it reserves for EFI), which on QEMU
# virt with 256 MiB is about 36 MiB. And each file is loaded with `load`,
# which refuses to write over that reserved top of RAM: a card too big for
# the board stops here, with a message, instead of overwriting U-Boot
# (extlinux's sysboot loads files without that check, and U-Boot then
# crashes on what it overwrote).
#
# Set by distro boot: devtype, devnum, distro_bootpart and prefix. By the
# board's U-Boot: kernel_addr_r, at or above the address booti moves the
# Image to (RAM base + the header's text_offset, 2 MiB), and fdtfile,
# fdt_addr or fdtcontroladdr. mkimage-sd puts kage's command line in
# kage_bootargs before this text. By hand, from a U-Boot prompt:
#   setenv devtype mmc; setenv devnum 1; setenv distro_bootpart 3
#   load mmc 1:3 ${scriptaddr} boot.scr; source ${scriptaddr}

setenv kage_align 0x200000
setenv kage_ok
if test -z "${devtype}" || test -z "${devnum}" || test -z "${distro_bootpart}"; then
	echo "kage: boot.scr needs devtype, devnum and distro_bootpart (distro boot sets them)"
elif load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} ${prefix}Image; then
	# The Image's header says at 0x10 how many bytes it takes once moved,
	# bss included; the initramfs starts past that and past the file.
	setexpr kage_at ${kernel_addr_r} + 0x10
	setexpr.l kage_size *${kage_at}
	if itest ${kage_size} -lt ${filesize}; then
		setexpr kage_size ${filesize}
	fi
	setexpr kage_rd ${kernel_addr_r} + ${kage_size}
	setexpr kage_rd ${kage_rd} + ${kage_align}
	setexpr kage_rd ${kage_rd} - 1
	setexpr kage_rd ${kage_rd} / ${kage_align}
	setexpr kage_rd ${kage_rd} * ${kage_align}
	if load ${devtype} ${devnum}:${distro_bootpart} ${kage_rd} ${prefix}initramfs.cpio; then
		setenv kage_rd_size ${filesize}
		setenv kage_ok 1
	else
		size ${devtype} ${devnum}:${distro_bootpart} ${prefix}initramfs.cpio
		echo "kage: the initramfs (0x${filesize} bytes) does not fit in RAM at 0x${kage_rd}, above the Image:"
		echo "kage: U-Boot keeps the top of RAM; boot with more RAM or a smaller initramfs"
	fi
else
	echo "kage: cannot load ${prefix}Image at ${kernel_addr_r}"
fi

# The device tree: the card's for this board, else the one U-Boot has.
if test -n "${kage_ok}"; then
	setexpr kage_fdt ${kage_rd} + ${kage_rd_size}
	setexpr kage_fdt ${kage_fdt} + ${kage_align}
	setexpr kage_fdt ${kage_fdt} - 1
	setexpr kage_fdt ${kage_fdt} / ${kage_align}
	setexpr kage_fdt ${kage_fdt} * ${kage_align}
	if test -n "${fdtfile}" && test -e ${devtype} ${devnum}:${distro_bootpart} ${prefix}dtbs/${fdtfile}; then
		if load ${devtype} ${devnum}:${distro_bootpart} ${kage_fdt} ${prefix}dtbs/${fdtfile}; then
			echo "kage: device tree dtbs/${fdtfile} at 0x${kage_fdt}"
		else
			echo "kage: the device tree dtbs/${fdtfile} does not fit in RAM at 0x${kage_fdt}"
			setenv kage_ok
		fi
	elif test -n "${fdt_addr}"; then
		setenv kage_fdt ${fdt_addr}
	else
		setenv kage_fdt ${fdtcontroladdr}
	fi
fi

if test -n "${kage_ok}"; then
	echo "kage: Image at ${kernel_addr_r}, initramfs 0x${kage_rd_size} bytes at 0x${kage_rd}"
	setenv bootargs "${kage_bootargs}"
	booti ${kernel_addr_r} ${kage_rd}:${kage_rd_size} ${kage_fdt}
fi
