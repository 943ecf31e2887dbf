/*
 * Forced first include (-include) of every host unit-test compilation.
 *
 * lib/string.c defines the standard names memcpy, strlen and so on for
 * freestanding code. On the host those names belong to the C library (and
 * to the sanitizers' interceptors), so the tests rename kage's versions:
 * the code under test, and the tests themselves, then call kage's
 * routines, and nothing clashes at link time.
 */
#ifndef KAGE_TESTS_UNIT_HOST_H
#define KAGE_TESTS_UNIT_HOST_H

#define memcpy kage_memcpy
#define memmove kage_memmove
#define memset kage_memset
#define memcmp kage_memcmp
#define memchr kage_memchr
#define strlen kage_strlen
#define strnlen kage_strnlen
#define strcmp kage_strcmp
#define strncmp kage_strncmp
#define strchr kage_strchr
#define strrchr kage_strrchr
#define strlcpy kage_strlcpy

/*
 * The same for the three lib/fdt.h names that libfdt also exports: tests
 * cross-check kage's reader against libfdt, so both must link together.
 * Files that include <libfdt.h> include tests/unit/support/libfdt.h instead,
 * which undoes these renames for that file.
 */
#define fdt_next_node kage_fdt_next_node
#define fdt_address_cells kage_fdt_address_cells
#define fdt_size_cells kage_fdt_size_cells

#endif
