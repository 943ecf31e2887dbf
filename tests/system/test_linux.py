"""Linux programs on kage: the system Image starts the process server as
its root task, which loads a static glibc executable from the initramfs as
pid 1 and serves the system calls the kernel forwards to it."""
import os
import re

from kage import FAILURE_STATUS, Kage, build_dir, expect_objects_back, system_image


def run_init(board, mode, program, smp=None):
    """Boots the system Image with /bin/PROGRAM as pid 1 (QEMU's -smp smp, else kage's default)."""
    return Kage(board, mode, kernel=system_image(board, mode), append=f"rdinit=/bin/{program}", smp=smp)


def expect_lines(k, program, lines):
    """Each of `lines`, in order, as "PROGRAM: LINE"."""
    for line in lines:
        k.expect(f"{program}: {line}")


def expect_clean_end(k):
    """Every object and frame came back, pid 1 exited 0, QEMU exited with success."""
    expect_objects_back(k)
    k.expect("kage: init exited with status 0")
    m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
    assert m.group(1) == m.group(2), "frames leaked by the process server or its processes"
    assert "panic" not in k.output()
    assert k.wait_exit() == 0


def test_static_glibc_program_runs_as_init(board, mode):
    with run_init(board, mode, "hello") as k:
        k.expect(r"hello from Linux [^ ]+ on riscv64")
        expect_clean_end(k)


def test_missing_init_is_reported(board, mode):
    with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/no/such/init") as k:
        k.expect(r"kage: cannot run init /no/such/init: error -2")
        k.expect("kage: root task exited with status 1")
        assert k.wait_exit() == FAILURE_STATUS[board]


def test_directory_as_init_is_refused(board, mode):
    # /bin is a directory: EACCES, as Linux, and the system ends cleanly.
    with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/bin") as k:
        k.expect(r"kage: cannot run init /bin: error -13")
        assert k.wait_exit() == FAILURE_STATUS[board]


def test_fork_return_values_wait_statuses_and_cow(board, mode):
    with run_init(board, mode, "fork-basics") as k:
        k.expect("child: fork returned 0, getppid is the parent, counter 101")
        k.expect("parent: fork returned the child's pid: yes")
        k.expect("parent: child exited normally with status 3, counter still 100")
        k.expect(r"kage: pid \d+ killed by SIGSEGV")
        k.expect("parent: second child killed by signal 11")
        k.expect("parent: waitpid with no children left: ECHILD")
        expect_clean_end(k)


def test_out_of_memory_is_enomem_and_leaks_nothing(board, mode):
    """With memory full, fork still works (it copies no page tables) and execve fails with ENOMEM; nothing leaks."""
    with run_init(board, mode, "oom") as k:
        for _ in range(3):
            k.expect(r"oom: filled \d+ MiB", timeout=180)
            # A fork shares the page tables: it needs a few frames, not a copy of each table.
            k.expect("oom: fork with memory full: a child that wrote a page and exited 0, the parent's page still 1")
            k.expect("oom: execve with memory full: ENOMEM, still running")
        k.expect("oom: the third filler exited 0")
        k.expect("oom: free memory back to where it was: yes")
        expect_clean_end(k)


def test_out_of_memory_ends_the_largest_program(board, mode):
    """A fault with no frame left ends the process holding the most, never the caller's parent or a server."""
    with run_init(board, mode, "oom-kill") as k:
        for r in range(1, 4):
            k.expect(r"kage: out of memory: killed pid \d+ \(oom-kill\) holding \d+ KiB", timeout=180)
            k.expect(f"oom-kill: round {r}: the greedy one ended by -9", timeout=60)
            k.expect(r"kage: out of memory: killed pid \d+ \(oom-kill\) holding \d+ KiB", timeout=180)
            k.expect(f"oom-kill: round {r}: the bigger one ended by -9, the smaller one exited 0", timeout=180)
        k.expect("oom-kill: free memory back to where it was: yes")
        expect_clean_end(k)


