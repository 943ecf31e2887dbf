/*
 * A cryptographic random number generator built on ChaCha20 (lib/chacha20.h),
 * with fast key erasure: the key is replaced by the first 32 bytes of its
 * own key stream before any of that stream's other bytes are handed out,
 * so what was handed out cannot be recomputed from the state that
 * remains. Small requests are served from a batch of that stream (as
 * Linux batches its get_random_* values), each byte wiped as it leaves;
 * a request larger than a batch gets a stream of its own. Entropy (a
 * device tree's rng-seed, timer jitter) is stirred into the key at any
 * time; stirring never lowers what the key already holds.
 *
 * Owner: one server's generator, not reentrant; it asks nothing of the
 * machine itself, so the host's unit tests run it as it is.
 */
#ifndef KAGE_LIB_RANDOM_H
#define KAGE_LIB_RANDOM_H

#include <stddef.h>
#include <stdint.h>
#include "lib/chacha20.h"

#define RANDOM_BATCH_BLOCKS 8
#define RANDOM_BATCH (RANDOM_BATCH_BLOCKS * CHACHA20_BLOCK - CHACHA20_KEY)	/* bytes a batch hands out */

struct random {
	uint8_t key[CHACHA20_KEY];
	uint8_t batch[RANDOM_BATCH];	/* the unused bytes are its first `avail` */
	uint32_t avail;
	uint64_t draws;			/* streams drawn so far: each one's nonce, so no two are the same */
	uint64_t stirred;		/* bytes of entropy stirred in so far */
};

/* A generator with an all-zero key: stir something in before trusting it. */
void random_init(struct random *r);
/* Mixes len bytes into the key (a seed, jitter samples); the batch left is dropped. */
void random_stir(struct random *r, const void *data, size_t len);
/* len bytes of output. */
void random_bytes(struct random *r, void *out, size_t len);

#endif
