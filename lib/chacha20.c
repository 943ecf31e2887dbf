/*
 * ChaCha20's block function (RFC 8439, section 2.3): sixteen 32-bit
 * words (constants, key, counter, nonce), twenty rounds of quarter
 * rounds alternating over columns and diagonals, then the input added
 * back so the function cannot be run backwards.
 */
#include "lib/chacha20.h"

static uint32_t chacha20_load(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One quarter round on four of the sixteen words, kept in locals so they stay in registers. */
#define CHACHA20_ROTL(v, n) ((v) << (n) | (v) >> (32 - (n)))
#define CHACHA20_QR(a, b, c, d)                                     \
	do {                                                        \
		a += b, d ^= a, d = CHACHA20_ROTL(d, 16);           \
		c += d, b ^= c, b = CHACHA20_ROTL(b, 12);           \
		a += b, d ^= a, d = CHACHA20_ROTL(d, 8);            \
		c += d, b ^= c, b = CHACHA20_ROTL(b, 7);            \
	} while (0)

void chacha20_block(const uint8_t key[CHACHA20_KEY], uint32_t counter, const uint8_t nonce[CHACHA20_NONCE],
		    uint8_t out[CHACHA20_BLOCK])
{
	/* "expand 32-byte k", the RFC's constants. */
	uint32_t in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	uint32_t x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15;

	for (int i = 0; i < 8; i++)
		in[4 + i] = chacha20_load(key + 4 * i);
	in[12] = counter;
	for (int i = 0; i < 3; i++)
		in[13 + i] = chacha20_load(nonce + 4 * i);
	x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3], x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
	x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11], x12 = in[12], x13 = in[13], x14 = in[14], x15 = in[15];
	for (int round = 0; round < 10; round++) {
		/* columns, then diagonals */
		CHACHA20_QR(x0, x4, x8, x12);
		CHACHA20_QR(x1, x5, x9, x13);
		CHACHA20_QR(x2, x6, x10, x14);
		CHACHA20_QR(x3, x7, x11, x15);
		CHACHA20_QR(x0, x5, x10, x15);
		CHACHA20_QR(x1, x6, x11, x12);
		CHACHA20_QR(x2, x7, x8, x13);
		CHACHA20_QR(x3, x4, x9, x14);
	}
	in[0] += x0, in[1] += x1, in[2] += x2, in[3] += x3, in[4] += x4, in[5] += x5, in[6] += x6, in[7] += x7;
	in[8] += x8, in[9] += x9, in[10] += x10, in[11] += x11, in[12] += x12, in[13] += x13, in[14] += x14;
	in[15] += x15;
	for (int i = 0; i < 16; i++) {
		out[4 * i] = (uint8_t)in[i], out[4 * i + 1] = (uint8_t)(in[i] >> 8);
		out[4 * i + 2] = (uint8_t)(in[i] >> 16), out[4 * i + 3] = (uint8_t)(in[i] >> 24);
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
