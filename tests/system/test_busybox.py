"""BusyBox on kage: Debian's BusyBox source, built static with kage's
configuration (user/busybox/config), is /bin/busybox in the initramfs with
a hard link per applet in /bin. Each test runs it as pid 1."""
import os
import re

from kage import Kage, build_dir, expect_objects_back, system_image

APPLET_LINKS = ["sh", "ls", "cat", "echo", "seq", "sort", "wc", "awk", "sed", "grep", "vi"]


def run_init(board, mode, append):
    return Kage(board, mode, kernel=system_image(board, mode), append=append)


def program_lines(k, first, last):
    """pid 1's console lines from `first` to `last`, without kage's own notes."""
    k.expect(r"kage: init exited with status 0")
    lines = [line.rstrip("\r") for line in k.output().split("\n")]
    lines = [line for line in lines if not line.startswith("kage: ")]
    assert first in lines and last in lines, k.output()
    return lines[lines.index(first):lines.index(last) + 1]


def expect_clean_end(k):
    expect_objects_back(k)
    m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
    assert m.group(1) == m.group(2), "frames leaked"
    assert "panic" not in k.output()
    assert k.wait_exit() == 0


def test_initramfs_has_busybox_and_applet_links(board, mode):
    with open(os.path.join(build_dir(board, mode), "initramfs.cpio"), "rb") as f:
        archive = f.read()
    names = set(re.findall(rb"070701[0-9A-F]{104}([^\0]+)\0", archive))
    for applet in ["busybox"] + APPLET_LINKS:
        assert b"bin/" + applet.encode() in names, applet


def test_busybox_runs_the_applet_its_argument_names(board, mode):
    with run_init(board, mode, "rdinit=/bin/busybox -- echo hello from busybox") as k:
        assert program_lines(k, "hello from busybox", "hello from busybox")
        expect_clean_end(k)


def test_applet_link_runs_the_applet_of_its_name(board, mode):
    with run_init(board, mode, "rdinit=/bin/seq -- 2 3 11") as k:
        assert program_lines(k, "2", "11") == ["2", "5", "8", "11"]
        expect_clean_end(k)


def test_ash_pipelines_redirections_and_substitution(board, mode):
    with run_init(board, mode, "rdinit=/tests/busybox/pipes") as k:
        assert program_lines(k, "start", "end") == [
            "start", "2",
            "bin", "dev", "etc", "init", "lib", "proc", "root", "tests", "tmp", "usr", "10",
            "5", "4",
            "      1 a", "      2 b", "      1 c",
            "HELLO kage", "two 3", "y", "sum 55",
            "fa5ac622bb9f306948f091fb03ae912b  /tests/scripts/one-arg",
            "one program, two names", "42", "w3", "kage", "kage", "root",
            "end",
        ]
        expect_clean_end(k)


def test_board_shell_applets_see_the_system(board, mode):
    """df (statfs), dmesg (syslog), date (the wall clock), free, uptime, stat,
    fsync, flock, hexdump, pidof, pgrep, pkill and mount on what kage has;
    time, ps -l and top with CPU times, /proc/stat, /proc/cpuinfo, nproc."""
    with run_init(board, mode, "rdinit=/tests/busybox/board-shell") as k:
        assert program_lines(k, "start", "end") == [
            "start", "df ok", "1", "date ok", "free ok", "1", "5", "fsync ok", "flock ok", "flock -n ok",
            "00000000  64 61 74 61 0a                                    |data.|",
            "1", "1", "killed 143", "1",
            "time ok", "stat ok", "ps ok", "1", "proc stat ok", str(k.harts), "mmu\t\t: sv39", str(k.harts), "end",
        ]
        expect_clean_end(k)


def test_links_with_busybox_applets(board, mode):
    """ln -s, readlink, ls -l and rm of a link; /dev/stdin reading a pipe; mkfifo and a FIFO's two ends; ln of a hard link."""
    with run_init(board, mode, "rdinit=/tests/busybox/links") as k:
        assert program_lines(k, "start", "end") == [
            "start", "target", "lrwxrwxrwx link -> target", "hi", "/tmp/target",
            "/dev/stdin -> /proc/self/fd/0", "piped",
            "ls: link: No such file or directory", "target",
            "prw-r--r--", "through the fifo", "2", "one file", "hi", "applets are links",
            "end",
        ]
        expect_clean_end(k)
