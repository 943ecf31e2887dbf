/*
 * RISC-V privileged-architecture definitions: CSR access, status and
 * interrupt bits, Sv39 page-table entry format. One of the few files that
 * names hardware registers; the rest of the kernel calls through it.
 */
#ifndef KAGE_KERNEL_RISCV_H
#define KAGE_KERNEL_RISCV_H

#define SSTATUS_SIE (1ul << 1)
#define SSTATUS_SPIE (1ul << 5)
#define SSTATUS_SPP (1ul << 8)
#define SSTATUS_FS (3ul << 13)
#define SSTATUS_FS_INITIAL (1ul << 13)
#define SSTATUS_FS_CLEAN (2ul << 13)
#define SSTATUS_FS_DIRTY (3ul << 13)
#define SSTATUS_SUM (1ul << 18)

#define SIE_SSIE (1ul << 1)
#define SIE_STIE (1ul << 5)
#define SIP_SSIP (1ul << 1)	/* an IPI is pending */
#define SIP_STIP (1ul << 5)	/* a timer interrupt is pending */
#define SIE_SEIE (1ul << 9)

#define SCAUSE_INTERRUPT (1ul << 63)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9

#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15

/* Sv39: three levels of 512 eight-byte entries, 4 KiB pages. */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define MEGA_SIZE (1ul << 21)
#define GIGA_SIZE (1ul << 30)
#define PT_ENTRIES 512
#define SATP_MODE_SV39 (8ul << 60)

#define PTE_V (1ul << 0)
#define PTE_R (1ul << 1)
#define PTE_W (1ul << 2)
#define PTE_X (1ul << 3)
#define PTE_U (1ul << 4)
#define PTE_G (1ul << 5)
#define PTE_A (1ul << 6)
#define PTE_D (1ul << 7)
#define PTE_COW (1ul << 8)	/* software bit (RSW): write breaks sharing */
#define PTE_PHYS (1ul << 9)	/* software bit (RSW): a memory object's page, no frame reference */
#define PTE_MAYWRITE PTE_COW	/* on PTE_PHYS leaves: the mapping may be made writable */
#define PTE_PPN_SHIFT 10
#define PTE_FLAG_MASK ((1ul << PTE_PPN_SHIFT) - 1)	/* a leaf's bits below its frame number */

#define PTE_FROM_PA(pa) (((pa) >> PAGE_SHIFT) << PTE_PPN_SHIFT)
#define PTE_TO_PA(pte) (((pte) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
#define PTE_LEAF(pte) ((pte) & (PTE_R | PTE_W | PTE_X))

#ifndef __ASSEMBLY__
#include <stdint.h>

typedef uint64_t pte_t;

#define csr_read(csr) ({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr) __asm__ volatile("csrw " #csr ", zero" ::: "memory")
#define csr_clear_bits(csr, v) __asm__ volatile("csrc " #csr ", %0" ::"rK"((uint64_t)(v)) : "memory")

static inline void sfence_vma_all(void)
{
	__asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

/* Instruction fetches on this hart see every store made before it (Zifencei). */
static inline void fence_i(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

/* A spin-wait loop's pause (Zihintpause; a no-op fence where it is not implemented). */
static inline void cpu_relax(void)
{
	__asm__ volatile(".4byte 0x0100000f" ::: "memory");
}

static inline void irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

static inline void irq_disable(void)
{
	csr_clear_bits(sstatus, SSTATUS_SIE);
}

static inline uint64_t time_read(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}
#endif

#endif
