"""Programs from Debian's source packages on kage (docs/apps.md): Lua's io
and os libraries, the sqlite3 shell on a file database with its locking,
and SQLite's own benchmark, speedtest1, whose verification hash must be
the one Linux prints for the same SQLite (docs/sqlite-tests.md). Each runs
as pid 1 from tests/data/apps; none may meet a call kage does not have.

Linux's side of the Lua script: compile build/apps/lua/src/src/*.c (but
luac.c) for the build machine with -DLUA_USE_POSIX and a
lua5.4-deb-multiarch.h defining DEB_HOST_MULTIARCH, and run the script with
HOME=/ from /: it prints the lines test_lua_files_clock_and_processes
expects. SQLite's: tools/apps/sqlite3-linux-reference."""
import os
import re

import pytest

from kage import ROOT, Kage, system_image
from test_busybox import expect_clean_end, program_lines

SQLITE_DOC = os.path.join(ROOT, "docs", "sqlite-tests.md")


def run_app(board, mode, script, mem=None):
    """Boots with pid 1 running /tests/apps/SCRIPT, or a command line starting with / as it is."""
    init = script if script.startswith("/") else f"/tests/apps/{script}"
    return Kage(board, mode, mem=mem, kernel=system_image(board, mode), append=f"rdinit={init}")


def no_missing_calls(k):
    assert "is not implemented" not in k.output(), k.output()[-3000:]


@pytest.mark.parametrize("lua", ["lua", "lua-dynamic"])
def test_lua_files_clock_and_processes(board, mode, lua):
    """The static interpreter runs the script by its #! line, the dynamic one (glibc's loader) by name."""
    script = "lua-io-os" if lua == "lua" else "/usr/bin/lua-dynamic -- /tests/apps/lua-io-os"
    with run_app(board, mode, script) as k:
        assert program_lines(k, "start", "end") == [
            "start", "Lua 5.4", "lines 3 first line|42|appended", "read first 5 23",
            "rename true", "remove true", "gone nil /tmp/lua-io-test.2: No such file or directory",
            "time after 2025 true", "date 1971-01-01 00:00:00", "fields true", "clock true",
            "execute\tnil\texit\t3", "execute\ttrue\texit\t0", "popen works / two", "close\ttrue\texit\t0",
            "wc 12", "HOME /", "tmpname true", "end",
        ]
        no_missing_calls(k)
        expect_clean_end(k)


def test_sqlite3_shell_keeps_a_database_and_locks_a_second_writer_out(board, mode):
    with run_app(board, mode, "sqlite-shell") as k:
        assert program_lines(k, "start", "end") == [
            "start", "created 0", "3|6|one,two,three",
            "n  name ", "-  -----", "2  TWO  ", "3  THREE",
            "Error: stepping, database is locked (5)", "second writer while the lock is held: 5", "3",
            "holder committed", "second writer after the commit: 0", "1,2,3,4,5", "ok", "/tmp/kage.db", "end",
        ]
        no_missing_calls(k)
        expect_clean_end(k)


def linux_hash():
    with open(SQLITE_DOC) as f:
        m = re.search(r"^Linux's verification hash: `([0-9a-f ]+)`", f.read(), re.M)
    assert m, "docs/sqlite-tests.md records Linux's hash"
    return m.group(1)


def test_speedtest1_verifies_as_on_linux(board, mode):
    with run_app(board, mode, "speedtest") as k:
        k.expect(r"Verification Hash: ([0-9]+ [0-9a-f]+)\s", timeout=300)
        got = k.child.match.group(1)
        k.expect("status 0")
        assert got == linux_hash(), f"kage {got}, Linux {linux_hash()}"
        no_missing_calls(k)
        expect_clean_end(k)