def test_mappings_up_to_linux_max_map_count(board, mode):
    """65,530 mappings a process (Linux's vm.max_map_count), then ENOMEM; a split at the bound too."""
    with run_init(board, mode, "maps") as k:
        m = k.expect(r"maps: (\d+) mappings, then Cannot allocate memory", timeout=300)
        n = int(m.group(1))
        assert 65500 <= n < 65530, n  # the program's own (text, data, stack...) count too
        k.expect("maps: mprotect splitting one at the bound: Cannot allocate memory")
        k.expect("maps: munmap splitting one at the bound: Cannot allocate memory")
        k.expect("maps: munmap of the whole one: done")
        k.expect("maps: munmap of the rest: 0 failed")
        k.expect(r"maps: the same number again: yes", timeout=300)
        k.expect("maps: munmap of the rest: 0 failed", timeout=300)
        expect_clean_end(k)


PROC_MAPS_CHECKS = [
    "every line as Linux prints it", "an anonymous mapping at a fixed address, rw-p",
    "mprotect cuts it into the ranges it made",
    "MAP_FIXED_NOREPLACE: EEXIST over a mapping, that very address where nothing is", "munmap takes them away",
    "a file's mappings: their pages, their permissions", "[heap] is the break's pages after sbrk",
    "[stack] holds a local variable", "the program's code is named by its path and inode", "and so are its data",
    "the first is from offset 0, the data from further on",
    "3,000 alternating mappings: every one a line of its own", "a forked child's /proc/N/maps, read by its parent",
    "a zombie's maps is empty", "a reaped child's maps is gone", "a dynamic program's interpreter is named",
]


def test_proc_maps_shows_every_mapping_as_linux_prints_it(board, mode):
    """/proc/N/maps: the kernel's ranges (space_ranges), named from what the process server knows."""
    run_checks(board, mode, "proc-maps", PROC_MAPS_CHECKS)


def test_clone_flags_checked_as_linux_does(board, mode):
    with run_init(board, mode, "clone-flags") as k:
        expect_lines(k, "clone-flags", [
            "CLONE_SIGHAND without CLONE_VM: EINVAL", "CLONE_THREAD without CLONE_SIGHAND: EINVAL",
            "CLONE_NEWNS with CLONE_FS: EINVAL", "no child was made: yes",
            "fork's flags: child saw its tid, exited 4", "vfork's flags: the parent sees 6"
        ])
        expect_clean_end(k)


def test_vfork_shares_memory_and_execve_passes_arguments(board, mode):
    with run_init(board, mode, "vfork-exec") as k:
        k.expect("vfork: the child wrote 42 into the parent's memory and exited 5")
        k.expect("exec'd child: argc 4, argv\\[2\\] one, argv\\[3\\] two, KAGE_DEMO=yes")
        k.expect("vfork\\+execve: the program exited 7")
        k.expect("fork\\+execve: the program exited 7")
        k.expect("execve of a missing file failed and the caller kept running")
        k.expect("missing program: child exited 9")
        expect_clean_end(k)


NOTE_BURST = 10  # lib/native.h NATIVE_NOTE_BURST: console notes a program can cause at once

BROKEN_ELF = {
    "bad-magic": "Exec format error", "wrong-class": "Exec format error",
    "big-endian": "Exec format error", "wrong-machine": "Exec format error",
    "not-executable": "Exec format error", "truncated": "Exec format error",
    "phdrs-past-end": "Exec format error", "absurd-phnum": "Exec format error",
    "segment-past-end": "Exec format error", "filesz-over-memsz": "Exec format error",
    "kernel-address": "Cannot allocate memory", "overlapping-segments": "Exec format error",
    "entry-outside": "Exec format error", "no-segments": "Exec format error",
    "huge-memsz": "Cannot allocate memory", "interp-missing": "No such file or directory",
    "interp-directory": "Permission denied", "interp-not-elf": "Accessing a corrupted shared library",
    "interp-nested": "Accessing a corrupted shared library",
}


