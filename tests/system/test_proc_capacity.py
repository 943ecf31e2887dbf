"""The process server's capacity and limits (user/tests/proc-capacity.c):
processes, threads and zombies far past the old fixed tables, every exit
status collected, /proc listing them all, RLIMIT_NPROC, RLIMIT_AS,
RLIMIT_DATA and RLIMIT_NOFILE enforced, prlimit64's refusals as Linux's,
pids wrapping past pid_max to 300 around one still in use, and the
server's object counts back at their baseline at the end."""
import re

from kage import Kage, system_image
from test_linux import expect_clean_end


def floors():
    """What the run must reach: a thousand processes (256 MiB allows some two
    thousand), a thousand threads, 500 zombies."""
    return 1000, 1000, 500


def test_capacity_and_limits(board, mode):
    procs, threads, zombies = floors()
    with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/bin/proc-capacity") as k:
        m = k.expect(r"proc-capacity: threads-max (\d+) pid_max (\d+) RLIMIT_NPROC (\d+)/(\d+)\r*\n")
        threads_max = int(m.group(1))
        assert threads_max >= 1000 and int(m.group(2)) == 32768 and int(m.group(3)) == threads_max // 2
        k.expect(r"proc-capacity: RLIMIT_NPROC \d+: 5 forks, then Resource temporarily unavailable")
        for rnd in ("first round", "second round"):
            m = k.expect(rf"proc-capacity: {rnd}: (\d+) processes alive at once, then fork: ([^;]+); "
                         r"/proc listed (\d+), the server (\d+); (\d+) statuses wrong")
            n = int(m.group(1))
            assert n >= procs, m.group(0)
            assert m.group(2) in ("Resource temporarily unavailable", "Cannot allocate memory"), m.group(0)
            assert int(m.group(3)) > n and int(m.group(4)) > n and m.group(5) == "0", m.group(0)
        m = k.expect(r"proc-capacity: (\d+) threads in one process \(the server counted (\d+)\), (\d+) joined")
        assert int(m.group(1)) >= threads and m.group(3) == m.group(1), m.group(0)
        m = k.expect(r"proc-capacity: (\d+) zombies at once \(the server counted (\d+)\), (\d+) statuses wrong")
        assert int(m.group(1)) >= zombies and m.group(2) == m.group(1) and m.group(3) == "0", m.group(0)
        k.expect(r"proc-capacity: RLIMIT_AS and RLIMIT_DATA: 0 wrong")
        nofile = k.expect(r"proc-capacity: RLIMIT_NOFILE 16: ([^\r\n]+)\r*\n").group(1)
        assert nofile == "EMFILE at 16"
        k.expect("proc-capacity: prlimit64 refusals as Linux's")
        m = k.expect(r"proc-capacity: pids wrapped to (\d+) after \d+ forks; "
                     r"the pid in use \(\d+\) (was skipped|was handed out again)", timeout=300)
        assert m.group(1) == "300" and m.group(2) == "was skipped", m.group(0)
        m = k.expect(r"proc-capacity: objects after: processes (\d+)/(\d+) threads (\d+)/(\d+) "
                     r"heap allocations (\d+)/(\d+)\r*\n")
        assert m.group(1) == m.group(2) and m.group(3) == m.group(4) and m.group(5) == m.group(6), m.group(0)
        expect_clean_end(k)
