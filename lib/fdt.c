/*
 * Flattened device tree reader.
 *
 * The blob comes from firmware and is trusted for nothing: fdt_init checks
 * that every block lies inside the blob and the blob inside the buffer;
 * every token, name and property read afterwards is checked against the
 * structure block's end, and names must be NUL-terminated inside their
 * block. Walks are bounded by the block size, so a corrupt blob ends in
 * -EINVAL rather than a loop or a wild read. Nothing here allocates.
 */
#include "lib/fdt.h"
#include "lib/errno.h"
#include "lib/string.h"

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_MAX_DEPTH 64

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_be64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

uint32_t fdt_total_size(const void *blob)
{
	return fdt_be32(blob) == FDT_MAGIC ? fdt_be32((const uint8_t *)blob + 4) : 0;
}

static bool fdt_block_ok(uint32_t off, uint32_t size, uint32_t total)
{
	return off <= total && size <= total - off;
}

int fdt_init(struct fdt *fdt, const void *blob, size_t bufsize)
{
	const uint8_t *h = blob;
	uint32_t total, off_struct, off_strings, off_rsv, size_strings, size_struct, version;

	if (bufsize < FDT_HEADER_SIZE || fdt_be32(h) != FDT_MAGIC)
		return -EINVAL;
	total = fdt_be32(h + 4);
	off_struct = fdt_be32(h + 8);
	off_strings = fdt_be32(h + 12);
	off_rsv = fdt_be32(h + 16);
	version = fdt_be32(h + 20);
	size_strings = fdt_be32(h + 32);
	size_struct = fdt_be32(h + 36);
	if (total > bufsize || total < FDT_HEADER_SIZE || version < 16 || fdt_be32(h + 24) > 17)
		return -EINVAL;
	if ((off_struct | size_struct | off_rsv) & 3 || (off_rsv & 7))
		return -EINVAL;
	if (off_struct < FDT_HEADER_SIZE || off_rsv < FDT_HEADER_SIZE || off_strings < FDT_HEADER_SIZE)
		return -EINVAL;
	if (!fdt_block_ok(off_struct, size_struct, total) || !fdt_block_ok(off_strings, size_strings, total) ||
	    !fdt_block_ok(off_rsv, 16, total) || size_struct < 8)
		return -EINVAL;
	fdt->blob = h;
	fdt->size = total;
	fdt->structs = h + off_struct;
	fdt->struct_size = size_struct;
	fdt->strings = (const char *)h + off_strings;
	fdt->strings_size = size_strings;
	fdt->rsvmap = h + off_rsv;
	fdt->boot_cpuid = fdt_be32(h + 28);
	/* Count reservations up to the 0,0 terminator, which must be inside the blob. */
	for (fdt->rsv_count = 0;; fdt->rsv_count++) {
		uint64_t at = (uint64_t)off_rsv + 16ull * fdt->rsv_count;

		if (at + 16 > total)
			return -EINVAL;
		if (fdt_be64(h + at) == 0 && fdt_be64(h + at + 8) == 0)
			break;
	}
	return fdt_root(fdt) < 0 ? -EINVAL : 0;
}

int fdt_rsv_entry(const struct fdt *fdt, uint32_t i, uint64_t *addr, uint64_t *size)
{
	if (i >= fdt->rsv_count)
		return -ENOENT;
	*addr = fdt_be64(fdt->rsvmap + 16 * i);
	*size = fdt_be64(fdt->rsvmap + 16 * i + 8);
	return 0;
}

/* The token at `off`, or -EINVAL when it does not fit. */
static int fdt_token(const struct fdt *fdt, int off, uint32_t *tag)
{
	if (off < 0 || (off & 3) || (uint32_t)off + 4 > fdt->struct_size)
		return -EINVAL;
	*tag = fdt_be32(fdt->structs + off);
	return 0;
}

