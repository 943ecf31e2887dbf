/*
 * ChaCha20 against RFC 8439's test vectors (the block function of 2.3.2,
 * the encryption of 2.4.2, the first key stream of appendix A.1), and the
 * generator built on it: the same stirrings give the same bytes,
 * different ones different bytes, and no two requests repeat.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/chacha20.h"
#include "lib/random.h"
#include "lib/string.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];

			v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
		}
		out[i] = (uint8_t)v;
	}
}

static void key_0_to_31(uint8_t key[CHACHA20_KEY])
{
	for (int i = 0; i < CHACHA20_KEY; i++)
		key[i] = (uint8_t)i;
}

static void test_rfc8439_block_function(void **state)
{
	uint8_t key[CHACHA20_KEY], nonce[CHACHA20_NONCE], out[CHACHA20_BLOCK], want[CHACHA20_BLOCK];

	(void)state;
	key_0_to_31(key);
	hex("000000090000004a00000000", nonce, sizeof(nonce));
	hex("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	    "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e", want, sizeof(want));
	chacha20_block(key, 1, nonce, out);
	assert_memory_equal(out, want, sizeof(want));
}

static void test_rfc8439_encrypts_the_sunscreen_text(void **state)
{
	static const char text[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
				   "for the future, sunscreen would be it.";
	uint8_t key[CHACHA20_KEY], nonce[CHACHA20_NONCE], buf[sizeof(text) - 1], want[sizeof(text) - 1];

	(void)state;
	key_0_to_31(key);
	hex("000000000000004a00000000", nonce, sizeof(nonce));
	hex("6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
	    "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
	    "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
	    "5af90bbf74a35be6b40b8eedf2785e42874d", want, sizeof(want));
	memcpy(buf, text, sizeof(buf));
	chacha20_xor(key, 1, nonce, buf, sizeof(buf));
	assert_memory_equal(buf, want, sizeof(want));
	chacha20_xor(key, 1, nonce, buf, sizeof(buf));
	assert_memory_equal(buf, text, sizeof(buf));
}

static void test_rfc8439_zero_key_stream(void **state)
{
	uint8_t key[CHACHA20_KEY] = { 0 }, nonce[CHACHA20_NONCE] = { 0 }, out[CHACHA20_BLOCK], want[CHACHA20_BLOCK];

	(void)state;
	hex("76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586", want, sizeof(want));
	chacha20_block(key, 0, nonce, out);
	assert_memory_equal(out, want, sizeof(want));
}

static void seeded(struct random *r, const char *seed)
{
	random_init(r);
	random_stir(r, seed, strlen(seed));
}

static void test_same_seed_same_bytes_other_seed_other_bytes(void **state)
{
	struct random a, b, c;
	uint8_t x[100], y[100], z[100];

	(void)state;
	seeded(&a, "a seed from the device tree, longer than one key");
	seeded(&b, "a seed from the device tree, longer than one key");
	seeded(&c, "a seed from the device tree, longer than one kez");
	random_bytes(&a, x, sizeof(x));
	random_bytes(&b, y, sizeof(y));
	random_bytes(&c, z, sizeof(z));
	assert_memory_equal(x, y, sizeof(x));
	assert_memory_not_equal(x, z, sizeof(x));
}

static void test_requests_never_repeat_and_stirring_changes_the_stream(void **state)
{
	struct random a, b;
	uint8_t x[16], y[16], z[16];

	(void)state;
	seeded(&a, "seed");
	seeded(&b, "seed");
	random_bytes(&a, x, sizeof(x));
	random_bytes(&a, y, sizeof(y));
	assert_memory_not_equal(x, y, sizeof(x));
	random_stir(&b, "jitter", 6);
	random_bytes(&b, z, sizeof(z));
	assert_memory_not_equal(x, z, sizeof(x));
}

static void test_output_is_not_the_key_stream_of_the_kept_key(void **state)
{
	struct random r;
	uint8_t out[CHACHA20_BLOCK], again[CHACHA20_BLOCK], nonce[CHACHA20_NONCE] = { 0 };

	(void)state;
	seeded(&r, "seed");
	random_bytes(&r, out, sizeof(out));
	for (uint32_t n = 0; n < 4; n++) {
		chacha20_block(r.key, n, nonce, again);
		assert_memory_not_equal(out, again, sizeof(out));
	}
}

static void test_zero_and_odd_lengths(void **state)
{
	struct random r;
	uint8_t buf[200] = { 0 };

	(void)state;
	seeded(&r, "seed");
	random_bytes(&r, buf, 0);
	random_bytes(&r, buf + 1, 131);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[132], 0);
	random_stir(&r, "", 0);
}

/* A request larger than a batch gets a stream of its own: no 64-byte block of it repeats, nor the batch's. */
static void test_large_requests_do_not_repeat(void **state)
{
	static uint8_t big[8 * RANDOM_BATCH], small[RANDOM_BATCH];
	struct random r;

	(void)state;
	seeded(&r, "seed");
	random_bytes(&r, small, sizeof(small));
	random_bytes(&r, big, sizeof(big));
	for (size_t i = 0; i + CHACHA20_BLOCK <= sizeof(big); i += CHACHA20_BLOCK) {
		for (size_t j = i + CHACHA20_BLOCK; j + CHACHA20_BLOCK <= sizeof(big); j += CHACHA20_BLOCK)
			assert_memory_not_equal(big + i, big + j, CHACHA20_BLOCK);
		assert_memory_not_equal(big + i, small, CHACHA20_BLOCK);
	}
	assert_int_equal(r.avail, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8439_block_function),
		cmocka_unit_test(test_rfc8439_encrypts_the_sunscreen_text),
		cmocka_unit_test(test_rfc8439_zero_key_stream),
		cmocka_unit_test(test_same_seed_same_bytes_other_seed_other_bytes),
		cmocka_unit_test(test_requests_never_repeat_and_stirring_changes_the_stream),
		cmocka_unit_test(test_output_is_not_the_key_stream_of_the_kept_key),
		cmocka_unit_test(test_zero_and_odd_lengths),
		cmocka_unit_test(test_large_requests_do_not_repeat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
