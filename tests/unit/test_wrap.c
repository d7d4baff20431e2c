/*
 * test_wrap.c — the length and address rules of the memory system calls
 * for a 32-bit task, where PAGE_ALIGN wraps (issue 6, mechanism 6).  Each
 * case is one rule of Linux (mm/mmap.c do_mmap, __get_unmapped_area,
 * do_vmi_munmap and brk; mm/mprotect.c do_mprotect_pkey; mm/madvise.c
 * do_madvise for an i386 kernel), and each failed call must leave the
 * address space as it was: the same VMAs and the same page contents.
 *
 * Before the fix PAGE_ALIGN of a 64-bit value dropped bit 32, so mmap2 of
 * 0xfffff001 bytes made a 0-byte VMA, brk(0xffffffff) unmapped everything
 * from 0, and mprotect/madvise of wrapping lengths returned 0.
 */
#include "tests/unit/kernel_fixture.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BASE 0x20000000u
#define TEXT ELF_TEXT_BASE
#define HEAP 0x08100000u

/* text, a 3-page mapping at BASE with bytes 1, 2, 3 in its pages, a heap
 * break, and a stack below TASK_SIZE: the layout wrap.c checks. */
static void boot(struct sys *s)
{
    sys_boot(s, 16u << 20, NULL, 1);
    CHECK_EQ(do_mmap(s->mm, TEXT, 4 * PG, RO | PROT_EXEC_, FIXED, NULL, 0, 0, NULL), (long)TEXT);
    CHECK_EQ(do_mmap(s->mm, BASE, 3 * PG, RW, FIXED, NULL, 0, 0, NULL), (long)BASE);
    CHECK_EQ(do_mmap(s->mm, TASK_SIZE - 32 * PG, 32 * PG, RW, FIXED | MAP_GROWSDOWN_, NULL, 0, 0,
                     "[stack]"), (long)(TASK_SIZE - 32 * PG));
    s->mm->start_brk = s->mm->brk = HEAP;
    for (uint32_t i = 0; i < 3; i++) {
        uint8_t b = (uint8_t)(i + 1);
        CHECK_EQ(copy_to_user(s->mm, BASE + i * PG, &b, 1), 0);
    }
}

/* The layout boot() made, untouched: VMAs and contents. */
static void check_intact(struct sys *s, const char *after)
{
    int before = check_failed;
    CHECK_EQ(s->mm->map_count, 3);
    struct vm_area_struct *v = find_vma(s->mm, TEXT);
    CHECK(v && v->vm_start == TEXT && v->vm_end == TEXT + 4 * PG);
    v = find_vma(s->mm, BASE);
    CHECK(v && v->vm_start == BASE && v->vm_end == BASE + 3 * PG && (v->vm_flags & 7u) == RW);
    for (uint32_t i = 0; i < 3; i++) {
        uint8_t b = 0;
        CHECK_EQ(copy_from_user(s->mm, &b, BASE + i * PG, 1), 0);
        CHECK_EQ(b, i + 1);
    }
    CHECK_EQ(s->mm->brk, HEAP);
    if (check_failed != before)
        fprintf(stderr, "  (address space changed after %s)\n", after);
}

