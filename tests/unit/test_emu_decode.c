/*
 * test_emu_decode.c — the decode cache's view of the CPU: which
 * instructions load a segment register (and so read a descriptor table as
 * the CPU, not the user), which fault at CPL 3 and with what, what bytes no
 * decoder accepts amount to, and that stores into code drop exactly the
 * instructions they overlap, whatever their size.
 */
#include "emu/decode.h"
#include "tests/unit/check.h"

#define EIP 0x08049000u

static const struct decoded *dec(struct decode_cache *dc, uint32_t eip, const uint8_t *b, size_t n)
{
    return decode_fill(dc, eip, b, n, 0);
}

#define DEC(dc, ...) ({ static const uint8_t b_[] = { __VA_ARGS__ }; dec(dc, EIP, b_, sizeof b_); })

static void segment_loads(struct decode_cache *dc)
{
    /* Capstone 4 reports none of these as writing a segment register but mov */
    CHECK(DEC(dc, 0x1f)->flags & DEC_SEGLOAD);               /* pop %ds */
    CHECK(DEC(dc, 0x07)->flags & DEC_SEGLOAD);               /* pop %es */
    CHECK(DEC(dc, 0x17)->flags & DEC_SEGLOAD);               /* pop %ss */
    CHECK(DEC(dc, 0x0f, 0xa1)->flags & DEC_SEGLOAD);         /* pop %fs */
    CHECK(DEC(dc, 0x0f, 0xa9)->flags & DEC_SEGLOAD);         /* pop %gs */
    CHECK(DEC(dc, 0xc5, 0x00)->flags & DEC_SEGLOAD);         /* lds (%eax),%eax */
    CHECK(DEC(dc, 0xc4, 0x00)->flags & DEC_SEGLOAD);         /* les */
    CHECK(DEC(dc, 0x0f, 0xb4, 0x00)->flags & DEC_SEGLOAD);   /* lfs */
    CHECK(DEC(dc, 0x0f, 0xb5, 0x00)->flags & DEC_SEGLOAD);   /* lgs */
    CHECK(DEC(dc, 0x0f, 0xb2, 0x00)->flags & DEC_SEGLOAD);   /* lss */
    CHECK(DEC(dc, 0x8e, 0xd8)->flags & DEC_SEGLOAD);         /* mov %eax,%ds */
    CHECK(DEC(dc, 0x8e, 0x18)->flags & DEC_SEGLOAD);         /* mov (%eax),%ds */
    CHECK(DEC(dc, 0xea, 0, 0, 0, 0, 0x73, 0)->flags & DEC_SEGLOAD);   /* ljmp */
    CHECK(DEC(dc, 0xff, 0x28)->flags & DEC_SEGLOAD);         /* ljmp *(%eax) */
    CHECK(DEC(dc, 0x9a, 0, 0, 0, 0, 0x73, 0)->flags & DEC_SEGLOAD);   /* lcall */
    CHECK(DEC(dc, 0xcb)->flags & DEC_SEGLOAD);               /* lret */
    CHECK(DEC(dc, 0xcf)->flags & DEC_SEGLOAD);               /* iret */
    CHECK(DEC(dc, 0x0f, 0x02, 0xc0)->flags & DEC_SEGLOAD);   /* lar */
    /* reading a segment register or pushing one reads no descriptor */
    CHECK(!(DEC(dc, 0x8c, 0xd8)->flags & DEC_SEGLOAD));      /* mov %ds,%eax */
    CHECK(!(DEC(dc, 0x1e)->flags & DEC_SEGLOAD));            /* push %ds */
    CHECK(!(DEC(dc, 0x58)->flags & DEC_SEGLOAD));            /* pop %eax */
    CHECK(!(DEC(dc, 0x89, 0xc8)->flags & DEC_SEGLOAD));      /* mov %ecx,%eax */
}

