/*
 * Deterministic damage for parser tests: a fixed xorshift sequence, so a
 * failing mutation is reproduced by rerunning the test.
 */
#ifndef KAGE_TESTS_UNIT_SUPPORT_MUTATE_H
#define KAGE_TESTS_UNIT_SUPPORT_MUTATE_H

#include <stddef.h>
#include <stdint.h>

/* Next value of the sequence held in *state (never 0). */
uint64_t mutate_next(uint64_t *state);
/*
 * Copies orig into buf and overwrites `count` random bytes, each with a
 * random byte or, when `alphabet` is non-NULL, one of its `alphabet_len` bytes.
 */
void mutate_copy(uint8_t *buf, const uint8_t *orig, size_t size, uint64_t *state, int count,
		 const char *alphabet, size_t alphabet_len);

#endif
