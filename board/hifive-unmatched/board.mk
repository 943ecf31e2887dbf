# SiFive HiFive Unmatched (FU740): U-Boot loads the Image at 0x80200000.
BOARD_KIND := hardware
BOARD_LOAD_ADDR := 0x80200000
BOARD_DTB := sifive/hifive-unmatched-a00.dtb
# The device tree make image puts on the card: Linux 6.1's, compiled with dtc.
BOARD_DTB_FILE := tests/data/dtb/hifive-unmatched-a00.dtb