static void test_mmap_lengths(void)
{
    struct sys s;
    boot(&s);
    /* len = PAGE_ALIGN(len); if (!len) return -ENOMEM */
    CHECK_EQ(do_mmap(s.mm, BASE + PG, 0xfffff001u, RO, FIXED, NULL, 0, 0, NULL), -ENOMEM);
    CHECK_EQ(do_mmap(s.mm, 0, 0xfffff001u, RO, ANON, NULL, 0, 0, NULL), -ENOMEM);
    CHECK_EQ(do_mmap(s.mm, 0, 0xffffffffu, RO, ANON, NULL, 0, 0, NULL), -ENOMEM);
    /* len 0 stays -EINVAL; len > TASK_SIZE is -ENOMEM (get_unmapped_area) */
    CHECK_EQ(do_mmap(s.mm, 0, 0, RO, ANON, NULL, 0, 0, NULL), -EINVAL);
    CHECK_EQ(do_mmap(s.mm, 0, 0xfffff000u, RO, ANON, NULL, 0, 0, NULL), -ENOMEM);
    CHECK_EQ(do_mmap(s.mm, 0, TASK_SIZE + 1, RO, ANON, NULL, 0, 0, NULL), -ENOMEM);
    /* MAP_FIXED: addr > TASK_SIZE - len is -ENOMEM, before alignment */
    CHECK_EQ(do_mmap(s.mm, 0xfffff000u, 0x2000, RO, FIXED, NULL, 0, 0, NULL), -ENOMEM);
    CHECK_EQ(do_mmap(s.mm, 0xfffff001u, PG, RO, FIXED, NULL, 0, 0, NULL), -ENOMEM);
    CHECK_EQ(do_mmap(s.mm, TASK_SIZE, PG, RO, FIXED, NULL, 0, 0, NULL), -ENOMEM);
    CHECK_EQ(do_mmap(s.mm, BASE + 1, PG, RO, FIXED, NULL, 0, 0, NULL), -EINVAL);
    CHECK_EQ(do_mmap(s.mm, PG, PG, RO, FIXED, NULL, 0, 0, NULL), -EPERM);
    /* the offset wrapping: -EOVERFLOW */
    CHECK_EQ(do_mmap(s.mm, 0, 2 * PG, RO, ANON, NULL, 0xffffffffu, 0, NULL), -EOVERFLOW);
    /* a bad MAP_TYPE is refused before MAP_FIXED unmaps what is there */
    CHECK_EQ(do_mmap(s.mm, BASE, PG, RO, MAP_ANONYMOUS_ | MAP_FIXED_, NULL, 0, 0, NULL), -EINVAL);
    CHECK_EQ(do_mmap(s.mm, BASE, PG, RO, FIXED | MAP_SHARED_, NULL, 0, 0, NULL), -EINVAL);
    /* a file: the length rules come first, then the type, then the file's
     * mode (a writable shared mapping of a file not open for writing:
     * -EACCES), all before MAP_FIXED unmaps anything */
    int fd = memfd_create("wrap", 0);
    CHECK(fd >= 0 && write(fd, "data", 4) == 4);
    struct vm_file *file = vm_file_open(fd, "/wrap");
    CHECK(file != NULL);
    close(fd);
    const uint32_t SH = MAP_SHARED_, PR = MAP_PRIVATE_;
    CHECK_EQ(do_mmap(s.mm, 0, 0xfffff001u, RO, SH, file, 0, 0xfffff001u, NULL), -ENOMEM);
    CHECK_EQ(do_mmap(s.mm, 0xfffff000u, 0x2000, RO, SH | MAP_FIXED_, file, 0, 0x2000, NULL), -ENOMEM);
    CHECK_EQ(do_mmap(s.mm, BASE, PG, RW, SH | MAP_FIXED_, file, 0, PG, NULL), -EACCES);
    CHECK_EQ(do_mmap(s.mm, BASE, PG, RW, 3u | MAP_FIXED_, file, 0, PG, NULL), -EACCES);
    CHECK_EQ(do_mmap(s.mm, BASE, PG, RO, 0xfu | MAP_FIXED_, file, 0, PG, NULL), -EINVAL);
    check_intact(&s, "refused mmaps");
    long f = do_mmap(s.mm, 0, PG, RO, PR, file, 0, PG, NULL);
    CHECK(f > 0);
    CHECK_EQ(do_munmap(s.mm, (uint32_t)f, PG), 0);
    vm_file_put(file);
    /* a hint that wraps is only a hint; the last page below TASK_SIZE fits */
    long r = do_mmap(s.mm, 0xfffff000u, 0x2000, RO, ANON, NULL, 0, 0, NULL);
    CHECK(r > 0 && (uint32_t)r + 0x2000 <= TASK_SIZE && !((uint32_t)r & (PG - 1)));
    CHECK_EQ(do_munmap(s.mm, (uint32_t)r, 0x2000), 0);
    sys_fini(&s);
}