static void check_fault(const struct decoded *d, unsigned flag, int vector, int size)
{
    CHECK(d->flags & flag);
    CHECK_EQ(d->fault, vector);
    CHECK_EQ(d->size, size);
}

static void cpl3_faults(struct decode_cache *dc)
{
    check_fault(DEC(dc, 0x0f, 0x0b), DEC_FAULT, X86_TRAP_UD, 2);          /* ud2 */
    check_fault(DEC(dc, 0xf1), DEC_FAULT, X86_TRAP_DB, 1);                /* icebp */
    check_fault(DEC(dc, 0x0f, 0x05), DEC_FAULT, X86_TRAP_UD, 2);          /* syscall */
    check_fault(DEC(dc, 0xe4, 0x60), DEC_FAULT, X86_TRAP_GP, 2);          /* in */
    check_fault(DEC(dc, 0xee), DEC_FAULT, X86_TRAP_GP, 1);                /* out %al,(%dx) */
    check_fault(DEC(dc, 0x6c), DEC_FAULT, X86_TRAP_GP, 1);                /* insb */
    check_fault(DEC(dc, 0xfa), DEC_FAULT, X86_TRAP_GP, 1);                /* cli */
    check_fault(DEC(dc, 0xf4), DEC_FAULT, X86_TRAP_GP, 1);                /* hlt */
    check_fault(DEC(dc, 0xcd, 0x00), DEC_FAULT, X86_TRAP_GP, 2);          /* int $0 */
    check_fault(DEC(dc, 0xcd, 0x01), DEC_FAULT, X86_TRAP_GP, 2);          /* int $1 */
    check_fault(DEC(dc, 0xcd, 0x06), DEC_FAULT, X86_TRAP_GP, 2);          /* int $6 */
    check_fault(DEC(dc, 0xcd, 0x81), DEC_FAULT, X86_TRAP_GP, 2);          /* int $0x81 */
    /* the DPL-3 gates and sysenter are no fault of the decode's */
    CHECK(!(DEC(dc, 0xcd, 0x80)->flags & DEC_FAULT));
    CHECK(!(DEC(dc, 0xcd, 0x03)->flags & DEC_FAULT));
    CHECK(!(DEC(dc, 0xcd, 0x04)->flags & DEC_FAULT));
    CHECK(!(DEC(dc, 0xcc)->flags & DEC_FAULT));
    CHECK(!(DEC(dc, 0x0f, 0x34)->flags & DEC_FAULT));        /* sysenter */
    CHECK(!(DEC(dc, 0x0f, 0x31)->flags & DEC_FAULT));        /* rdtsc */
    CHECK(DEC(dc, 0x0f, 0x31)->flags & DEC_RDTSC);
}

static void undecodable(struct decode_cache *dc)
{
    /* lock on what takes none: #UD, with the length the CPU decoded */
    check_fault(DEC(dc, 0xf0, 0x90, 0xcc, 0xcc), DEC_UNDECODED, X86_TRAP_UD, 2);
    check_fault(DEC(dc, 0xf0, 0x01, 0xc0, 0xcc), DEC_UNDECODED, X86_TRAP_UD, 3);
    check_fault(DEC(dc, 0xf3, 0xf0, 0x90), DEC_UNDECODED, X86_TRAP_UD, 3);
    /* lock on a memory destination is fine */
    CHECK(!(DEC(dc, 0xf0, 0x01, 0x00)->flags & (DEC_UNDECODED | DEC_FAULT)));
    /* 15 bytes decode, 16 are #GP(0); also when the prefixes alone are fewer */
    CHECK(!(DEC(dc, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                0x66, 0x90)->flags & (DEC_UNDECODED | DEC_FAULT)));
    check_fault(DEC(dc, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                        0x66, 0x66, 0x66, 0x90), DEC_UNDECODED, X86_TRAP_GP, 15);
    check_fault(DEC(dc, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
                        0xf0, 0x81, 0x00, 1, 0, 0, 0), DEC_UNDECODED, X86_TRAP_GP, 15);
    /* a length the engine knows is kept (the engine runs what Capstone cannot) */
    static const uint8_t junk[] = { 0xf0, 0x90 };
    CHECK_EQ(decode_fill(dc, EIP, junk, 2, 2)->size, 2);
}

