/* kzalloc/kfree for host tests (tests/unit/support/kalloc_stub.h). */
#include <stdlib.h>
#include "kernel/kalloc.h"
#include "tests/unit/support/kalloc_stub.h"

long kalloc_stub_allowed = -1;
long kalloc_stub_live;

void *kzalloc(size_t size)
{
	void *p;

	if (kalloc_stub_allowed == 0)
		return NULL;
	p = calloc(1, size);
	if (!p)
		return NULL;
	if (kalloc_stub_allowed > 0)
		kalloc_stub_allowed--;
	kalloc_stub_live++;
	return p;
}

void kfree(void *p, size_t size)
{
	(void)size;
	free(p);
	kalloc_stub_live--;
}
