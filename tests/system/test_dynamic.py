"""Dynamically linked programs: execve loads the program and glibc's loader
(its PT_INTERP), which maps libc and libm from the initramfs with mmap of
files; and mmap of files itself, with its errors."""
from kage import FAILURE_STATUS, Kage
from test_linux import expect_clean_end, expect_lines, run_checks, run_init, system_image

HELLO = [
    "hello from a dynamically linked program, argc 1, last argument /bin/dyn-hello",
    "interpreter base in the auxiliary vector: yes", r"sqrt\(2\) from libm is 1.414214",
    "loaded /lib/riscv64-linux-gnu/libm.so.6", "loaded /lib/riscv64-linux-gnu/libc.so.6",
    "loaded /lib/ld-linux-riscv64-lp64d.so.1",
]


def assert_nothing_missing(k):
    """glibc's loader and libc found every system call they asked for."""
    assert "is not implemented" not in k.output(), "a system call the dynamic loader or libc needs is missing"


def test_dynamically_linked_hello(board, mode):
    with run_init(board, mode, "dyn-hello") as k:
        expect_lines(k, "dyn-hello", HELLO)
        expect_clean_end(k)
        assert_nothing_missing(k)


def test_dynamic_program_forks_and_execs(board, mode):
    with run_init(board, mode, "dyn-exec") as k:
        expect_lines(k, "dyn-exec", [
            "the forked child calls into its copy of libc", "fork without execve: the child exited 4",
        ])
        k.expect("dyn-hello: hello from a dynamically linked program, argc 3, last argument 3")
        k.expect("dyn-exec: fork\\+execve of a dynamic program: it exited 3")
        k.expect("dyn-hello: hello from a dynamically linked program, argc 3, last argument 5")
        k.expect("dyn-exec: vfork\\+execve of a dynamic program: it exited 5")
        k.expect('show-args: argv\\[1\\] = "static"')
        k.expect("dyn-exec: fork\\+execve of a static program: it exited 2")
        k.expect("dyn-hello: hello from a dynamically linked program, argc 3, last argument 6")
        k.expect("dyn-exec: a program and its loader written at run time: it exited 6")
        k.expect("dyn-exec: done")
        expect_clean_end(k)
        assert_nothing_missing(k)


MMAP_CHECKS = [
    "private mapping has the file's bytes", "past the end of the file, the last page is zero",
    "a store changes the copy only", "a later write to the file does not reach the copy",
    "an offset mapping starts at that byte of the file", "a read-only mapping cannot be written",
    "whole pages past the end read as zero (Linux: SIGBUS)", "munmap of the middle page leaves the others",
    "mprotect of one page to read-only", "MAP_FIXED puts the file page exactly there",
    "the pages around it are as they were", "PROT_NONE, then mprotect, shows the file's bytes",
    "a file of the initramfs maps", "MAP_SHARED read-only maps the same bytes",
    "a 1 MB read-only mapping of an initramfs file costs no copy", "its last page is zero past the end of the file",
    "a running program shares its text with the archive",
    "a read mapping of the archive made writable takes stores",
    "the stores reach neither the file nor another mapping",
    "EBADF for fd -1 without MAP_ANONYMOUS", "EBADF for a closed descriptor", "ENODEV for a directory",
    "ENODEV for a pipe", "ENODEV for the console", "EINVAL for an offset off a page", "EINVAL for length 0",
    "EINVAL without MAP_PRIVATE or MAP_SHARED", "EACCES for a write-only descriptor",
    "ENODEV for a writable MAP_SHARED mapping",
]


def test_mmap_of_files(board, mode):
    run_checks(board, mode, "mmap-file", MMAP_CHECKS)


def test_bad_interpreters_are_refused(board, mode):
    # As init, so nothing else runs: the console names the interpreter, and the errno is Linux's.
    for name, interp, why, err in [
        ("interp-missing", "/no/such/ld.so", "no such file or directory", -2),
        ("interp-not-elf", "/tests/elf/bad-magic.elf", "not an ELF file", -80),
    ]:
        path = f"/tests/elf/{name}.elf"
        with Kage(board, mode, kernel=system_image(board, mode), append=f"rdinit={path}") as k:
            k.expect(f"kage: exec {path}: interpreter {interp}: {why}")
            k.expect(f"kage: cannot run init {path}: error {err}")
            assert "panic" not in k.output()
            assert k.wait_exit() == FAILURE_STATUS[board]
