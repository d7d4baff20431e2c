/*
 * test_mm_check.c — the kernel model's invariant checker
 * (kernel-model/mm_check.h): a sound machine passes; each kind of damage
 * is found and named in one line; the debug build's after-syscall hook
 * stops the task with SIGKILL, reason "check-failed", and that line.
 */
#include <string.h>
#include "kernel-model/mm_check.h"
#include "kernel-model/pgtable.h"
#include "kernel-model/vma.h"
#include "tests/unit/task_fixture.h"

static int broken(struct kernel *k, struct mm_struct *mm, const char *want)
{
    char err[256] = "";
    int r = kernel_check(k, mm, err, sizeof err);
    if (r == 0 || !strstr(err, want))
        fprintf(stderr, "kernel_check: %d \"%s\", wanted \"%s\"\n", r, err, want);
    return r != 0 && strstr(err, want) != NULL;
}

static void test_checks(void)
{
    struct sys s;
    if (sys_boot(&s, 16u << 20, NULL, 1))
        return;
    char err[256] = "";
    CHECK_EQ(do_mmap(s.mm, 0x40000000, 4 * PG, RW, FIXED, NULL, 0, 0, NULL), 0x40000000);
    poke(&s, 0x40000000, 1);
    CHECK_EQ(peek(&s, 0x40001000), 0);             /* the zero page */
    CHECK(kernel_check(&s.k, s.mm, err, sizeof err) == 0 || !fprintf(stderr, "%s\n", err));

    struct page *p = pfn_to_page(&s.k.pm, follow_pte(s.mm, 0x40000000));
    p->mapcount++;
    CHECK(broken(&s.k, s.mm, "map count is not the PTEs naming it"));
    p->mapcount--;
    s.mm->zero_rss++;
    CHECK(broken(&s.k, s.mm, "of the zero page"));
    s.mm->zero_rss--;
    /* two touching VMAs Linux would merge */
    struct vm_area_struct *v = find_vma(s.mm, 0x40000000);
    uint32_t end = v->vm_end;
    v->vm_end = 0x40002000;
    struct vm_area_struct tail = *v;
    tail.vm_start = 0x40002000, tail.vm_end = end, tail.vm_pgoff += 2, tail.anon_vma = 0;
    CHECK(vma_insert(s.mm, &tail) != NULL);
    /* a faulted VMA next to an unfaulted one may stay apart (6.1's
     * vma_merge joins a changed range only when its anon_vma is NULL or
     * the same), two unfaulted ones never */
    CHECK(kernel_check(&s.k, s.mm, err, sizeof err) == 0 || !fprintf(stderr, "%s\n", err));
    uint32_t av = v->anon_vma;
    v->anon_vma = 0;
    CHECK(broken(&s.k, s.mm, "which Linux would merge"));
    v->anon_vma = av;
    vma_merge_changed(s.mm, find_vma(s.mm, 0x40002000));
    CHECK(find_vma(s.mm, 0x40000000)->vm_end == end);
    CHECK(kernel_check(&s.k, s.mm, err, sizeof err) == 0 || !fprintf(stderr, "%s\n", err));
    s.k.vmap.nr_pages++;
    CHECK(broken(&s.k, s.mm, "vmalloc:"));
    s.k.vmap.nr_pages--;
    sys_fini(&s);
}

/* The hook a MEMSIM_DEBUG_CHECK build calls after each system call. */
static void test_after_syscall(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    if (!t)
        return;
    uint32_t a[6] = { 0 };
    fixture_syscall(t, NR_GETPID, a);
    (void)user_page;
    kernel_check_after_syscall(t, "getpid");
    CHECK(!task_dead(t));
    t->mm->rss_pages++;
    kernel_check_after_syscall(t, "mmap2");
    CHECK(task_dead(t));
    CHECK_EQ(t->exit_status, 128 + 9);
    CHECK_STR(t->exit_reason, "check-failed");
    CHECK(!strncmp(t->report, "memsim: invariant broken after mmap2: ", 38));
    t->mm->rss_pages--;
    task_free(t);
    sys_fini(&s);
}

int main(void)
{
    for (int mode = 0; mode < 2; mode++) {
        fixture_paging = mode ? PAGING_PAE : PAGING_2LEVEL;
        test_checks();
        test_after_syscall();
    }
    return CHECK_DONE();
}