/* Offset of the token after the one at `off` (which is known to exist). */
static int fdt_skip(const struct fdt *fdt, int off, uint32_t tag)
{
	uint32_t at = (uint32_t)off + 4;

	if (tag == FDT_BEGIN_NODE) {
		const uint8_t *name = fdt->structs + at;
		const uint8_t *nul = memchr(name, '\0', fdt->struct_size - at);

		if (!nul)
			return -EINVAL;
		at += (uint32_t)(nul - name) + 1;
	} else if (tag == FDT_PROP) {
		uint32_t len;

		if (at + 8 > fdt->struct_size)
			return -EINVAL;
		len = fdt_be32(fdt->structs + at);
		if (len > fdt->struct_size - at - 8)
			return -EINVAL;
		at += 8 + len;
	} else if (tag != FDT_END_NODE && tag != FDT_NOP) {
		return -EINVAL;
	}
	at = (at + 3) & ~3u;
	return at <= fdt->struct_size ? (int)at : -EINVAL;
}

int fdt_root(const struct fdt *fdt)
{
	uint32_t tag;
	int off = 0;

	while (fdt_token(fdt, off, &tag) == 0) {
		if (tag == FDT_BEGIN_NODE)
			return off;
		if (tag != FDT_NOP)
			return -EINVAL;
		off += 4;
	}
	return -EINVAL;
}

int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
	uint32_t tag;
	int off, d = depth ? *depth : 0;

	if (fdt_token(fdt, node, &tag) < 0 || tag != FDT_BEGIN_NODE)
		return -EINVAL;
	off = fdt_skip(fdt, node, tag);
	for (;;) {
		if (off < 0 || fdt_token(fdt, off, &tag) < 0)
			return -EINVAL;
		if (tag == FDT_BEGIN_NODE) {
			if (depth)
				*depth = d + 1;
			return off;
		}
		if (tag == FDT_END)
			return -ENOENT;
		if (tag == FDT_END_NODE)
			d--;
		off = fdt_skip(fdt, off, tag);
	}
}

int fdt_first_child(const struct fdt *fdt, int node)
{
	int depth = 0;
	int off = fdt_next_node(fdt, node, &depth);

	if (off < 0)
		return off;
	return depth == 1 ? off : -ENOENT;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
	int depth = 0;
	int off = node;

	do {
		off = fdt_next_node(fdt, off, &depth);
		if (off < 0)
			return off;
	} while (depth > 0);
	return depth == 0 ? off : -ENOENT;
}

int fdt_parent(const struct fdt *fdt, int node)
{
	int stack[FDT_MAX_DEPTH];
	int depth = 0;
	int off = fdt_root(fdt);

	while (off >= 0) {
		if (depth < 0 || depth >= FDT_MAX_DEPTH)
			return -EINVAL;
		stack[depth] = off;
		if (off == node)
			return depth == 0 ? -ENOENT : stack[depth - 1];
		if (off > node)
			return -EINVAL;	/* `node` is not the start of a node */
		off = fdt_next_node(fdt, off, &depth);
	}
	return off == -ENOENT ? -EINVAL : off;
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
	uint32_t tag;
	const uint8_t *name;

	if (fdt_token(fdt, node, &tag) < 0 || tag != FDT_BEGIN_NODE)
		return NULL;
	name = fdt->structs + node + 4;
	return memchr(name, '\0', fdt->struct_size - (uint32_t)node - 4) ? (const char *)name : NULL;
}

/* From `off`, skip NOPs; the offset of a property token there, or -ENOENT. */
static int fdt_prop_from(const struct fdt *fdt, int off)
{
	uint32_t tag;

	for (;;) {
		if (off < 0 || fdt_token(fdt, off, &tag) < 0)
			return -EINVAL;
		if (tag == FDT_PROP)
			return off;
		if (tag != FDT_NOP)
			return -ENOENT;
		off += 4;
	}
}

int fdt_first_prop(const struct fdt *fdt, int node)
{
	uint32_t tag;

	if (fdt_token(fdt, node, &tag) < 0 || tag != FDT_BEGIN_NODE)
		return -EINVAL;
	return fdt_prop_from(fdt, fdt_skip(fdt, node, tag));
}

int fdt_next_prop(const struct fdt *fdt, int prop)
{
	uint32_t tag;

	if (fdt_token(fdt, prop, &tag) < 0 || tag != FDT_PROP)
		return -EINVAL;
	return fdt_prop_from(fdt, fdt_skip(fdt, prop, tag));
}

