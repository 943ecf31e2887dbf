/*
 * Editing test blobs through libfdt, behind names that do not clash with
 * lib/fdt.h. Each call edits the blob in place (it must have room: see
 * dtb_load_padded) and aborts the test program on a libfdt error, since a
 * failed edit is a broken test, not a result.
 */
#ifndef KAGE_TESTS_UNIT_SUPPORT_DTEDIT_H
#define KAGE_TESTS_UNIT_SUPPORT_DTEDIT_H

#include <stddef.h>
#include <stdint.h>

void dtedit_open(void *blob, size_t bufsize);
void dtedit_set_u32(void *blob, const char *path, const char *name, uint32_t v);
void dtedit_set_u64(void *blob, const char *path, const char *name, uint64_t v);
void dtedit_set_string(void *blob, const char *path, const char *name, const char *v);
void dtedit_set_cells(void *blob, const char *path, const char *name, const uint32_t *cells, int n);
void dtedit_del_prop(void *blob, const char *path, const char *name);
void dtedit_del_node(void *blob, const char *path);
/* Adds `name` under `parent` (if absent); returns nothing, path is parent/name. */
void dtedit_add_node(void *blob, const char *parent, const char *name);
void dtedit_add_rsv(void *blob, uint64_t addr, uint64_t size);
/* The path of every node of a blob, in blob order, and its depth; count returned. */
int dtedit_paths(const void *blob, char paths[][256], int *depths, int max);



/* libfdt's view of one node's properties, for cross-checks. */
struct dtedit_prop {
	char name[64];
	int len;
	const void *val;
};
int dtedit_props(const void *blob, const char *path, struct dtedit_prop *out, int max);
int dtedit_rsv_count(const void *blob);
void dtedit_rsv(const void *blob, int i, uint64_t *addr, uint64_t *size);
/* Phandle of the node at `path`, 0 if none. */
uint32_t dtedit_phandle(const void *blob, const char *path);
/*
 * Builds a blob with buses three deep, each translating through "ranges":
 * /bus@1000 (child 0 -> parent 0x10000000), /bus@1000/sub@0 (child 0 -> 0x200),
 * device /bus@1000/sub@0/dev@30 with reg <0x30 0x10>: CPU address 0x10000230.
 */
size_t dtedit_build_ranges_blob(void *buf, size_t size);

#endif
