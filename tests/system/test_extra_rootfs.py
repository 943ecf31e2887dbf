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


def newc(entries):
    """A newc cpio archive of (name, mode, data) entries, as `cpio -o -H newc` writes one."""
    out = bytearray()
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], 1):
        fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
        out += b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"
        out += b"\0" * (-len(out) % 4) + data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def test_initramfs_names_as_cpio_writes_them(board, mode, tmp_path):
    """`find . | cpio -o -H newc`, the usual way to make an initramfs, starts with an entry
    named "."; other tools write "./x", "/x" or "dir/". Each names what it does on Linux: "." and
    "dir/" a directory already there, and a file named like a directory is left out, said so."""
    with open(os.path.join(build_dir(board, mode), "user", "tests", "show-args"), "rb") as f:
        program = f.read()
    archive = tmp_path / "names.cpio"
    archive.write_bytes(newc([
        (".", 0o40755, b""),
        ("./bin", 0o40755, b""),
        ("bin/", 0o40755, b""),
        ("/bin/args", 0o100755, program),
        ("dev/", 0o40755, b""),
        ("not-a-dir/", 0o100644, b"data"),
    ]))
    with Kage(board, mode, kernel=system_image(board, mode), initrd=str(archive),
              append="rdinit=/bin/args -- named") as k:
        k.expect('kage: fs: initramfs entry "not-a-dir/" left out: a directory\'s name for a file')
        k.expect('show-args: argv\\[0\\] = "/bin/args"')
        k.expect('show-args: argv\\[1\\] = "named"')
        k.expect("kage: init exited with status 2")