int fdt_prop_at(const struct fdt *fdt, int prop, const char **name, const void **val, uint32_t *len)
{
	uint32_t tag, nameoff;

	if (fdt_token(fdt, prop, &tag) < 0 || tag != FDT_PROP || fdt_skip(fdt, prop, tag) < 0)
		return -EINVAL;
	nameoff = fdt_be32(fdt->structs + prop + 8);
	if (nameoff >= fdt->strings_size ||
	    !memchr(fdt->strings + nameoff, '\0', fdt->strings_size - nameoff))
		return -EINVAL;
	*name = fdt->strings + nameoff;
	*len = fdt_be32(fdt->structs + prop + 4);
	*val = fdt->structs + prop + 12;
	return 0;
}

const void *fdt_prop(const struct fdt *fdt, int node, const char *name, uint32_t *len)
{
	int prop;

	for (prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
		const char *pname;
		const void *val;
		uint32_t plen;

		if (fdt_prop_at(fdt, prop, &pname, &val, &plen) < 0)
			return NULL;
		if (strcmp(pname, name) == 0) {
			if (len)
				*len = plen;
			return val;
		}
	}
	return NULL;
}

bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out)
{
	uint32_t len;
	const void *p = fdt_prop(fdt, node, name, &len);

	if (!p || len != 4)
		return false;
	*out = fdt_be32(p);
	return true;
}

bool fdt_prop_uint(const struct fdt *fdt, int node, const char *name, uint64_t *out)
{
	uint32_t len;
	const void *p = fdt_prop(fdt, node, name, &len);

	if (!p || (len != 4 && len != 8))
		return false;
	*out = len == 4 ? fdt_be32(p) : fdt_be64(p);
	return true;
}

const char *fdt_prop_string_index(const struct fdt *fdt, int node, const char *name, int index)
{
	uint32_t len, at = 0;
	const char *p = fdt_prop(fdt, node, name, &len);

	if (!p || index < 0)
		return NULL;
	while (at < len) {
		uint32_t n = (uint32_t)strnlen(p + at, len - at);

		if (n == len - at)
			return NULL;	/* not terminated inside the property */
		if (index-- == 0)
			return p + at;
		at += n + 1;
	}
	return NULL;
}

const char *fdt_prop_string(const struct fdt *fdt, int node, const char *name)
{
	uint32_t len;
	const char *p = fdt_prop(fdt, node, name, &len);

	if (!p || len == 0 || strnlen(p, len) != len - 1)
		return NULL;
	return p;
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	const char *s;
	int i;

	for (i = 0; (s = fdt_prop_string_index(fdt, node, "compatible", i)) != NULL; i++)
		if (strcmp(s, compat) == 0)
			return true;
	return false;
}

/* Does a node name match one path component of `len` bytes? */
static bool fdt_name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len) != 0)
		return false;
	if (name[len] == '\0')
		return true;
	/* "memory" finds "memory@80000000" when the component has no unit address. */
	return name[len] == '@' && !memchr(comp, '@', len);
}

static int fdt_child_named(const struct fdt *fdt, int node, const char *comp, size_t len)
{
	int child;

	for (child = fdt_first_child(fdt, node); child >= 0; child = fdt_next_sibling(fdt, child)) {
		const char *name = fdt_node_name(fdt, child);

		if (!name)
			return -EINVAL;
		if (fdt_name_matches(name, comp, len))
			return child;
	}
	return child;
}

/* Walks `path` (relative components) below `node`. */
static int fdt_walk(const struct fdt *fdt, int node, const char *path)
{
	while (node >= 0 && *path) {
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) : strlen(path);

		if (len > 0)
			node = fdt_child_named(fdt, node, path, len);
		path += len + (slash ? 1 : 0);
	}
	return node;
}