/* As the engine reports it: it translated the bytes, so their length is known. */
#define RUN(dc, ...) ({ static const uint8_t b_[] = { __VA_ARGS__ }; \
                        decode_fill(dc, EIP, b_, sizeof b_, sizeof b_); })
#define LOCK_OK(d) CHECK(!((d)->flags & (DEC_UNDECODED | DEC_FAULT)))

/*
 * lock is #UD at decode unless the instruction is one of the lockable
 * read-modify-writes and its destination is memory (SDM Vol. 2, LOCK), and
 * the decode says so whatever Capstone and Unicorn think: Capstone takes
 * lock add reg,mem, Unicorn runs lock mov as a mov.
 */
static void lock_prefix(struct decode_cache *dc)
{
    check_fault(RUN(dc, 0xf0, 0x89, 0x00), DEC_FAULT, X86_TRAP_UD, 3);       /* lock mov %eax,(%eax) */
    check_fault(RUN(dc, 0xf0, 0x8b, 0x00), DEC_FAULT, X86_TRAP_UD, 3);       /* lock mov (%eax),%eax */
    check_fault(RUN(dc, 0xf0, 0x01, 0xc0), DEC_FAULT, X86_TRAP_UD, 3);       /* lock add %eax,%eax */
    check_fault(RUN(dc, 0xf0, 0x90), DEC_FAULT, X86_TRAP_UD, 2);             /* lock nop */
    check_fault(RUN(dc, 0xf0, 0x03, 0x00), DEC_FAULT, X86_TRAP_UD, 3);       /* lock add (%eax),%eax */
    check_fault(RUN(dc, 0xf0, 0x0f, 0xa3, 0x00), DEC_FAULT, X86_TRAP_UD, 4); /* lock bt %eax,(%eax) */
    check_fault(RUN(dc, 0xf0, 0x0f, 0xba, 0x20, 1), DEC_FAULT, X86_TRAP_UD, 5); /* lock btl $1,(%eax) */
    check_fault(RUN(dc, 0xf0, 0x39, 0x00), DEC_FAULT, X86_TRAP_UD, 3);       /* lock cmp */
    check_fault(RUN(dc, 0xf0, 0x0f, 0xb6, 0x00), DEC_FAULT, X86_TRAP_UD, 4); /* lock movzbl */
    check_fault(RUN(dc, 0xf0, 0x40), DEC_FAULT, X86_TRAP_UD, 2);             /* lock inc %eax */
    check_fault(RUN(dc, 0xf0, 0xcd, 0x80), DEC_FAULT, X86_TRAP_UD, 3);       /* #UD before the gate */
    /* lock among other prefixes, where Capstone's prefix[0] shows rep */
    check_fault(RUN(dc, 0xf0, 0xf3, 0x03, 0x00), DEC_FAULT, X86_TRAP_UD, 4);
    check_fault(RUN(dc, 0x66, 0xf0, 0x8b, 0x00), DEC_FAULT, X86_TRAP_UD, 4);
    /* the lockable ones with a memory destination run */
    LOCK_OK(RUN(dc, 0xf0, 0x01, 0x00));                     /* lock add %eax,(%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0x83, 0x00, 1));                  /* lock addl $1,(%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0x11, 0x00));                     /* adc */
    LOCK_OK(RUN(dc, 0xf0, 0x21, 0x00));                     /* and */
    LOCK_OK(RUN(dc, 0xf0, 0x09, 0x00));                     /* or */
    LOCK_OK(RUN(dc, 0xf0, 0x19, 0x00));                     /* sbb */
    LOCK_OK(RUN(dc, 0xf0, 0x29, 0x00));                     /* sub */
    LOCK_OK(RUN(dc, 0xf0, 0x31, 0x00));                     /* xor */
    LOCK_OK(RUN(dc, 0xf0, 0x0f, 0xab, 0x00));               /* bts %eax,(%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0x0f, 0xba, 0x28, 1));            /* btsl $1,(%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0x0f, 0xb3, 0x00));               /* btr */
    LOCK_OK(RUN(dc, 0xf0, 0x0f, 0xbb, 0x00));               /* btc */
    LOCK_OK(RUN(dc, 0xf0, 0x87, 0x00));                     /* xchg %eax,(%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0x86, 0x00));                     /* xchg %al,(%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0x0f, 0xc7, 0x08));               /* cmpxchg8b (%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0x0f, 0xb1, 0x08));               /* cmpxchg %ecx,(%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0x0f, 0xc1, 0x08));               /* xadd %ecx,(%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0xff, 0x00));                     /* incl (%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0xfe, 0x08));                     /* decb (%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0xf7, 0x10));                     /* notl (%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0xf6, 0x18));                     /* negb (%eax) */
    LOCK_OK(RUN(dc, 0xf0, 0xf3, 0x01, 0x00));               /* xrelease, lock after rep */
    LOCK_OK(RUN(dc, 0xf2, 0xf0, 0x01, 0x00));               /* xacquire */
    /* no lock, no fault: a plain mov */
    LOCK_OK(RUN(dc, 0x89, 0x00));
}

