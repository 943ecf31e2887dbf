#include <stdio.h>
#include <stdlib.h>
#include "tests/unit/support/libfdt.h"
#include "tests/unit/support/dtedit.h"

static void dtedit_check(int err, const char *what, const char *path)
{
	if (err < 0) {
		fprintf(stderr, "dtedit: %s %s: %s\n", what, path, fdt_strerror(err));
		abort();
	}
}

static int dtedit_node(const void *blob, const char *path)
{
	int node = fdt_path_offset(blob, path);

	dtedit_check(node, "find", path);
	return node;
}

void dtedit_open(void *blob, size_t bufsize)
{
	dtedit_check(fdt_open_into(blob, blob, (int)bufsize), "open", "");
}

void dtedit_set_u32(void *blob, const char *path, const char *name, uint32_t v)
{
	dtedit_check(fdt_setprop_u32(blob, dtedit_node(blob, path), name, v), "set", name);
}

void dtedit_set_u64(void *blob, const char *path, const char *name, uint64_t v)
{
	dtedit_check(fdt_setprop_u64(blob, dtedit_node(blob, path), name, v), "set", name);
}

void dtedit_set_string(void *blob, const char *path, const char *name, const char *v)
{
	dtedit_check(fdt_setprop_string(blob, dtedit_node(blob, path), name, v), "set", name);
}

void dtedit_set_cells(void *blob, const char *path, const char *name, const uint32_t *cells, int n)
{
	fdt32_t be[16];
	int i;

	if (n > 16)
		abort();
	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	dtedit_check(fdt_setprop(blob, dtedit_node(blob, path), name, be, (int)(n * sizeof(be[0]))),
		     "set", name);
}

void dtedit_del_prop(void *blob, const char *path, const char *name)
{
	dtedit_check(fdt_delprop(blob, dtedit_node(blob, path), name), "delete", name);
}

void dtedit_del_node(void *blob, const char *path)
{
	dtedit_check(fdt_del_node(blob, dtedit_node(blob, path)), "delete", path);
}

void dtedit_add_node(void *blob, const char *parent, const char *name)
{
	int node = dtedit_node(blob, parent);

	if (fdt_subnode_offset(blob, node, name) >= 0)
		return;
	dtedit_check(fdt_add_subnode(blob, node, name), "add", name);
}

void dtedit_add_rsv(void *blob, uint64_t addr, uint64_t size)
{
	dtedit_check(fdt_add_mem_rsv(blob, addr, size), "reserve", "");
}

int dtedit_paths(const void *blob, char paths[][256], int *depths, int max)
{
	int node, depth = 0, n = 0;

	/* libfdt signals the end of the root with depth -1, not always a negative offset. */
	for (node = 0; node >= 0 && depth >= 0 && n < max; node = fdt_next_node(blob, node, &depth)) {
		dtedit_check(fdt_get_path(blob, node, paths[n], 256), "path", "");
		depths[n++] = depth;
	}
	return n;
}

int dtedit_props(const void *blob, const char *path, struct dtedit_prop *out, int max)
{
	int node = dtedit_node(blob, path), off, n = 0;

	fdt_for_each_property_offset(off, blob, node) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(blob, off, &name, &len);

		if (n == max || !val)
			abort();
		snprintf(out[n].name, sizeof(out[n].name), "%s", name);
		out[n].len = len;
		out[n].val = val;
		n++;
	}
	return n;
}

int dtedit_rsv_count(const void *blob)
{
	return fdt_num_mem_rsv(blob);
}

void dtedit_rsv(const void *blob, int i, uint64_t *addr, uint64_t *size)
{
	dtedit_check(fdt_get_mem_rsv(blob, i, addr, size), "rsv", "");
}

uint32_t dtedit_phandle(const void *blob, const char *path)
{
	return fdt_get_phandle(blob, dtedit_node(blob, path));
}

static void dtedit_cells_prop(void *buf, const char *name, const uint32_t *cells, int n)
{
	fdt32_t be[8];
	int i;

	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	dtedit_check(fdt_property(buf, name, be, n * 4), "property", name);
}

size_t dtedit_build_ranges_blob(void *buf, size_t size)
{
	const uint32_t two = 2, one = 1;
	const uint32_t bus_ranges[] = { 0x0, 0x0, 0x10000000, 0x100000 };	/* child(1) parent(2) size(1) */
	const uint32_t sub_ranges[] = { 0x0, 0x200, 0x1000 };
	const uint32_t dev_reg[] = { 0x30, 0x10 };

	dtedit_check(fdt_create(buf, (int)size), "create", "");
	dtedit_check(fdt_finish_reservemap(buf), "rsvmap", "");
	dtedit_check(fdt_begin_node(buf, ""), "root", "");
	dtedit_cells_prop(buf, "#address-cells", &two, 1);
	dtedit_cells_prop(buf, "#size-cells", &one, 1);
	dtedit_check(fdt_begin_node(buf, "bus@1000"), "bus", "");
	dtedit_cells_prop(buf, "#address-cells", &one, 1);
	dtedit_cells_prop(buf, "#size-cells", &one, 1);
	dtedit_cells_prop(buf, "ranges", bus_ranges, 4);
	dtedit_check(fdt_begin_node(buf, "sub@0"), "sub", "");
	dtedit_cells_prop(buf, "#address-cells", &one, 1);
	dtedit_cells_prop(buf, "#size-cells", &one, 1);
	dtedit_cells_prop(buf, "ranges", sub_ranges, 3);
	dtedit_check(fdt_begin_node(buf, "dev@30"), "dev", "");
	dtedit_cells_prop(buf, "reg", dev_reg, 2);
	dtedit_check(fdt_end_node(buf), "end", "");
	dtedit_check(fdt_end_node(buf), "end", "");
	dtedit_check(fdt_end_node(buf), "end", "");
	dtedit_check(fdt_end_node(buf), "end", "");
	dtedit_check(fdt_finish(buf), "finish", "");
	return fdt_totalsize(buf);
}
