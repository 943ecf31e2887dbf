/*
 * The generator's two steps. Stirring absorbs 32 bytes at a time: the
 * chunk is added to the key by XOR, then the key becomes the first half
 * of a ChaCha20 block under itself, so every input bit reaches every key
 * bit. A request uses its own nonce (the request count), takes block 0's
 * first half as the next key and gives blocks 1, 2, ... as output.
 */
#include "lib/random.h"
#include "lib/string.h"

/* The nonce a step uses: its kind in the first word, the request count after it. */
#define RANDOM_STIR 1u
#define RANDOM_DRAW 2u

static void random_nonce(uint8_t nonce[CHACHA20_NONCE], uint32_t kind, uint64_t n)
{
	for (int i = 0; i < 4; i++)
		nonce[i] = (uint8_t)(kind >> (8 * i));
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(n >> (8 * i));
}

void random_init(struct random *r)
{
	memset(r, 0, sizeof(*r));
}

/* The key becomes the first half of the block under it with this nonce. */
static void random_rekey(struct random *r, const uint8_t nonce[CHACHA20_NONCE], uint32_t counter)
{
	uint8_t block[CHACHA20_BLOCK];

	chacha20_block(r->key, counter, nonce, block);
	memcpy(r->key, block, CHACHA20_KEY);
	memset(block, 0, sizeof(block));
}

void random_stir(struct random *r, const void *data, size_t len)
{
	const uint8_t *d = data;
	uint8_t nonce[CHACHA20_NONCE];

	do {
		size_t n = len < CHACHA20_KEY ? len : CHACHA20_KEY;

		for (size_t i = 0; i < n; i++)
			r->key[i] ^= d[i];
		r->stirred += n;
		random_nonce(nonce, RANDOM_STIR, r->stirred);
		random_rekey(r, nonce, (uint32_t)n);
		d += n, len -= n;
	} while (len);
}

void random_bytes(struct random *r, void *out, size_t len)
{
	uint8_t nonce[CHACHA20_NONCE], *o = out;
	uint8_t key[CHACHA20_KEY];

	random_nonce(nonce, RANDOM_DRAW, r->requests++);
	memcpy(key, r->key, sizeof(key));
	random_rekey(r, nonce, 0);	/* the next key, before any output leaves */
	memset(o, 0, len);
	chacha20_xor(key, 1, nonce, o, len);
	memset(key, 0, sizeof(key));
}
