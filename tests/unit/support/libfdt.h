/*
 * Host libfdt, for building and editing test blobs and for cross-checking
 * kage's reader. Include this (not <libfdt.h>) in a file that does not
 * include lib/fdt.h: it undoes host.h's renames so the names mean libfdt's.
 */
#ifndef KAGE_TESTS_UNIT_SUPPORT_LIBFDT_H
#define KAGE_TESTS_UNIT_SUPPORT_LIBFDT_H

#ifdef KAGE_LIB_FDT_H
#error "libfdt and lib/fdt.h do not mix in one file"
#endif
#undef fdt_next_node
#undef fdt_address_cells
#undef fdt_size_cells
#include <libfdt.h>

#endif