static void test_munmap_lengths(void)
{
    struct sys s;
    boot(&s);
    /* start > TASK_SIZE or len > TASK_SIZE - start: -EINVAL; empty: -EINVAL */
    CHECK_EQ(do_munmap(s.mm, BASE, 0xfffff001u), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, BASE, 0xffffffffu), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, BASE, TASK_SIZE - BASE + 1), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, 0xfffff000u, 0x2000), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, TASK_SIZE, 0), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, TASK_SIZE, PG), -EINVAL);
    CHECK_EQ(do_munmap(s.mm, BASE, 0), -EINVAL);
    check_intact(&s, "refused munmaps");
    /* up to TASK_SIZE exactly is fine (an unmapped range too) */
    CHECK_EQ(do_munmap(s.mm, 0x60000000u, TASK_SIZE - 0x60000000u - 32 * PG), 0);
    check_intact(&s, "munmap of nothing");
    sys_fini(&s);
}

static void test_mprotect_lengths(void)
{
    struct sys s;
    boot(&s);
    /* end = start + PAGE_ALIGN(len); if (end <= start) return -ENOMEM */
    CHECK_EQ(do_mprotect(s.mm, BASE, 0xfffff001u, RO), -ENOMEM);
    CHECK_EQ(do_mprotect(s.mm, BASE, 0xffffffffu, RO), -ENOMEM);
    CHECK_EQ(do_mprotect(s.mm, 0xfffff000u, 0x2000, RO), -ENOMEM);
    /* past TASK_SIZE without wrapping: mprotect has no TASK_SIZE check, so
     * as Linux's loop the stack's top page turns RO before the hole after
     * it ends the call with -ENOMEM; RW again merges the stack back */
    CHECK_EQ(do_mprotect(s.mm, TASK_SIZE - PG, 0x2000, RO), -ENOMEM);
    CHECK_EQ(s.mm->map_count, 4);
    CHECK_EQ(vma_lookup(s.mm, TASK_SIZE - PG)->vm_flags & 7u, RO);
    CHECK_EQ(do_mprotect(s.mm, TASK_SIZE - PG, PG, RW), 0);
    /* len 0 is checked before prot: 0 even with unknown bits */
    CHECK_EQ(do_mprotect(s.mm, BASE, 0, 0xff), 0);
    CHECK_EQ(do_mprotect(s.mm, BASE, PG, 0x10), -EINVAL);
    CHECK_EQ(do_mprotect(s.mm, BASE, PG, RW | PROT_GROWSDOWN_ | PROT_GROWSUP_), -EINVAL);
    CHECK_EQ(do_mprotect(s.mm, BASE + 1, PG, RO), -EINVAL);
    check_intact(&s, "refused mprotects");
    CHECK_EQ(do_mprotect(s.mm, BASE, 3 * PG, RW | PROT_SEM_), 0);   /* PROT_SEM: accepted */
    check_intact(&s, "mprotect to the same rights");
    sys_fini(&s);
}