def test_broken_elf_corpus_is_refused_and_the_caller_survives(board, mode):
    with run_init(board, mode, "exec-bad") as k:
        for i, (name, error) in enumerate(BROKEN_ELF.items()):
            # The console note says why; past a burst of them the notes are rate-limited.
            if i < NOTE_BURST:
                k.expect(rf"kage: exec /tests/elf/{name}\.elf: [a-zA-Z]")
            k.expect(rf"exec-bad: {name} refused: {error}")
        k.expect("exec-bad: ok.elf ran and exited 0")
        k.expect(f"exec-bad: still running after {len(BROKEN_ELF)} refusals")
        expect_clean_end(k)


def process_stress(board, mode, smp=None):
    """/bin/proc-stress as pid 1 (QEMU's -smp smp, else kage's default): every status collected, nothing leaked."""
    with run_init(board, mode, "proc-stress", smp=smp) as k:
        k.expect("proc-stress: 64 children at once, 0 statuses wrong")
        k.expect("proc-stress: 1000 rounds of fork\\+exec\\+wait, 0 failed", timeout=300)
        k.expect("proc-stress: done")
        expect_clean_end(k)


def test_process_tree_stress_collects_every_status_and_leaks_nothing(board, mode):
    process_stress(board, mode)


def test_printf_before_fork_on_a_terminal(board, mode):
    with run_init(board, mode, "printf-fork") as k:
        k.expect("stdout is a terminal: line-buffered")
        expect_clean_end(k)
        out = k.output()
        assert out.count("one line before fork") == 1, "a flushed line came out twice"
        assert out.count("0123456789 (no newline: still buffered)") == 2, "the child's buffer copy was lost"


def test_shebang_scripts(board, mode):
    with run_init(board, mode, "exec-script") as k:
        for i, arg in enumerate(["/bin/show-args", "-x", "/tests/scripts/one-arg", "first", "second"]):
            k.expect(f'show-args: argv\\[{i}\\] = "{arg}"')
        k.expect("exec-script: /tests/scripts/one-arg exited 5")
        k.expect('show-args: argv\\[3\\] = "/tests/scripts/nested"')
        k.expect("exec-script: /tests/scripts/nested exited 6")
        k.expect("exec-script: /tests/scripts/loop refused: Too many levels of symbolic links")
        k.expect("exec-script: /tests/scripts/empty refused: Exec format error")
        k.expect("exec-script: /tests/scripts/not-a-script refused: Permission denied")
        k.expect("exec-script: /tests refused: Permission denied")
        expect_clean_end(k)


def test_small_linux_calls_and_bad_pointers(board, mode):
    with run_init(board, mode, "linux-misc") as k:
        expect_lines(k, "linux-misc", [
            "/proc/self/exe -> /bin/linux-misc", "umask 022 then 077 ok", f"affinity {k.harts} harts", "RLIMIT_STACK 8 MiB", "getcwd /", "uname riscv64",
            "clock advances yes", "getrandom random", "write from a bad pointer: EFAULT",
            "uname into a bad pointer: EFAULT", "waitid WNOWAIT sees exit 7 ok",
            "waitid reaps it after WNOWAIT ok", "waitid WNOHANG on a running child ok",
            "waitid sees SIGTERM ok", "waitid without WEXITED EINVAL", "statx of a file ok",
            "statx of a missing file ENOENT", "descriptors up to 1023, select on fd 1000 ok",
            "a pipe read into a bad pointer: EFAULT, its bytes stay",
            "chmod, fchmod, chown and fchown ok", "chmod in /proc, and of a missing file: EPERM ENOENT",
            "setuid and its kin: to root, to another user: ok EPERM",
            "socket calls on other descriptors: ENOTSOCK EBADF",
            "execve with 1,024 environment strings ok", "execve with 1,025 of them: E2BIG",
            "execve at a mapping's end: ok", "riscv_flush_icache, then the code runs: ok EINVAL",
        ])
        k.expect("kage: proc: system call 500 is not implemented \\(-ENOSYS\\)")
        k.expect("linux-misc: unknown system call, twice: ENOSYS")
        assert k.output().count("system call 500 is not implemented") == 1, "the note comes once per number"
        expect_clean_end(k)


