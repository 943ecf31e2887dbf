"""Linux programs on kage: the system Image starts the process server as
its root task, which loads a static glibc executable from the initramfs as
pid 1 and serves the system calls the kernel forwards to it."""
import os

from kage import FAILURE_STATUS, Kage, build_dir


def system_image(board, mode):
    return os.path.join(build_dir(board, mode), "system", "Image")


def test_static_glibc_program_runs_as_init(board, mode):
    with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/bin/hello") as k:
        k.expect(r"hello from Linux [^ ]+ on riscv64")
        k.expect("kage: init exited with status 0")
        m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
        assert m.group(1) == m.group(2), "frames leaked by the process server or init"
        assert "panic" not in k.output()
        assert k.wait_exit() == 0


def test_missing_init_is_reported(board, mode):
    with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/no/such/init") as k:
        k.expect(r"kage: cannot run init /no/such/init: error -2")
        k.expect("kage: root task exited with status 1")
        assert k.wait_exit() == FAILURE_STATUS[board]


def test_not_an_elf_init_is_refused(board, mode):
    # /bin is a directory, not an executable: ENOEXEC, and the system ends cleanly.
    with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/bin") as k:
        k.expect(r"kage: cannot run init /bin: error -8")
        assert k.wait_exit() == FAILURE_STATUS[board]
