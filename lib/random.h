/*
 * A cryptographic random number generator built on ChaCha20 (lib/chacha20.h),
 * with fast key erasure: every request draws its bytes from the key
 * stream of the current key and replaces the key with the stream's first
 * 32 bytes, so what was handed out cannot be recomputed from the state
 * that remains. Entropy (a device tree's rng-seed, timer jitter) is
 * stirred into the key at any time; stirring never lowers what the key
 * already holds.
 *
 * Owner: one server's generator, not reentrant; it asks nothing of the
 * machine itself, so the host's unit tests run it as it is.
 */
#ifndef KAGE_LIB_RANDOM_H
#define KAGE_LIB_RANDOM_H

#include <stddef.h>
#include <stdint.h>
#include "lib/chacha20.h"

struct random {
	uint8_t key[CHACHA20_KEY];
	uint64_t requests;		/* since the start: each request's nonce, so no two share a stream */
	uint64_t stirred;		/* bytes of entropy stirred in so far */
};

/* A generator with an all-zero key: stir something in before trusting it. */
void random_init(struct random *r);
/* Mixes len bytes into the key (a seed, jitter samples). */
void random_stir(struct random *r, const void *data, size_t len);
/* len bytes of output. */
void random_bytes(struct random *r, void *out, size_t len);

#endif
