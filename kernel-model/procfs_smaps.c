/*
 * procfs_smaps.c — /proc/PID/smaps and smaps_rollup (fs/proc/task_mmu.c
 * show_smap, __show_smap, show_smaps_rollup as 6.1 prints them), from the
 * VMAs and their PTEs.
 *
 * smaps_pte_entry's accounting, page by page: a present PTE of a normal
 * page (the shared zero page is not one: vm_normal_page) is resident; it
 * is shared when its page has more than one mapping, and then adds
 * PAGE_SIZE / mapcount to Pss; dirty when the PTE's D bit or the page's
 * PG_dirty says so (a shared mapping's page-cache page written through
 * it or by write(2)); referenced when the A bit is set; anonymous when
 * PG_anon; a page-cache page of tmpfs is Pss_Shmem, of another file
 * Pss_File.  Pss is kept in PAGE_SIZE << 12 units as Linux's PSS_SHIFT.
 * The kernel has no swap, THP or hugetlb: those lines are 0.
 */
#include <string.h>
#include "kernel-model/fs.h"
#include "kernel-model/pgtable.h"
#include "kernel-model/procfs.h"

#define PSS_SHIFT 12

struct mem_size_stats {
    uint64_t resident, shared_clean, shared_dirty, private_clean, private_dirty;
    uint64_t referenced, anonymous, lazyfree;
    uint64_t pss, pss_anon, pss_file, pss_shmem, pss_dirty, pss_locked;
};

static void smaps_account(struct mem_size_stats *mss, const struct page *page, int dirty,
                          int young, int locked)
{
    uint64_t size = PAGE_SIZE, pss = (uint64_t)PAGE_SIZE << PSS_SHIFT;
    int mapcount = page->mapcount > 0 ? page->mapcount : 1;
    dirty = dirty || (page->flags & PG_dirty);
    mss->resident += size;
    if (page->flags & PG_anon)
        mss->anonymous += size;
    if ((page->flags & (PG_anon | PG_lazyfree)) == (PG_anon | PG_lazyfree))
        mss->lazyfree += size;          /* PageAnon && !PageSwapBacked */
    if (young)
        mss->referenced += size;
    if (mapcount >= 2) {
        pss /= (uint64_t)mapcount;
        *(dirty ? &mss->shared_dirty : &mss->shared_clean) += size;
    } else
        *(dirty ? &mss->private_dirty : &mss->private_clean) += size;
    mss->pss += pss;
    /* smaps_page_accumulate: anonymous, else swap-backed (tmpfs), else file */
    if (page->flags & PG_anon)
        mss->pss_anon += pss;
    else if ((page->flags & PG_file) && ((const struct address_space *)page->mapping)->no_writeback)
        mss->pss_shmem += pss;
    else
        mss->pss_file += pss;
    if (dirty)
        mss->pss_dirty += pss;
    if (locked)
        mss->pss_locked += pss;
}

static void smap_gather_stats(struct mm_struct *mm, const struct vm_area_struct *vma,
                              struct mem_size_stats *mss)
{
    struct kernel *k = mm->k;
    for (uint32_t va = vma->vm_start; va < vma->vm_end; va += PAGE_SIZE) {
        pte_t *pte = pte_offset(mm, va);
        uint64_t v = pte ? pte_read(k, pte) : 0;
        if (!(v & _PAGE_PRESENT))
            continue;
        uint32_t pfn = pte_pfn(v);
        if (pfn == k->zero_pfn || pfn >= k->pm.nr_pages)
            continue;                   /* not a normal page */
        smaps_account(mss, pfn_to_page(&k->pm, pfn), (v & _PAGE_DIRTY) != 0,
                      (v & _PAGE_ACCESSED) != 0, (vma->vm_flags & VM_LOCKED) != 0);
    }
}

#define KB(name, bytes) seq_printf(m, "%-16s%8llu kB\n", name, (unsigned long long)((bytes) >> 10))

