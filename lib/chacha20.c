/*
 * ChaCha20's block function (RFC 8439, section 2.3): sixteen 32-bit
 * words (constants, key, counter, nonce), twenty rounds of quarter
 * rounds alternating over columns and diagonals, then the input added
 * back so the function cannot be run backwards.
 */
#include "lib/chacha20.h"

static uint32_t chacha20_rotl(uint32_t v, int n)
{
	return v << n | v >> (32 - n);
}

static uint32_t chacha20_load(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void chacha20_quarter(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b], x[d] = chacha20_rotl(x[d] ^ x[a], 16);
	x[c] += x[d], x[b] = chacha20_rotl(x[b] ^ x[c], 12);
	x[a] += x[b], x[d] = chacha20_rotl(x[d] ^ x[a], 8);
	x[c] += x[d], x[b] = chacha20_rotl(x[b] ^ x[c], 7);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY], uint32_t counter, const uint8_t nonce[CHACHA20_NONCE],
		    uint8_t out[CHACHA20_BLOCK])
{
	/* "expand 32-byte k", the RFC's constants. */
	uint32_t in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 }, x[16];

	for (int i = 0; i < 8; i++)
		in[4 + i] = chacha20_load(key + 4 * i);
	in[12] = counter;
	for (int i = 0; i < 3; i++)
		in[13 + i] = chacha20_load(nonce + 4 * i);
	for (int i = 0; i < 16; i++)
		x[i] = in[i];
	for (int round = 0; round < 10; round++) {
		chacha20_quarter(x, 0, 4, 8, 12), chacha20_quarter(x, 1, 5, 9, 13);
		chacha20_quarter(x, 2, 6, 10, 14), chacha20_quarter(x, 3, 7, 11, 15);
		chacha20_quarter(x, 0, 5, 10, 15), chacha20_quarter(x, 1, 6, 11, 12);
		chacha20_quarter(x, 2, 7, 8, 13), chacha20_quarter(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i];

		out[4 * i] = (uint8_t)v, out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16), out[4 * i + 3] = (uint8_t)(v >> 24);
	}
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY], uint32_t counter, const uint8_t nonce[CHACHA20_NONCE],
		  uint8_t *buf, uint64_t len)
{
	uint8_t ks[CHACHA20_BLOCK];

	for (uint64_t off = 0; off < len; off += CHACHA20_BLOCK, counter++) {
		uint64_t n = len - off < CHACHA20_BLOCK ? len - off : CHACHA20_BLOCK;

		chacha20_block(key, counter, nonce, ks);
		for (uint64_t i = 0; i < n; i++)
			buf[off + i] ^= ks[i];
	}
}
