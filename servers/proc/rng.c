/*
 * The process server's random numbers: getrandom and AT_RANDOM.
 *
 * One generator (lib/random.h) for every process, seeded at start from
 * the device tree's rng-seed when the boot loader or QEMU gave one, and
 * always from timer jitter (the time and retired-instruction counters);
 * every reseed stirs in a fresh sample: before each new batch of output
 * and each large request, so two boots from the same seed part at once.
 * Owner: this file; nothing else sees the key.
 */
#include "lib/instret.h"
#include "lib/native.h"
#include "lib/random.h"
#include "lib/string.h"
#include "servers/proc/proc.h"

#define RNG_JITTER_SAMPLES 4	/* one key's worth */

static struct random rng;

/* The counters' low bits: what differs from run to run on real hardware and QEMU alike. */
static void rng_jitter(void)
{
	uint64_t s[RNG_JITTER_SAMPLES];

	for (int i = 0; i < RNG_JITTER_SAMPLES; i++)
		s[i] = native_time() ^ instret() << 32 ^ (uint64_t)i;
	random_stir(&rng, s, sizeof(s));
}

void rng_init(const struct kage_bootinfo *bi)
{
	random_init(&rng);
	if (bi->seed_len)
		random_stir(&rng, bi->seed, bi->seed_len <= sizeof(bi->seed) ? bi->seed_len : sizeof(bi->seed));
	rng_jitter();
}

void rng_bytes(void *out, size_t len)
{
	if (len > rng.avail)
		rng_jitter();	/* a reseed: the generator draws a new batch or stream now */
	random_bytes(&rng, out, len);
}
