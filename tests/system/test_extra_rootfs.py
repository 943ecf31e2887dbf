"""EXTRA_ROOTFS: a user's own directory tree lands in the initramfs, and its
programs and scripts run there (here a copy of /bin/show-args under /opt and
a #! script using it)."""
import os
import shutil
import subprocess

from kage import ROOT, Kage, build_dir, system_image


def make_initramfs(board, mode, extra):
    args = ["make", "-s", "-C", ROOT, f"BOARD={board}", f"MODE={mode}",
            os.path.join("build", board, mode, "initramfs.cpio"), f"EXTRA_ROOTFS={extra}"]
    subprocess.run(args, check=True, capture_output=True)


def test_extra_rootfs_is_copied_in(board, mode, tmp_path):
    opt = tmp_path / "opt" / "mine"
    opt.mkdir(parents=True)
    shutil.copy(os.path.join(build_dir(board, mode), "user", "tests", "show-args"), opt / "args")
    script = opt / "run"
    script.write_text("#!/opt/mine/args from-the-script\n")
    script.chmod(0o755)
    try:
        make_initramfs(board, mode, str(tmp_path))
        system = system_image(board, mode)
        with Kage(board, mode, kernel=system, append="rdinit=/opt/mine/run -- last") as k:
            k.expect('show-args: argv\\[0\\] = "/opt/mine/args"')
            k.expect('show-args: argv\\[1\\] = "from-the-script"')
            k.expect('show-args: argv\\[2\\] = "/opt/mine/run"')
            k.expect('show-args: argv\\[3\\] = "last"')
            k.expect("kage: init exited with status 4")
    finally:
        make_initramfs(board, mode, "")