static void test_madvise_lengths(void)
{
    struct sys s;
    boot(&s);
    /* i386: a nonzero len rounding to 0, or end < start, is -EINVAL, and
     * nothing is zapped */
    CHECK_EQ(do_madvise(s.mm, BASE, 0xfffff001u, MADV_DONTNEED_), -EINVAL);
    CHECK_EQ(do_madvise(s.mm, BASE, 0xffffffffu, MADV_DONTNEED_), -EINVAL);
    CHECK_EQ(do_madvise(s.mm, 0xfffff000u, 0x2000, MADV_DONTNEED_), -EINVAL);
    CHECK_EQ(do_madvise(s.mm, BASE, 0, MADV_DONTNEED_), 0);
    CHECK_EQ(do_madvise(s.mm, BASE, PG, 5), -EINVAL);                /* unknown advice */
    CHECK_EQ(do_madvise(s.mm, BASE + 1, PG, MADV_DONTNEED_), -EINVAL);
    check_intact(&s, "refused madvises");
    /* nothing mapped from start on: -ENOMEM */
    CHECK_EQ(do_madvise(s.mm, TASK_SIZE - PG, 0x2000, 0), -ENOMEM);
    CHECK_EQ(do_madvise(s.mm, 0x60000000u, PG, MADV_DONTNEED_), -ENOMEM);
    /* a hole: the mapped parts get the advice, the result is -ENOMEM */
    CHECK_EQ(do_munmap(s.mm, BASE + PG, PG), 0);
    CHECK_EQ(do_madvise(s.mm, BASE, 3 * PG, MADV_DONTNEED_), -ENOMEM);
    CHECK_EQ(touch(&s, BASE + PG, MMU_READ, NULL), FAULT_SIGSEGV_MAPERR);   /* the hole */
    uint8_t b = 9;
    CHECK_EQ(copy_from_user(s.mm, &b, BASE, 1), 0);
    CHECK_EQ(b, 0);
    CHECK_EQ(copy_from_user(s.mm, &b, BASE + 2 * PG, 1), 0);
    CHECK_EQ(b, 0);
    /* MADV_FREE: private anonymous memory only (madvise_free_single_vma) */
    CHECK_EQ(do_mmap(s.mm, 0x30000000u, PG, RW, MAP_SHARED_ | MAP_ANONYMOUS_ | MAP_FIXED_, NULL, 0, 0,
                     NULL), 0x30000000L);
    b = 7;
    CHECK_EQ(copy_to_user(s.mm, 0x30000000u, &b, 1), 0);
    CHECK_EQ(do_madvise(s.mm, 0x30000000u, PG, MADV_FREE_), -EINVAL);
    CHECK_EQ(copy_from_user(s.mm, &b, 0x30000000u, 1), 0);
    CHECK_EQ(b, 7);
    CHECK_EQ(do_madvise(s.mm, BASE, PG, MADV_FREE_), 0);
    sys_fini(&s);
}

static void test_brk_limits(void)
{
    struct sys s;
    boot(&s);
    /* a break whose alignment wraps, one past TASK_SIZE, one into the
     * stack: refused, the old break returned, nothing unmapped */
    static const uint32_t refused[] = {
        0xffffffffu, 0xfffff001u, 0xfffff000u, 0xc0000000u, TASK_SIZE - 32 * PG, HEAP - 1, 0,
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        CHECK_EQ(do_brk(s.mm, refused[i]), HEAP);
        check_intact(&s, "a refused brk");
    }
    /* grow, then shrink back to start_brk, never below */
    CHECK_EQ(do_brk(s.mm, HEAP + 0x10001), HEAP + 0x10001);
    struct vm_area_struct *v = find_vma(s.mm, HEAP);
    CHECK(v && v->vm_start == HEAP && v->vm_end == HEAP + 0x11000);
    CHECK_EQ(do_brk(s.mm, HEAP + 0x10800), HEAP + 0x10800);          /* same page */
    CHECK_EQ(do_brk(s.mm, 0xffffffffu), HEAP + 0x10800);
    CHECK_EQ(do_brk(s.mm, HEAP), HEAP);
    CHECK(find_vma(s.mm, HEAP) == find_vma(s.mm, BASE));              /* heap gone */
    check_intact(&s, "brk back to start_brk");
    sys_fini(&s);
}

static void run_all(void)
{
    test_mmap_lengths();
    test_munmap_lengths();
    test_mprotect_lengths();
    test_madvise_lengths();
    test_brk_limits();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}