static void show_smap_stats(struct seq_file *m, const struct mem_size_stats *mss, int rollup)
{
    KB("Rss:", mss->resident);
    KB("Pss:", mss->pss >> PSS_SHIFT);
    KB("Pss_Dirty:", mss->pss_dirty >> PSS_SHIFT);
    if (rollup) {
        KB("Pss_Anon:", mss->pss_anon >> PSS_SHIFT);
        KB("Pss_File:", mss->pss_file >> PSS_SHIFT);
        KB("Pss_Shmem:", mss->pss_shmem >> PSS_SHIFT);
    }
    KB("Shared_Clean:", mss->shared_clean);
    KB("Shared_Dirty:", mss->shared_dirty);
    KB("Private_Clean:", mss->private_clean);
    KB("Private_Dirty:", mss->private_dirty);
    KB("Referenced:", mss->referenced);
    KB("Anonymous:", mss->anonymous);
    KB("LazyFree:", mss->lazyfree);
    KB("AnonHugePages:", 0);
    KB("ShmemPmdMapped:", 0);
    KB("FilePmdMapped:", 0);
    KB("Shared_Hugetlb:", 0);
    seq_printf(m, "Private_Hugetlb: %7u kB\n", 0u);
    KB("Swap:", 0);
    KB("SwapPss:", 0);
    KB("Locked:", mss->pss_locked >> PSS_SHIFT);
}

/* show_smap_vma_flags: a two-letter mnemonic per vm_flags bit the model has. */
static void show_vma_flags(struct seq_file *m, uint32_t flags)
{
    static const struct { uint32_t bit; const char *name; } mnem[] = {
        { VM_READ, "rd" }, { VM_WRITE, "wr" }, { VM_EXEC, "ex" }, { VM_SHARED, "sh" },
        { VM_MAYREAD, "mr" }, { VM_MAYWRITE, "mw" }, { VM_MAYEXEC, "me" }, { VM_MAYSHARE, "ms" },
        { VM_GROWSDOWN, "gd" }, { VM_LOCKED, "lo" }, { VM_ACCOUNT, "ac" },
    };
    seq_printf(m, "VmFlags: ");
    for (size_t i = 0; i < sizeof mnem / sizeof mnem[0]; i++)
        if (flags & mnem[i].bit)
            seq_printf(m, "%s ", mnem[i].name);
    seq_putc(m, '\n');
}

int proc_pid_smaps_show(struct seq_file *m, struct task_struct *t)
{
    struct vm_area_struct *vma;
    if (!t->mm)
        return 0;
    for_each_vma(t->mm, vma) {
        struct mem_size_stats mss = { 0 };
        smap_gather_stats(t->mm, vma, &mss);
        proc_show_map_vma(m, t->mm, vma);
        KB("Size:", (uint64_t)(vma->vm_end - vma->vm_start));
        KB("KernelPageSize:", (uint64_t)PAGE_SIZE);
        KB("MMUPageSize:", (uint64_t)PAGE_SIZE);
        show_smap_stats(m, &mss, 0);
        seq_printf(m, "THPeligible:    %8u\n", 0u);
        show_vma_flags(m, vma->vm_flags);
    }
    return 0;
}

/* show_smaps_rollup: one header spanning every VMA ("[rollup]"), the sums. */
int proc_pid_smaps_rollup_show(struct seq_file *m, struct task_struct *t)
{
    struct vm_area_struct *vma;
    struct mem_size_stats mss = { 0 };
    if (!t->mm || !vma_first(t->mm))
        return 0;
    for_each_vma(t->mm, vma)
        smap_gather_stats(t->mm, vma, &mss);
    seq_setwidth(m, 25 + 4 * 6 - 1);
    seq_printf(m, "%08x-%08x ---p 00000000 00:00 0 ", vma_first(t->mm)->vm_start,
               vma_last(t->mm)->vm_end);
    seq_pad(m, ' ');
    seq_printf(m, "[rollup]\n");
    show_smap_stats(m, &mss, 1);
    return 0;
}
