"""Address-space layout randomisation and random bytes (user/tests/aslr.c,
user/dyn/dyn-aslr.c): over twelve execve of a PIE with glibc's dynamic
loader, its code, stack, mappings, heap, libc and loader each move in at
least 15 bits (so a layout that throws random bits away fails, not just
one that repeats), unless "norandmaps" or personality(ADDR_NO_RANDOMIZE)
turns that off and none moves; AT_RANDOM and getrandom differ every time
either way."""
from kage import Kage, system_image
from test_linux import expect_clean_end


def run_aslr(board, mode, append):
    return Kage(board, mode, kernel=system_image(board, mode), append=f"{append}rdinit=/bin/aslr")


def test_each_exec_moves_everything_unless_told_not_to(board, mode):
    with run_aslr(board, mode, "") as k:
        k.expect("aslr: randomize_va_space 2")
        k.expect("aslr: default: 6 of 6 addresses random, 0 fixed, random bytes differ")
        k.expect("aslr: ADDR_NO_RANDOMIZE: 0 of 6 addresses random, 6 fixed, random bytes differ")
        k.expect("aslr: ok")
        expect_clean_end(k)


def test_norandmaps_keeps_every_address(board, mode):
    with run_aslr(board, mode, "norandmaps ") as k:
        k.expect("aslr: randomize_va_space 0")
        k.expect("aslr: default: 0 of 6 addresses random, 6 fixed, random bytes differ")
        k.expect("aslr: ok")
        expect_clean_end(k)


def test_two_boots_draw_different_random_bytes(board, mode):
    lines = []
    for _ in range(2):
        with Kage(board, mode, kernel=system_image(board, mode), append="rdinit=/bin/dyn-aslr") as k:
            lines.append(k.expect(r"main=\S+ .* random=(\w+) getrandom=(\w+)\r*\n").groups())
            expect_clean_end(k)
    assert lines[0][0] != lines[1][0] and lines[0][1] != lines[1][1]
