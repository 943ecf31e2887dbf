"""What tools/bench, tools/compare and tools/linux-reference share: booting
a kage Image (or Linux) on QEMU virt under -icount shift=0,sleep=off (one
instruction per virtual nanosecond, and an idle hart's wait for its timer
skipped on the virtual clock instead of slept in host time, which would
move where later ticks land: so every count is the same on every run; and
the RTC at a fixed date on the virtual clock, so even the transcripts
are; and QEMU's randomness for the guest seeded), provenance for the
documents they write, and matplotlib set up for
files that do not change between runs."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = ["micro", "mono"]
# The works /bin/scaling times (user/scaling/main.c), in its order, as the scaling table names them.
SCALING_WORKS = [("spawn", "fork + exec + wait loops"), ("pipe", "pipe ping-pong pairs"),
                 ("solo", "one fork + exec + wait loop")]
MEMORY = "256M"


def qemu_line(kernel, initrd, append, icount=True):
    """The command line every benchmark boots with (tools/linux-reference boots Linux with it too)."""
    # "-seed 1": QEMU's randomness for the guest (the device tree's rng-seed, which
    # kage's and Linux's random generators start from) is the same on every boot;
    # without it the real workloads' counts move by a few hundred from boot to boot.
    return ["qemu-system-riscv64", "-M", "virt", "-smp", "1", "-m", MEMORY, "-nographic",
            "-bios", "default", "-no-reboot", "-rtc", "base=2026-01-01T00:00:00,clock=vm"] + \
        (["-icount", "shift=0,sleep=off", "-seed", "1"] if icount else []) + [
            "-kernel", kernel, "-initrd", initrd, "-append", append]


# The system Image's initramfs for the benchmarks: the usual one plus BusyBox's
# ash suite under /ash_test (the Makefile's ash-suite.cpio), one of the workloads.
BENCH_INITRAMFS = "ash-suite.cpio"


def qemu_command(mode, image, append, icount=True, initramfs="initramfs.cpio"):
    build = os.path.join("build", "qemu-virt", mode)
    return qemu_line(os.path.join(build, "Image") if image == "system" else os.path.join(build, image, "Image"),
                     os.path.join(build, initramfs), append, icount)


def run_command(tool, what, cmd, timeout, done=None):
    """One boot to its power-off: the console output. Fails unless `done` (if given) was printed."""
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, errors="replace",
                             timeout=timeout).stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        raise SystemExit(f"{tool}: the {what} run did not finish in {timeout} s:\n{out}")
    if done and done not in out:
        raise SystemExit(f"{tool}: the {what} run did not finish:\n{out}")
    return out


def run_qemu(tool, mode, image, append, timeout, done=None, initramfs="initramfs.cpio"):
    """One boot of a kage Image (qemu_command) to its power-off: the console output."""
    return run_command(tool, f"{mode} {image}", qemu_command(mode, image, append, initramfs=initramfs), timeout,
                       done)


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def kage_version():
    """VERSION and the last commit outside docs/ (the generated files live there, so rerunning changes nothing)."""
    with open(os.path.join(ROOT, "VERSION")) as f:
        version = f.read().strip()
    commit = git("log", "-1", "--format=%h", "--", ".", ":(exclude)docs")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs")
    if not commit:
        return version
    return f"{version}, source at commit {commit} (the last one outside docs/)" + (
        ", with uncommitted changes" if dirty else "")


def tool_version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown"


def pyplot():
    """matplotlib's pyplot, drawing to files only (Debian's python3-matplotlib: tools/install-deps bench)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_figure(plt, fig, path):
    # No software or date field: the same figures give the same bytes.
    fig.savefig(path, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
