/*
 * The generator's steps. Stirring absorbs 32 bytes at a time: the chunk
 * is added to the key by XOR, then the key becomes the first half of a
 * ChaCha20 block under itself, so every input bit reaches every key bit.
 * Drawing a stream uses its own nonce (the draw count): block 0's first
 * half is the next key, and the rest of the stream is the output (the
 * batch, or a large request's bytes).
 */
#include "lib/random.h"
#include "lib/string.h"

/* The nonce a step uses: its kind in the first word, a count after it. */
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

void random_stir(struct random *r, const void *data, size_t len)
{
	const uint8_t *d = data;
	uint8_t nonce[CHACHA20_NONCE], block[CHACHA20_BLOCK];

	do {
		size_t n = len < CHACHA20_KEY ? len : CHACHA20_KEY;

		for (size_t i = 0; i < n; i++)
			r->key[i] ^= d[i];
		r->stirred += n;
		random_nonce(nonce, RANDOM_STIR, r->stirred);
		chacha20_block(r->key, (uint32_t)n, nonce, block);
		memcpy(r->key, block, CHACHA20_KEY);
		d += n, len -= n;
	} while (len);
	memset(block, 0, sizeof(block));
	memset(r->batch, 0, r->avail);	/* drawn before this entropy: not handed out after it */
	r->avail = 0;
}

/*
 * A new stream: the key moves on to its block 0's first half; the rest of
 * block 0 and `blocks` - 1 more blocks (len bytes of them) go to out.
 */
static void random_draw(struct random *r, uint8_t *out, size_t len)
{
	uint8_t nonce[CHACHA20_NONCE], block[CHACHA20_BLOCK], key[CHACHA20_KEY];
	size_t first = len < CHACHA20_BLOCK - CHACHA20_KEY ? len : CHACHA20_BLOCK - CHACHA20_KEY;

	random_nonce(nonce, RANDOM_DRAW, r->draws++);
	memcpy(key, r->key, sizeof(key));
	chacha20_block(key, 0, nonce, block);
	memcpy(r->key, block, CHACHA20_KEY);	/* the next key, before any output leaves */
	memcpy(out, block + CHACHA20_KEY, first);
	memset(out + first, 0, len - first);
	chacha20_xor(key, 1, nonce, out + first, len - first);
	memset(block, 0, sizeof(block));
	memset(key, 0, sizeof(key));
}

void random_bytes(struct random *r, void *out, size_t len)
{
	if (len > RANDOM_BATCH) {
		random_draw(r, out, len);	/* a stream of its own */
		return;
	}
	if (len > r->avail) {
		memset(r->batch, 0, r->avail);
		random_draw(r, r->batch, RANDOM_BATCH);
		r->avail = RANDOM_BATCH;
	}
	r->avail -= (uint32_t)len;
	memcpy(out, r->batch + r->avail, len);
	memset(r->batch + r->avail, 0, len);
}
