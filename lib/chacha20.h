/*
 * ChaCha20 as RFC 8439 defines it: a 256-bit key, a 32-bit block counter
 * and a 96-bit nonce give 64 bytes of key stream per block. kage uses it
 * as the core of its random number generator (lib/random.h); it keeps no
 * state of its own, so any caller may use it.
 */
#ifndef KAGE_LIB_CHACHA20_H
#define KAGE_LIB_CHACHA20_H

#include <stdint.h>

#define CHACHA20_KEY 32		/* bytes */
#define CHACHA20_NONCE 12
#define CHACHA20_BLOCK 64

/* The key stream block number `counter` for key and nonce (little-endian words, as the RFC serialises them). */
void chacha20_block(const uint8_t key[CHACHA20_KEY], uint32_t counter, const uint8_t nonce[CHACHA20_NONCE],
		    uint8_t out[CHACHA20_BLOCK]);
/* XORs len bytes of key stream, from block `counter` on, into buf (encryption and decryption alike). */
void chacha20_xor(const uint8_t key[CHACHA20_KEY], uint32_t counter, const uint8_t nonce[CHACHA20_NONCE],
		  uint8_t *buf, uint64_t len);

#endif
