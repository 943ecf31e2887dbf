"""The file server's capacity (user/tests/fs-capacity.c): every limit it once
had (62 written files, 16 MiB a file, 2,048 nodes, 32 pipes, 256 open file
descriptions, 128 polls, one waiting reader a pipe, 255-byte paths) pushed
far past, with the data checked and the server's objects counted back to
where they were after each part."""
from kage import Kage, system_image
from test_linux import expect_clean_end

CAPACITY_CHECKS = [
    "10,000 files made in one directory", "each of them reads back what was written",
    "getdents lists each of them once", "a lookup among them finds one and misses another",
    "all 10,000 removed, and the directory", "the server's objects are back after the files",
    "descriptors up to RLIMIT_NOFILE, then EMFILE, EBADF and EINVAL as Linux says, and nothing made",
    "the server's objects are back after the descriptors",
    "a 64 MiB file written", "the 64 MiB file reads back, every word", "the 64 MiB file maps, every word",
    "the 64 MiB file removed", "the server's objects are back after the big file",
    "a page written past a hole of 1 GiB", "the hole reads as zeros, the page as written",
    "truncated to the hole, the page goes", "the sparse file removed",
    "the server's objects are back after the sparse file",
    "2,250 pipes at once, each holding its data", "each pipe gives back what went in",
    "the server's objects are back after the pipes",
    "at least 100 polls wait at once", "one byte wakes every one of them with POLLIN",
    "the server's objects are back after the polls",
    "100 readers wait on one pipe at once", "each reader gets one byte, in the order they came",
    "the server's objects are back after the readers",
    "readers interrupted while waiting take no byte from the others",
    "the server's objects are back after the interrupted readers",
    "a process killed with 20 threads waiting leaves no waiter and takes no byte",
    "the server's objects are back after the killed process",
    "a file at a path of 4,000 bytes", "chdir there, and getcwd says the path",
    "a path of 4,096 bytes is ENAMETOOLONG", "a name of 256 bytes is ENAMETOOLONG", "the deep tree removed",
    "the server's objects are back after the long path",
    "memory filled by one file: a short count, then ENOSPC",
    "with memory full, new files, pipes and directories are refused cleanly",
    "the memory came back, and a second round ends where the first did",
    "the server's objects are back after memory ran out", "every object of the run is gone",
]


def test_file_server_capacity_is_memory_not_tables(board, mode):
    with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/bin/fs-capacity") as k:
        for check in CAPACITY_CHECKS:
            k.expect(f"fs-capacity: {check} (ok|FAILED)", timeout=120)
            assert k.child.match.group(1) == "ok", check
        expect_clean_end(k)
