/*
 * Loading device-tree blobs in host tests: the real ones shipped in
 * tests/data/dtb and those compiled from the .dts files there into
 * build/host/dtb (KAGE_TEST_DATA and KAGE_TEST_BUILD override the roots).
 */
#ifndef KAGE_TESTS_UNIT_SUPPORT_DTB_H
#define KAGE_TESTS_UNIT_SUPPORT_DTB_H

#include <stddef.h>

/* Reads a data file ("dtb/qemu-virt.dtb") or a built one ("dtb/visionfive2.dtb"); aborts if missing. */
void *dtb_load(const char *name, size_t *size);
/* The same blob copied into a buffer `extra` bytes larger, for libfdt edits. */
void *dtb_load_padded(const char *name, size_t extra, size_t *size);
/* Names of every blob the tests check, NULL-terminated. */
extern const char *const dtb_all[];

#endif