static void stores_into_code(struct decode_cache *dc)
{
    static const uint8_t rdtsc[] = { 0x0f, 0x31 }, mov5[] = { 0xb8, 1, 2, 3, 4 };
    const uint32_t a = 0x0804a000u;
    CHECK(!decode_page_has_code(dc, a));
    decode_fill(dc, a + 0x10, rdtsc, 2, 0);
    decode_fill(dc, a + 0x20, mov5, 5, 0);
    CHECK(decode_page_has_code(dc, a + 0xfff));
    CHECK(!decode_page_has_code(dc, a + 0x1000));
    /* a store to the last byte of an instruction drops it, and only it */
    decode_written(dc, a + 0x24, 1);
    CHECK(decode_lookup(dc, a + 0x20) == NULL);
    CHECK(decode_lookup(dc, a + 0x10) != NULL);
    /* a store just past it drops nothing */
    decode_fill(dc, a + 0x20, mov5, 5, 0);
    decode_written(dc, a + 0x25, 4);
    CHECK(decode_lookup(dc, a + 0x20) != NULL);
    /* a two-byte store over the start of the rdtsc: same size rewrite is seen */
    decode_written(dc, a + 0x0f, 2);
    CHECK(decode_lookup(dc, a + 0x10) == NULL);
    /* an instruction straddling into the next page marks both pages */
    decode_fill(dc, a + 0xffe, mov5, 5, 0);
    CHECK(decode_page_has_code(dc, a + 0x1000));
    /* unmapping a page drops what overlaps it and forgets the page */
    decode_invalidate(dc, a + 0x1000, a + 0x2000);
    CHECK(decode_lookup(dc, a + 0xffe) == NULL);
    CHECK(!decode_page_has_code(dc, a + 0x1000));
    CHECK(decode_page_has_code(dc, a));
    CHECK(decode_lookup(dc, a + 0x20) != NULL);
}

int main(void)
{
    struct decode_cache dc;
    if (decode_init(&dc)) {
        fprintf(stderr, "cannot start Capstone\n");
        return 1;
    }
    segment_loads(&dc);
    cpl3_faults(&dc);
    undecodable(&dc);
    lock_prefix(&dc);
    stores_into_code(&dc);
    decode_destroy(&dc);
    return CHECK_DONE();
}