SIGNAL_CHECKS = [
    "handler runs with siginfo", "blocked signal waits in the pending set", "unblocking delivers it",
    "ignored signal does nothing", "a signal raised in its handler runs once the handler returns", "SIGCHLD on child exit", "the child is still there to wait for",
    "pipe read interrupted: EINTR", "SA_RESTART: the read goes on after the handler",
    "nanosleep interrupted: EINTR and the time left", "waitpid interrupted: EINTR",
    "sigsuspend returns EINTR after the handler", "sigsuspend puts the mask back",
    "SA_ONSTACK runs on the alternate stack", "SIGSEGV handler gets the address",
    "waitpid WUNTRACED sees the stop", "waitpid WCONTINUED sees the continue", "the continued child finishes",
    "SIGTERM after SIGCONT ends a stopped child", "setpgid and getpgid", "kill of a group reaches each member",
    "setsid makes a new session", "a group leader cannot setsid", "sigreturn restores every register",
]


def test_signals(board, mode):
    run_checks(board, mode, "signals", SIGNAL_CHECKS)


THREAD_CHECKS = [
    "join returns each thread's value", "every thread has its own tid", "mutex: no increment lost",
    "condition variable wakes a waiter", "timed wait times out", "pthread_kill runs the handler in that thread",
    "pthread_exit ends only its thread", "exit in a thread ends the whole process",
    "a thread sees the umask another thread set", "umask applies to new files and directories",
    "a thread reaps a child another thread forked", "setsid in a second thread: the session is the pid",
    "a process's signal every thread blocks is pending", "the thread that unblocks it takes it",
    "execve in a second thread: the process runs the program with its pid",
]


def test_threads(board, mode):
    run_checks(board, mode, "threads", THREAD_CHECKS)


def test_kill_default_actions(board, mode):
    with run_init(board, mode, "kill-default") as k:
        expect_lines(k, "kill-default", [
            "child killed by signal 15", "child killed by signal 9", "SIGCHLD to myself: ignored",
            "probe with signal 0: alive", "no such process: ESRCH", "abort ends with signal 6"
        ])
        expect_clean_end(k)


def test_nanosleep_waits_and_wakes_in_deadline_order(board, mode):
    with run_init(board, mode, "nanosleep") as k:
        expect_lines(k, "nanosleep", [
            "nanosleep 50 ms took at least 50 ms", "clock_nanosleep 30 ms ok", "the 60 ms child wakes first",
            "the 200 ms child wakes second", "bad nanoseconds: EINVAL", "bad pointer: EFAULT"
        ])
        expect_clean_end(k)


def test_demos_all_pass(board, mode):
    with run_init(board, mode, "demos") as k:
        k.expect("demos: Linux 6.1.0-kage on riscv64, pid 1: running the demos")
        k.expect("demos: 0 of 7 demos failed", timeout=120)
        expect_clean_end(k)


def test_init_mini_shell(board, mode):
    """/init's own small shell (without /bin/sh, or with `mini`): programs by name, failures, cd, exit N."""
    with Kage(board, mode, kernel=system_image(board, mode), append="mini") as k:
        k.expect(r"/init is a small shell \(type help\)")
        k.expect("kage# ")
        k.child.send("show-args one two\r")
        k.expect('show-args: argv\\[2\\] = "two"')
        k.expect("init: show-args exited 3")
        k.expect("kage# ")
        k.child.send("cd /tests\r")
        k.expect("kage# ")
        k.child.send("/bin/exit0\r")
        k.expect("kage# ")
        k.child.send("no-such-program\r")
        k.expect("init: no-such-program: No such file or directory")
        k.expect("kage# ")
        k.child.send("help\r")
        k.expect("Programs in /bin:")
        k.expect("kage# ")
        k.child.send("exit 3\r")
        k.expect("kage: init exited with status 3")
        m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
        assert m.group(1) == m.group(2), "frames leaked by the servers or the shell's children"


