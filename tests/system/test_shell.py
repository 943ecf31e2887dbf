"""The shell `make run` ends at: /init starts BusyBox's ash as the login shell,
with the console as its controlling terminal, so it has job control. One
scripted session per board and mode drives it as a user would."""
import re

import pexpect

from kage import Kage, expect_objects_back, system_image

PROMPT = r"~ # |/[^\r\n]* # "


class Shell:
    def __init__(self, k):
        self.k = k
        k.expect("built-in shell \\(ash\\)")
        k.expect(PROMPT)

    def run(self, line, timeout=30):
        """Types a line; returns what the shell printed before its next prompt."""
        self.k.child.sendline(line)
        self.k.expect(re.escape(line) + r"\r*\n", timeout)
        self.k.expect(PROMPT, timeout)
        return self.k.child.before.replace("\r", "")

    def keys_after(self, line, keys, wait_for=None):
        """Types a line, then (once wait_for shows, or shortly after) the control keys."""
        self.k.child.sendline(line)
        self.k.expect(re.escape(line) + r"\r*\n")
        if wait_for:
            self.k.expect(wait_for)
        else:
            try:
                self.k.child.expect(PROMPT, timeout=1)
                raise AssertionError(f"{line!r} ended before the keys were typed")
            except pexpect.TIMEOUT:
                pass
        self.k.child.send(keys)
        self.k.expect(PROMPT)
        return self.k.child.before.replace("\r", "")


def test_ash_session(board, mode):
    with Kage(board, mode, kernel=system_image(board, mode)) as k:
        sh = Shell(k)
        assert sh.run("echo a b c | wc -w").strip() == "3"
        sh.run("echo kage > /note; echo more >> /note")
        assert sh.run("cat /note").split() == ["kage", "more"]
        assert sh.run("false; echo status=$?").strip() == "status=1"
        assert sh.run("echo gone > /dev/null; cat /dev/null; echo null=$?").strip() == "null=0"
        assert sh.run("sort -r /note | head -n 1").strip() == "more"
        out = sh.run("sleep 1 & echo started; wait; echo waited")
        assert "started" in out and "waited" in out
        assert sh.run("(cd /bin; pwd); pwd").split() == ["/bin", "/"]
        out = sh.keys_after("sleep 100", "\x03")
        assert sh.run("echo status=$?").strip() == "status=130", out
        out = sh.keys_after("sleep 100", "\x1a")
        assert "Stopped" in out, out
        assert "Stopped" in sh.run("jobs")
        sh.run("kill -CONT %1; kill -9 %1; wait")
        assert sh.run("jobs").strip() == ""
        out = sh.run("sleep 100 & kill -9 $!; wait $!; echo status=$?")
        assert "status=137" in out, out
        out = sh.run("ps")
        # BusyBox's ps (without CONFIG_DESKTOP): PID USER VSZ STAT COMMAND, from /proc.
        assert re.search(r"^ +1 +root +\d+ +S +/init$", out, re.M), out
        assert re.search(r"^ +\d+ +root +\d+ +R +ps$", out, re.M), out
        k.child.sendline("exec sh -c 'echo replaced; exit 4'")
        k.expect("replaced")
        expect_objects_back(k)
        k.expect("kage: init exited with status 4")
        m = k.expect(r"kage: frames free=(\d+) after the root task \(before: (\d+)\)")
        assert m.group(1) == m.group(2), "frames leaked"
