#include <string.h>
#include "tests/unit/support/mutate.h"

uint64_t mutate_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

void mutate_copy(uint8_t *buf, const uint8_t *orig, size_t size, uint64_t *state, int count,
		 const char *alphabet, size_t alphabet_len)
{
	memcpy(buf, orig, size);
	while (count-- > 0) {
		uint64_t x = mutate_next(state);

		buf[x % size] = alphabet ? (uint8_t)alphabet[(x >> 32) % alphabet_len] : (uint8_t)(x >> 32);
	}
}
