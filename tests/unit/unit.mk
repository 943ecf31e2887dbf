# For each host unit test tests/unit/test_X.c: the sources it links.
test_string := lib/string.c
test_fmt := lib/fmt.c lib/string.c
test_cpio := lib/cpio.c lib/string.c lib/errno.c tests/unit/support/mutate.c
test_uart := lib/uart.c lib/string.c
test_fdt := lib/fdt.c lib/string.c lib/errno.c tests/unit/support/dtb.c tests/unit/support/dtedit.c tests/unit/support/mutate.c
test_platform := lib/platform.c lib/fdt.c lib/uart.c lib/string.c lib/errno.c tests/unit/support/dtb.c tests/unit/support/dtedit.c tests/unit/support/mutate.c
test_frame := kernel/frame.c tests/unit/support/kassert.c
test_memmap := kernel/memmap.c
test_elf := lib/elf.c lib/string.c lib/errno.c tests/unit/support/mutate.c
test_pagetable := kernel/pagetable.c kernel/frame.c lib/string.c tests/unit/support/physmem.c tests/unit/support/kassert.c
test_handle := kernel/handle.c kernel/kobj.c lib/string.c tests/unit/support/kassert.c tests/unit/support/kalloc_stub.c
test_taskid := kernel/taskid.c kernel/frame.c lib/string.c tests/unit/support/physmem.c tests/unit/support/kassert.c
test_region := kernel/region.c kernel/avl.c kernel/kobj.c tests/unit/support/kalloc_stub.c tests/unit/support/kassert.c
test_space_ranges := kernel/space_ranges.c kernel/region.c kernel/avl.c kernel/kobj.c kernel/pagetable.c kernel/frame.c lib/string.c \
	tests/unit/support/physmem.c tests/unit/support/kassert.c tests/unit/support/kalloc_stub.c
test_avl := kernel/avl.c
test_kalloc := kernel/kalloc.c kernel/frame.c lib/string.c tests/unit/support/physmem.c tests/unit/support/kassert.c
test_memobj := kernel/memobj.c kernel/kobj.c kernel/kalloc.c kernel/frame.c lib/string.c tests/unit/support/physmem.c tests/unit/support/kassert.c
test_heap := lib/heap.c lib/string.c
test_chacha20 := lib/chacha20.c lib/random.c lib/string.c
test_proc_table := servers/proc/table.c lib/heap.c lib/string.c
test_fs_radix := servers/fs/radix.c lib/heap.c lib/string.c
test_endpoint := kernel/endpoint.c kernel/kobj.c tests/unit/support/kassert.c tests/unit/support/kalloc_stub.c