int fdt_find_path(const struct fdt *fdt, const char *path)
{
	const char *slash, *target;
	char alias[64];
	size_t len;
	int aliases;

	if (path[0] == '/')
		return fdt_walk(fdt, fdt_root(fdt), path + 1);
	/* An alias: its value is an absolute path, which must not be another alias. */
	slash = strchr(path, '/');
	len = slash ? (size_t)(slash - path) : strlen(path);
	if (len == 0 || len >= sizeof(alias))
		return -ENOENT;
	memcpy(alias, path, len);
	alias[len] = '\0';
	aliases = fdt_find_path(fdt, "/aliases");
	if (aliases < 0)
		return -ENOENT;
	target = fdt_prop_string(fdt, aliases, alias);
	if (!target || target[0] != '/')
		return -ENOENT;
	aliases = fdt_find_path(fdt, target);
	return slash && aliases >= 0 ? fdt_walk(fdt, aliases, slash + 1) : aliases;
}

int fdt_find_phandle(const struct fdt *fdt, uint32_t phandle)
{
	int depth = 0, node;

	if (phandle == 0 || phandle == UINT32_MAX)
		return -ENOENT;
	for (node = fdt_root(fdt); node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		uint32_t v;

		if ((fdt_prop_u32(fdt, node, "phandle", &v) || fdt_prop_u32(fdt, node, "linux,phandle", &v)) &&
		    v == phandle)
			return node;
	}
	return node == -ENOENT ? -ENOENT : -EINVAL;
}

int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat)
{
	int depth = 0, node;

	node = from < 0 ? fdt_root(fdt) : fdt_next_node(fdt, from, &depth);
	for (; node >= 0; node = fdt_next_node(fdt, node, &depth))
		if (fdt_is_compatible(fdt, node, compat))
			return node;
	return node;
}

uint32_t fdt_address_cells(const struct fdt *fdt, int node)
{
	uint32_t v;

	return fdt_prop_u32(fdt, node, "#address-cells", &v) ? v : 2;
}

uint32_t fdt_size_cells(const struct fdt *fdt, int node)
{
	uint32_t v;

	return fdt_prop_u32(fdt, node, "#size-cells", &v) ? v : 1;
}

static uint64_t fdt_cells(const uint8_t *p, uint32_t n)
{
	return n == 2 ? fdt_be64(p) : n == 1 ? fdt_be32(p) : 0;
}

/* Translates a child-bus address through `bus`'s "ranges" to its parent's space. */
static int fdt_translate(const struct fdt *fdt, int bus, int parent, uint64_t *addr)
{
	uint32_t len, cac = fdt_address_cells(fdt, bus), pac = fdt_address_cells(fdt, parent);
	uint32_t sc = fdt_size_cells(fdt, bus), entry;
	const uint8_t *r = fdt_prop(fdt, bus, "ranges", &len);
	uint32_t at;

	if (!r)
		return -EINVAL;
	if (len == 0)
		return 0;	/* identity */
	if (cac < 1 || cac > 2 || pac < 1 || pac > 2 || sc > 2)
		return -EINVAL;
	entry = 4 * (cac + pac + sc);
	if (len % entry)
		return -EINVAL;
	for (at = 0; at < len; at += entry) {
		uint64_t child = fdt_cells(r + at, cac);
		uint64_t par = fdt_cells(r + at + 4 * cac, pac);
		uint64_t size = fdt_cells(r + at + 4 * (cac + pac), sc);

		if (*addr >= child && *addr - child < size) {
			*addr = par + (*addr - child);
			return 0;
		}
	}
	return -EINVAL;
}

int fdt_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent(fdt, node), bus;
	uint32_t ac, sc, len, entry;
	const uint8_t *reg;

	if (parent < 0 || index < 0)
		return -EINVAL;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	if (ac < 1 || ac > 2 || sc > 2)
		return -EINVAL;
	reg = fdt_prop(fdt, node, "reg", &len);
	if (!reg)
		return -ENOENT;
	entry = 4 * (ac + sc);
	if (len % entry)
		return -EINVAL;
	if ((uint32_t)index >= len / entry)
		return -ENOENT;
	*addr = fdt_cells(reg + index * entry, ac);
	*size = fdt_cells(reg + index * entry + 4 * ac, sc);
	/* Climb bus by bus; the root's children are already in CPU addresses. */
	for (bus = parent; bus != fdt_root(fdt); bus = parent) {
		parent = fdt_parent(fdt, bus);
		if (parent < 0 || fdt_translate(fdt, bus, parent, addr) < 0)
			return -EINVAL;
	}
	return 0;
}