FILE_CHECKS = [
    "open and read", "fstat size", "lseek", "pread leaves the offset", "getdents64 lists . and .. and the corpus",
    "stat by path", "missing file is ENOENT", "creating in a missing directory is ENOENT",
    "reading a directory is EISDIR",
    "O_DIRECTORY on a file is ENOTDIR", "dup shares the offset", "dup3 onto a chosen number",
    "close twice is EBADF", "a child's lseek moves the parent's offset",
    "descriptor without O_CLOEXEC survives execve", "O_CLOEXEC descriptor closed by execve",
    "bad descriptor is EBADF",
]


def run_checks(board, mode, program, checks, smp=None):
    """Runs /bin/PROGRAM as init; each check prints "PROGRAM: CHECK ok" (or FAILED)."""
    with run_init(board, mode, program, smp) as k:
        for check in checks:
            k.expect(f"{program}: {re.escape(check)} (ok|FAILED)")
            assert k.child.match.group(1) == "ok", check
        expect_clean_end(k)


def test_descriptors_and_initramfs_files(board, mode):
    run_checks(board, mode, "files", FILE_CHECKS)


PIPE_CHECKS = [
    "data then end of file", "a reader waits for a late writer", "256 KiB through a 64 KiB pipe, in order",
    "a growing ring keeps its bytes in order",
    "a big write to a reader that waits",
    "empty non-blocking read is EAGAIN", "writer without readers dies of SIGPIPE",
    "F_GETPIPE_SZ bytes go in without a reader taking any",
    "F_SETPIPE_SZ to at most that keeps it, and a file is EBADF",
    "printf before fork into a pipe comes out twice",
]


def test_pipes_block_end_and_break(board, mode):
    run_checks(board, mode, "pipes", PIPE_CHECKS)


LINK_CHECKS = [
    "symlink and readlink", "readlink cuts at its size, without a NUL",
    "lstat: S_IFLNK, st_size the target's length", "stat follows to the file", "getdents64 says DT_LNK",
    "a link is followed to its file", "an absolute target from the root",
    "a relative target from the link's directory", "a link to a directory inside a path",
    "chdir through a link, getcwd the directory's own path", "a file through a trailing slash: ENOTDIR",
    "lstat of link/ follows it", "dangling: stat ENOENT, lstat the link",
    "O_CREAT through a dangling link makes its target", "O_CREAT|O_EXCL on a link: EEXIST",
    "an empty path: ENOENT", "O_NOFOLLOW on a link: ELOOP", "mkdir over a link: EEXIST",
    "rmdir of a link to a directory: ENOTDIR", "unlink of link/: ENOTDIR", "rename moves the link itself",
    "unlink removes the link, not its target", "faccessat2 with AT_SYMLINK_NOFOLLOW sees a dangling link",
    "utimensat with AT_SYMLINK_NOFOLLOW sets the link's times", "utimensat without it sets the target's",
    "chmod follows, the link keeps 0777", "lchown of a link and of a dangling one", "truncate follows",
    "a loop is ELOOP", "40 links are followed, the 41st is ELOOP",
    "symlink: empty target ENOENT, a name taken EEXIST, no directory ENOENT",
    "symlink: a target of PATH_MAX bytes ENAMETOOLONG, of PATH_MAX - 1 made",
    "symlink: bad pointers EFAULT, in /proc EACCES, with a trailing slash ENOENT",
    "readlink: of a file EINVAL, size 0 EINVAL, missing ENOENT, bad buffer EFAULT",
    "/dev/stdin, /dev/stdout, /dev/stderr and /dev/fd are links into /proc/self/fd",
    "stat /dev/stdin is fd 0's file, lstat the link", "writing /dev/stdout and /dev/fd/2 reaches fds 1 and 2",
    "a link of ours into /proc: readlink, and .. back out",
    "opening /dev/fd/N of a file: a new description at offset 0", "O_NOFOLLOW on /dev/stdin: ELOOP",
    "link: a second name of one file, st_nlink 2",
    "a write through one name reads through the other", "unlink drops one name: st_nlink 1, the data stays",
    "an open file whose names are all gone: st_nlink 0, still read", "AT_EMPTY_PATH of it: ENOENT",
    "its data goes with its last name and last close", "link of a directory: EPERM",
    "link: a name taken EEXIST, none to link ENOENT, no directory ENOENT, a trailing slash ENOENT",
    "link: of a /proc file or into /proc EXDEV, bad flags EINVAL, bad pointers EFAULT",
    "link of a symbolic link names the link; AT_SYMLINK_FOLLOW its target", "AT_EMPTY_PATH names an open file",
    "rename between two names of one file does nothing", "a FIFO's two names open one pipe",
    "a directory's st_nlink: 2 and its subdirectories", "the initramfs's applet links are one file",
    "/proc/self/exe of a program run by its link names the link", "a tree of links and files removed",
    "every node, description and byte back",
]


