# StarFive VisionFive 2 (JH7110): vendor U-Boot in QSPI loads the Image at 0x40200000.
BOARD_KIND := hardware
BOARD_LOAD_ADDR := 0x40200000
BOARD_DTB := starfive/jh7110-starfive-visionfive-2-v1.3b.dtb
# No BOARD_DTB_FILE: no VisionFive 2 device tree is kept here (tests/data has a
# reduced one for tests only). make image DTB=FILE adds the vendor's; without it
# U-Boot passes its own (docs/flashing.md).
# Its vendor U-Boot reads /extlinux/extlinux.conf on the SD card's partition 3 by
# name (bootcmd_distro) and scans only the eMMC for boot scripts, so the card
# carries an extlinux.conf besides boot.scr (tools/mkimage-sd, docs/flashing.md).
BOARD_EXTLINUX := 1
