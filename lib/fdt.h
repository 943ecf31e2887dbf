/*
 * A freestanding reader for flattened device trees (DTB, version 16/17).
 *
 * Nothing is copied or allocated: a `struct fdt` describes a blob that
 * fdt_init() has checked (magic, version, every block inside totalsize and
 * inside the buffer, alignment), and nodes are named by their byte offset
 * in the structure block, as libfdt does. Every walk re-checks bounds, so a
 * blob corrupted after the header still yields a negative errno
 * (-EINVAL), never an out-of-bounds read.
 */
#ifndef KAGE_LIB_FDT_H
#define KAGE_LIB_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeed	/* spelled as libfdt does, so both headers can meet */
#define FDT_HEADER_SIZE 40u	/* bytes of the version-17 header */

struct fdt {
	const uint8_t *blob;
	uint32_t size;		/* header totalsize */
	const uint8_t *structs;	/* structure block */
	uint32_t struct_size;
	const char *strings;	/* strings block */
	uint32_t strings_size;
	const uint8_t *rsvmap;	/* memory reservation block */
	uint32_t rsv_count;	/* entries before the terminating 0,0 */
	uint32_t boot_cpuid;	/* header boot_cpuid_phys */
};

/* Total size claimed by a blob's header, or 0 if the magic is wrong. Reads 8 bytes. */
uint32_t fdt_total_size(const void *blob);

/* Validates the header against a buffer of `bufsize` bytes: 0 or -EINVAL. */
int fdt_init(struct fdt *fdt, const void *blob, size_t bufsize);

/* Entry i (0 <= i < rsv_count) of the memory reservation block. */
int fdt_rsv_entry(const struct fdt *fdt, uint32_t i, uint64_t *addr, uint64_t *size);

/*
 * Nodes. Offsets are >= 0; functions returning an offset return -ENOENT
 * when there is no such node and -EINVAL when the blob is malformed.
 */
int fdt_root(const struct fdt *fdt);
/* Depth-first successor of `node`; *depth is updated (+1 child, 0 sibling, -n up). */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
int fdt_parent(const struct fdt *fdt, int node);
/* Name with unit address ("uart@10000000"); "" for the root; NULL if malformed. */
const char *fdt_node_name(const struct fdt *fdt, int node);
/*
 * Looks up an absolute path ("/soc/serial@10000000"). A path component
 * without "@" also matches a node whose name has a unit address
 * ("/memory" finds "memory@80000000"). An alias name as the first
 * component ("serial0") is resolved through /aliases.
 */
int fdt_find_path(const struct fdt *fdt, const char *path);
int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle);
/* Next node after `from` (-1: from the start) whose compatible list holds `compat`. */
int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat);

/* Properties. */
const void *fdt_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len);
bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);
/* A u32 or u64 property (4 or 8 bytes), as timebase-frequency may be either. */
bool fdt_prop_uint(const struct fdt *fdt, int node, const char *name, uint64_t *out);
/* A property holding one NUL-terminated string inside its length; NULL otherwise. */
const char *fdt_prop_string(const struct fdt *fdt, int node, const char *name);
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);
/* String `index` of a string-list property, NULL past the end. */
const char *fdt_prop_string_index(const struct fdt *fdt, int node, const char *name, int index);

/* Property iteration, in blob order: offsets of FDT_PROP tokens. */
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int prop);
/* Name, value and length of the property at `prop`; 0 or -EINVAL. */
int fdt_prop_at(const struct fdt *fdt, int prop, const char **name, const void **val, uint32_t *len);

/* #address-cells and #size-cells that apply to the children of `node` (defaults 2 and 1). */
uint32_t fdt_address_cells(const struct fdt *fdt, int node);
uint32_t fdt_size_cells(const struct fdt *fdt, int node);
/*
 * Entry `index` of a node's "reg", decoded with its parent's cell counts and
 * translated through every ancestor's "ranges" to a CPU physical address.
 * Returns 0, -ENOENT past the last entry, or -EINVAL (bad cells, no
 * translation).
 */
int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size);

/* Big-endian helpers for property values (no alignment assumed). */
uint32_t fdt_be32(const void *p);
uint64_t fdt_be64(const void *p);

#endif