def test_symbolic_and_hard_links(board, mode):
    run_checks(board, mode, "links", LINK_CHECKS)


FIFO_CHECKS = [
    "mkfifo and mknod S_IFIFO: S_IFIFO, DT_FIFO, the umask taken off",
    "mknod S_IFREG, and no type, make empty files",
    "mknod: devices and directories EPERM, a bad type EINVAL, a name taken EEXIST",
    "mknod: no directory ENOENT, bad pointer EFAULT, in /proc EACCES", "a socket's name opens as ENXIO",
    "a reader's open waits for a writer, and reads what it wrote to the end", "a writer's open waits for a reader",
    "O_RDONLY|O_NONBLOCK opens at once, and reads 0 with no writer", "O_WRONLY|O_NONBLOCK with no reader: ENXIO",
    "O_WRONLY|O_NONBLOCK with a reader opens", "the last writer's close is the end of file",
    "O_RDWR never waits, and is both ends", "a write with no reader left: EPIPE", "and SIGPIPE, as a pipe's",
    "an open that waits, interrupted by a signal: EINTR", "and nothing of it is left",
    "with SA_RESTART the open goes on after the handler",
    "an unlinked FIFO's ends go on working, and open again through /proc",
    "poll of a reader: no POLLHUP before a writer came, POLLHUP after it went",
    "a pipe's read end opened for writing through /proc: a write end of the same pipe",
    "its end of file comes when both write ends are closed", "the directory and its FIFOs removed",
    "every node, description and byte back",
]


def test_named_pipes(board, mode):
    run_checks(board, mode, "fifo", FIFO_CHECKS)


RAMFS_CHECKS = [
    "create and write", "read back", "append", "exclusive create of an existing file is EEXIST", "truncate",
    "mkdir and a file inside", "rmdir of a non-empty directory is ENOTEMPTY", "rename", "rmdir",
    "unlink while open", "an unlinked open file still reads", "chdir and getcwd",
    "relative paths from the working directory", "copy a program into /tmp", "run a program written at run time",
    "unlink", "rmdir of the working directory", "no file made in a removed working directory",
    "no directory made in a removed working directory", "a new directory of that name is another",
]


def test_writable_tree(board, mode):
    run_checks(board, mode, "ramfs", RAMFS_CHECKS)


def test_fork_after_the_executable_was_unlinked(board, mode):
    with run_init(board, mode, "unlinked-exe") as k:
        k.expect("unlinked-exe: my file is gone")
        k.expect("unlinked-exe: the child of a deleted program runs")
        k.expect("unlinked-exe: the parent runs on, its child exited 0")
        expect_clean_end(k)


