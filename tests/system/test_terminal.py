"""The console as a terminal (termios, process groups, poll on the console)
and poll/select on pipes, with static glibc programs as pid 1."""
from test_linux import expect_clean_end, run_checks, run_init

POLL_CHECKS = [
    "an empty pipe is not readable, its write end is writable", "data makes the read end readable",
    "POLLHUP once the writer has closed", "POLLERR on a write end without readers",
    "POLLNVAL for a closed descriptor, a negative one is skipped", "a poll of an empty pipe times out",
    "the timeout lasted about its time", "a waiting poll wakes for a late writer",
    "it woke when the data came, not at its timeout",
    "a waiting poll wakes with POLLHUP when the last writer closes", "a regular file is always ready",
    "select: the write end is ready, the empty read end is not",
    "select times out with its sets cleared and its time used up", "select waits for a late writer",
    "select on a closed descriptor is EBADF", "a reader killed while waiting takes nothing from the pipe",
    "a poller killed while waiting leaves the pipe to others",
]


def test_poll_and_select_on_pipes(board, mode):
    run_checks(board, mode, "poll", POLL_CHECKS)


def expect_ok(k, check):
    k.expect(f"terminal: {check} (ok|FAILED)")
    assert k.child.match.group(1) == "ok", check


def test_termios_process_groups_and_console_poll(board, mode):
    with run_init(board, mode, "terminal") as k:
        for check in ["the console is a terminal", "defaults are a serial console's",
                      "no foreground group at first \\(ENOTTY\\)", "without a controlling terminal /dev/tty is ENXIO",
                      "TIOCSPGRP then TIOCGPGRP gives the group back", "then /dev/tty is the console",
                      "a pipe is no terminal", "an idle console is writable, not readable"]:
            expect_ok(k, check)
        # poll wakes when a line is typed
        k.expect("terminal: poll: type a line")
        k.child.send("ping\r")
        expect_ok(k, "poll saw \\[ping\\]")
        # raw mode: one key, no Enter, no echo
        expect_ok(k, "a raw read with VMIN 0 returns at once")
        expect_ok(k, "a non-blocking read of an empty console is EAGAIN")
        k.expect("terminal: raw: press a key\r*\n")
        k.child.send("x")
        k.expect("terminal: raw read \\[x\\]")
        assert "x" not in k.child.before, f"the key was echoed in raw mode: {k.child.before!r}"
        # canonical again: editing and echo are back
        k.expect("terminal: canonical: type a line\r*\n")
        k.child.send("ab\x7fc\r")
        k.expect("ab\b \bc\r*\n")
        k.expect("terminal: canonical read \\[ac\\]")
        # echo off, still canonical
        k.expect("terminal: no echo: type a line\r*\n")
        k.child.send("secret\r")
        k.expect("terminal: unechoed read \\[secret\\]")
        assert "secret" not in k.child.before, f"the line was echoed: {k.child.before!r}"
        # a console reader killed while it waits leaves the next line to the next reader
        k.expect("terminal: orphaned: type a line\r*\n")
        k.child.send("left\r")
        expect_ok(k, "the line after a killed reader is \\[left\\]")
        expect_clean_end(k)


def test_console_under_load(board, mode):
    """Readers wait together, writes never interleave, and ^C cuts a long write short: killing the
    writer, or caught, ending its write with the count of what went out."""
    with run_init(board, mode, "console-load") as k:
        seen = set()
        for _ in range(4):  # the parent's line and the readers' come in any order
            k.expect(r"console-load: (reader \d waits|3 readers: type 3 lines)")
            seen.add(k.child.match.group(1))
        assert len(seen) == 4, seen
        for line in ["one", "two", "three"]:
            k.child.send(line + "\r")
        got = set()
        for _ in range(3):
            k.expect(r"console-load: a reader got \[(\w*)\]")
            got.add(k.child.match.group(1))
        assert got == {"one", "two", "three"}, got
        k.expect("console-load: readers done, 0 failed")
        k.expect("console-load: writers done, 0 failed")
        solid = k.child.before
        assert "A" * 8192 in solid and "B" * 8192 in solid, "two writes were interleaved"
        k.expect("console-load: writev of 1024 vectors wrote 1024")
        k.expect("console-load: writev of 1025 vectors: Invalid argument")
        k.expect("console-load: flood: press \\^C")
        k.expect("x" * 63)
        k.child.send("\x03")
        k.expect("console-load: flood child killed by signal 2", timeout=120)
        flooded = k.child.before.count("x")
        assert flooded < 2 * 1024 * 1024 * 63 // 64, f"the whole write went out before ^C: {flooded} bytes"
        k.expect("console-load: caught flood: press \\^C")
        k.expect("x" * 63)
        k.child.send("\x03")
        k.expect("console-load: caught flood: (\\w+) write, handler (ran|did not run)", timeout=120)
        assert k.child.match.groups() == ("short", "ran"), "a caught ^C waited for the whole write"
        k.expect("console-load: done")
        expect_clean_end(k)
