/*
 * SBI calls. Extensions are probed once at boot: the TIME and SRST
 * extensions are preferred, the legacy (v0.1) calls are the fallback that
 * every firmware since 2017 still answers.
 */
#include "kernel/sbi.h"
#include "kernel/riscv.h"

#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM 0x48534d

#define SBI_IPI_SEND 0
#define SBI_RFENCE_FENCE_I 0
#define SBI_RFENCE_SFENCE_VMA 1
#define SBI_HSM_HART_START 0

#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID 1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION 3

#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

struct sbiret {
	long error;
	long value;
};

static bool sbi_has_time;
static bool sbi_has_srst;

static struct sbiret sbi_call4(long ext, long fid, long a0, long a1, long a2, long a3)
{
	register long r_a0 __asm__("a0") = a0;
	register long r_a1 __asm__("a1") = a1;
	register long r_a2 __asm__("a2") = a2;
	register long r_a3 __asm__("a3") = a3;
	register long r_a6 __asm__("a6") = fid;
	register long r_a7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r_a0), "+r"(r_a1)
			 : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
			 : "memory");
	return (struct sbiret){ .error = r_a0, .value = r_a1 };
}

static struct sbiret sbi_call(long ext, long fid, long a0, long a1)
{
	return sbi_call4(ext, fid, a0, a1, 0, 0);
}

static bool sbi_probe(long ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, ext, 0);

	return r.error == 0 && r.value != 0;
}

void sbi_init(void)
{
	sbi_has_time = sbi_probe(SBI_EXT_TIME);
	sbi_has_srst = sbi_probe(SBI_EXT_SRST);
}

void sbi_version(uint32_t *spec, uint64_t *impl_id, uint64_t *impl_version)
{
	*spec = (uint32_t)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0).value;
	*impl_id = (uint64_t)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0).value;
	*impl_version = (uint64_t)sbi_call(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0).value;
}

void sbi_set_timer(uint64_t when)
{
	if (sbi_has_time)
		sbi_call(SBI_EXT_TIME, 0, (long)when, 0);
	else
		sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, (long)when, 0);
}

void sbi_console_putc(char c)
{
	sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)c, 0);
}

void sbi_system_reset(uint32_t type, bool failure)
{
	long reason = failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE;

	if (sbi_has_srst)
		sbi_call(SBI_EXT_SRST, 0, type, reason);
	else if (type == SBI_RESET_SHUTDOWN)
		sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0);
}

long sbi_hart_start(uint64_t hart, uint64_t start_pa, uint64_t opaque)
{
	return sbi_call4(SBI_EXT_HSM, SBI_HSM_HART_START, (long)hart, (long)start_pa, (long)opaque, 0).error;
}

void sbi_send_ipi(uint64_t hart)
{
	sbi_call(SBI_EXT_IPI, SBI_IPI_SEND, 1, (long)hart);
}

void sbi_remote_fence_i(uint64_t mask, uint64_t base)
{
	sbi_call(SBI_EXT_RFENCE, SBI_RFENCE_FENCE_I, (long)mask, (long)base);
}

void sbi_remote_sfence_vma(uint64_t mask, uint64_t base, uint64_t start, uint64_t size)
{
	sbi_call4(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, (long)mask, (long)base, (long)start, (long)size);
}