def type_and_expect(board, mode, program, steps):
    """Boots /bin/PROGRAM as pid 1; for each (wait for, then type, then expect) step drives the console."""
    with run_init(board, mode, program) as k:
        for prompt, keys, answer in steps:
            if prompt:
                k.expect(prompt)
            k.child.send(keys)
            k.expect(answer)
        expect_clean_end(k)


def test_console_input_echo_backspace_and_end_of_file(board, mode):
    type_and_expect(board, mode, "console-read", [
        ("console-read: type lines, \\^D ends", "hello\r", "hello\r*\n"),  # echoed as typed
        ("console-read: got \\[hello\\]", "abx\x7fc\r", "console-read: got \\[abc\\]"),
        (None, "\x04", "console-read: end of file \\(0\\)"),
    ])


def test_ctrl_c_interrupts_the_foreground(board, mode):
    type_and_expect(board, mode, "ctrl-c", [("ctrl-c: waiting for \\^C", "\x03", "ctrl-c: child killed by signal 2")])


MREMAP_CHECKS = [
    "grows in place into free pages", "without MREMAP_MAYMOVE, no room after it: ENOMEM",
    "MREMAP_MAYMOVE moves it with its bytes, zeroes after them", "the old address is gone",
    "shrinking keeps the start, unmaps the tail", "MREMAP_FIXED over another mapping, in a forked child",
    "copy-on-write survives the move: the parent's bytes unchanged",
    "the read-only target is replaced, writable as the source was", "unaligned old address: EINVAL",
    "MREMAP_FIXED without MREMAP_MAYMOVE: EINVAL", "overlapping MREMAP_FIXED target: EINVAL",
    "new size 0: EINVAL", "unknown flags: EINVAL", "nothing mapped there: EFAULT",
    "realloc grows a block to 5.25 MiB forty times, bytes kept",
]


def test_mremap_grows_moves_and_shrinks_mappings(board, mode):
    run_checks(board, mode, "mremap", MREMAP_CHECKS)


FILE_TIME_CHECKS = [
    "a new file's three times are now", "a write moves mtime and ctime, not atime",
    "a read changes nothing (noatime)", "ftruncate moves mtime", "chmod moves ctime only",
    "utimensat sets atime and mtime to the nanosecond", "ctime is now after it",
    "UTIME_OMIT keeps atime, UTIME_NOW sets mtime to now", "futimens on a descriptor",
    "utimensat with NULL times: both now", "a bad tv_nsec: EINVAL", "bad flags: EINVAL",
    "a missing file: ENOENT", "a bad pointer: EFAULT", "/proc: EPERM",
    "a new entry moves its directory's mtime", "rename moves both directories' mtime",
    "RENAME_NOREPLACE onto a name in use: EEXIST", "RENAME_NOREPLACE onto a free name works",
    "unlink moves the directory's mtime", "after settimeofday a year on, a new file is a year on",
]


def test_file_times_and_utimensat(board, mode):
    run_checks(board, mode, "file-times", FILE_TIME_CHECKS)


CPUTIME_CHECKS = [
    "a busy loop shows as user time", "system calls show as system time", "times() agrees with getrusage",
    "wait4's rusage has the child's time", "RUSAGE_CHILDREN has it after the wait", "and times' cutime",
    "a thread's own time: RUSAGE_THREAD and CLOCK_THREAD_CPUTIME_ID",
    "an ended thread's time stays its process's", "/proc/self/stat's utime and stime as times() says",
    "/proc/stat's cpu line counts this program's ticks",
    "/proc/N/stat's starttime: init first, then this program, then its child",
    "CLOCK_PROCESS_CPUTIME_ID advances with work, by ticks of 10 ms", "getrusage of an unknown who: EINVAL",
    "getrusage into a bad pointer: EFAULT",
]


def test_cpu_time_is_accounted(board, mode):
    run_checks(board, mode, "cputime", CPUTIME_CHECKS)
