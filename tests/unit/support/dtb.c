#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "tests/unit/support/dtb.h"

const char *const dtb_all[] = {
	"dtb/qemu-virt.dtb", "dtb/qemu-virt-smp4-1g.dtb", "dtb/qemu-sifive-u.dtb",
	"dtb/hifive-unleashed-a00.dtb", "dtb/hifive-unmatched-a00.dtb", "dtb/visionfive2.dtb",
	NULL,
};

static void *dtb_read(const char *path, size_t extra, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	void *buf;

	if (!f)
		return NULL;
	buf = fstat(fileno(f), &st) < 0 ? NULL : calloc(1, (size_t)st.st_size + extra);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*size = (size_t)st.st_size + extra;
	return buf;
}

void *dtb_load_padded(const char *name, size_t extra, size_t *size)
{
	const char *data = getenv("KAGE_TEST_DATA"), *build = getenv("KAGE_TEST_BUILD");
	char path[512];
	void *blob;

	snprintf(path, sizeof(path), "%s/%s", data ? data : "tests/data", name);
	blob = dtb_read(path, extra, size);
	if (!blob) {
		snprintf(path, sizeof(path), "%s/%s", build ? build : "build/host", name);
		blob = dtb_read(path, extra, size);
	}
	if (!blob) {
		fprintf(stderr, "cannot read %s (run from the repository root after make unit)\n", name);
		abort();
	}
	return blob;
}

void *dtb_load(const char *name, size_t *size)
{
	return dtb_load_padded(name, 0, size);
}
