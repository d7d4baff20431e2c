/*
 * test_fork_mm.c — fork's copy of an address space (kernel-model/fork_mm.c
 * dup_mm) and the write faults after it (memory.c do_wp_page), on an
 * engine-less kernel, both paging modes:
 *   - a private anonymous page: both mms map the frame read-only (map count
 *     and references 2, the parent's TLB entry gone); the child's write
 *     copies, the parent's later write reuses; the zero page is shared too;
 *   - shared anonymous memory and a SysV segment: no COW, one frame
 *     writable in both, the child's PTEs filled by its faults (6.1's
 *     vma_needs_copy), shm_nattch counting the child's attach;
 *   - a private file mapping: the cache page shared read-only, a write
 *     makes a private copy; one never written is not copied at all;
 *   - MADV_DONTFORK absent in the child, MADV_WIPEONFORK present and empty,
 *     mlock and MCL_FUTURE not inherited;
 *   - mmput of child then parent and the other order free every frame;
 * The engine's side and ENOMEM are test_fork_mm_engine.c.
 */
#include "tests/unit/fork_mm_fixture.h"

/* ---- private anonymous memory ------------------------------------------- */

static void test_anon_cow(int child_first)
{
    struct sys s;
    if (boot(&s, 16 * MiB))
        return;
    struct mm_struct *parent = s.mm;
    CHECK_EQ(do_mmap(parent, BASE, 2 * PG, RW, FIXED, NULL, 0, 0, NULL), BASE);
    for (uint32_t i = 0; i < 64; i++)
        poke(&s, BASE + i, (uint8_t)(i * 7));
    CHECK_EQ(peek(&s, BASE + PG), 0);                  /* the zero page */
    uint32_t pfn = follow_pte(parent, BASE);
    uint64_t pa;
    CHECK_EQ(touch(&s, BASE, MMU_WRITE, &pa), FAULT_OK);   /* a writable TLB entry */
    uint32_t zero_maps = page_mapcount(page_at(&s, s.k.zero_pfn));
    uint32_t free0 = free_frames(&s);

    struct mm_struct *child = dup_mm(parent, 2);
    CHECK(child != NULL);
    if (!child)
        return;
    CHECK_EQ(child->pid, 2);
    CHECK_EQ(child->mm_users, 1);
    CHECK(child->pgd != parent->pgd);
    CHECK_EQ(child->map_count, parent->map_count);
    const struct vm_area_struct *cv = vma_lookup(child, BASE), *pv = vma_lookup(parent, BASE);
    CHECK(cv && pv && cv != pv && cv->vm_end == BASE + 2 * PG && cv->vm_flags == pv->vm_flags);
    /* anon_vma_fork: one of its own, the parent's its parent */
    CHECK(cv && pv && cv->anon_vma && cv->anon_vma != pv->anon_vma);
    CHECK(cv && pv && anon_vma_owns(&s.k, pv->anon_vma, cv->anon_vma));
    CHECK(cv && pv && anon_vma_forked(&s.k, cv->anon_vma) && !anon_vma_forked(&s.k, pv->anon_vma));
    CHECK(page_at(&s, pfn)->mapping == anon_vma_ptr(pv->anon_vma));
    CHECK_EQ(follow_pte(child, BASE), pfn);
    CHECK(!(pte_of(parent, BASE) & _PAGE_RW) && !(pte_of(child, BASE) & _PAGE_RW));
    CHECK_EQ(page_mapcount(page_at(&s, pfn)), 2);
    CHECK_EQ(page_at(&s, pfn)->_refcount, 2);
    CHECK_EQ(follow_pte(child, BASE + PG), s.k.zero_pfn);
    CHECK_EQ(page_mapcount(page_at(&s, s.k.zero_pfn)), zero_maps + 1);
    CHECK_EQ(child->rss_pages, 2);
    CHECK_EQ(child->zero_rss, 1);
    CHECK_EQ(child->hiwater_rss, 1);
    CHECK_EQ(child->hiwater_vm, 2);
    /* the parent's writable translation was flushed: a store faults now */
    uint32_t ec = 0;
    CHECK(mmu_translate(&s.mmu, BASE, MMU_WRITE, 1, &pa, &ec) != 0);
    check_pair(&s, parent, child);

    /* the child writes first: a copy, the parent keeps the frame */
    use_mm(&s, child);
    poke(&s, BASE, 0xc1);
    CHECK_EQ(last_resolution, FR_COW_COPY);
    uint32_t copy = follow_pte(child, BASE);
    CHECK(copy != pfn && copy != PFN_NONE);
    CHECK(pte_of(child, BASE) & _PAGE_RW);
    CHECK(page_at(&s, copy)->flags & PG_anon);
    CHECK(page_at(&s, copy)->mapping == anon_vma_ptr(cv->anon_vma));
    CHECK(!memcmp((uint8_t *)pfn_to_host(&s.k.pm, copy) + 1,
                  (uint8_t *)pfn_to_host(&s.k.pm, pfn) + 1, PG - 1));
    CHECK_EQ(peek(&s, BASE + 5), 35);
    CHECK_EQ(page_mapcount(page_at(&s, pfn)), 1);
    CHECK_EQ(page_at(&s, pfn)->_refcount, 1);
    /* the child's write to the zero page: a new zeroed page of its own */
    poke(&s, BASE + PG, 9);
    CHECK_EQ(last_resolution, FR_COW_ZERO);
    CHECK_EQ(page_mapcount(page_at(&s, s.k.zero_pfn)), zero_maps);

    /* then the parent: mapped once, reused in place */
    use_mm(&s, parent);
    CHECK_EQ(peek(&s, BASE), 0);
    poke(&s, BASE, 0xa1);
    CHECK_EQ(last_resolution, FR_COW_REUSE);
    CHECK_EQ(follow_pte(parent, BASE), pfn);
    CHECK(pte_of(parent, BASE) & _PAGE_RW);
    CHECK(page_at(&s, pfn)->mapping == anon_vma_ptr(pv->anon_vma));
    CHECK_EQ(((uint8_t *)pfn_to_host(&s.k.pm, copy))[0], 0xc1);
    check_pair(&s, parent, child);

    if (child_first) {
        mmput(child);
        CHECK_EQ(free_frames(&s), free0);              /* the child's frames, tables, objects */
        CHECK_EQ(peek(&s, BASE + 5), 35);
    } else {
        mmput(parent);
        use_mm(&s, child);
        CHECK_EQ(peek(&s, BASE), 0xc1);
        CHECK_EQ(peek(&s, BASE + PG), 9);
        check_mm(&s);
    }
    sys_fini(&s);                                      /* every frame back */
}

/* The page of a COW mapping written by nobody after fork: both keep it,
 * read-only, and whichever mm goes first leaves it to the other. */
static void test_anon_teardown_order(void)
{
    for (int child_first = 0; child_first < 2; child_first++) {
        struct sys s;
        if (boot(&s, 16 * MiB))
            return;
        struct mm_struct *parent = s.mm;
        CHECK_EQ(do_mmap(parent, BASE, 8 * PG, RW, FIXED, NULL, 0, 0, NULL), BASE);
        CHECK_EQ(do_mmap(parent, 0x60000000, PG, RW, FIXED, NULL, 0, 0, NULL), 0x60000000);
        for (uint32_t i = 0; i < 8; i++)
            poke(&s, BASE + i * PG, (uint8_t)(i + 1));
        poke(&s, 0x60000000, 0x66);                    /* a second page table */
        uint32_t free0 = free_frames(&s);
        struct mm_struct *child = dup_mm(parent, 2);
        CHECK(child != NULL);
        if (!child)
            return;
        CHECK_EQ(child->pgtable_pages, parent->pgtable_pages);
        check_pair(&s, parent, child);
        struct mm_struct *keep = child_first ? parent : child;
        mmput(child_first ? child : parent);
        use_mm(&s, keep);
        for (uint32_t i = 0; i < 8; i++)
            CHECK_EQ(peek(&s, BASE + i * PG), (int)(i + 1));
        CHECK_EQ(peek(&s, 0x60000000), 0x66);
        poke(&s, BASE, 0x77);                          /* mapped once again: reused */
        CHECK_EQ(last_resolution, FR_COW_REUSE);
        check_mm(&s);
        if (child_first)
            CHECK_EQ(free_frames(&s), free0);
        sys_fini(&s);
    }
}

/* "mmap: avoid merging cloned VMAs": a forked VMA's chain is not singular,
 * so a new unfaulted range next to it stays apart in the child (and takes
 * no anon_vma from it), while the parent's merges. */
static void test_cloned_vmas_do_not_merge(void)
{
    struct sys s;
    if (boot(&s, 16 * MiB))
        return;
    struct mm_struct *parent = s.mm;
    CHECK_EQ(do_mmap(parent, BASE, 2 * PG, RW, FIXED, NULL, 0, 0, NULL), BASE);
    poke(&s, BASE, 1);
    struct mm_struct *child = dup_mm(parent, 2);
    CHECK(child != NULL);
    if (!child)
        return;
    uint32_t maps = parent->map_count;
    CHECK_EQ(do_mmap(parent, BASE + 2 * PG, PG, RW, FIXED, NULL, 0, 0, NULL), BASE + 2 * PG);
    CHECK_EQ(parent->map_count, maps);                 /* merged */
    CHECK_EQ(do_mmap(child, BASE + 2 * PG, PG, RW, FIXED, NULL, 0, 0, NULL), BASE + 2 * PG);
    CHECK_EQ(child->map_count, maps + 1);              /* apart */
    use_mm(&s, child);
    poke(&s, BASE + 2 * PG, 2);                        /* an anon_vma of its own */
    const struct vm_area_struct *lo = vma_lookup(child, BASE), *hi = vma_lookup(child, BASE + 2 * PG);
    CHECK(lo && hi && lo != hi && hi->anon_vma && hi->anon_vma != lo->anon_vma);
    check_vmas(child);
    check_pair(&s, parent, child);
    use_mm(&s, parent);
    mmput(child);
    sys_fini(&s);
}

/* ---- shared memory -------------------------------------------------------- */

static void test_shared_anon(void)
{
    struct sys s;
    if (boot(&s, 16 * MiB))
        return;
    struct mm_struct *parent = s.mm;
    CHECK_EQ(do_mmap(parent, BASE, PG, RW, MAP_SHARED_ | MAP_ANONYMOUS_ | MAP_FIXED_, NULL, 0, 0,
                     NULL), BASE);
    poke(&s, BASE, 0x33);
    uint32_t pfn = follow_pte(parent, BASE);
    struct mm_struct *child = dup_mm(parent, 2);
    CHECK(child != NULL);
    if (!child)
        return;
    const struct vm_area_struct *cv = vma_lookup(child, BASE);
    CHECK(cv && (cv->vm_flags & VM_SHARED) && cv->vm_file == vma_lookup(parent, BASE)->vm_file);
    CHECK(pte_of(parent, BASE) & _PAGE_RW);            /* not write-protected */
    CHECK_EQ(follow_pte(child, BASE), PFN_NONE);       /* vma_needs_copy: left to the fault */
    use_mm(&s, child);
    CHECK_EQ(peek(&s, BASE), 0x33);
    poke(&s, BASE, 0x44);
    CHECK_EQ(follow_pte(child, BASE), pfn);            /* one frame, no COW */
    CHECK(pte_of(child, BASE) & _PAGE_RW);
    CHECK_EQ(page_mapcount(page_at(&s, pfn)), 2);
    use_mm(&s, parent);
    CHECK_EQ(peek(&s, BASE), 0x44);
    poke(&s, BASE + 1, 0x45);
    use_mm(&s, child);
    CHECK_EQ(peek(&s, BASE + 1), 0x45);
    check_pair(&s, parent, child);
    /* a truncate unmaps the page in every mm (unmap_mapping_range walks
     * the file's i_mmap, the child's VMA included) */
    struct inode *ino = vma_lookup(parent, BASE)->vm_file->inode;
    truncate_pagecache(&s.k, parent, ino, 0);
    CHECK_EQ(follow_pte(parent, BASE), PFN_NONE);
    CHECK_EQ(follow_pte(child, BASE), PFN_NONE);
    CHECK_EQ(page_mapcount(page_at(&s, pfn)), 0);
    check_pair(&s, parent, child);
    mmput(child);
    use_mm(&s, parent);
    sys_fini(&s);
}

static uint32_t nattch(struct kernel *k, long id)
{
    const struct shmid_kernel *shp = shm_of(ipc_obtain_object_check(shm_ids(k), (int)id));
    return shp ? shp->shm_nattch : ~0u;
}

static void test_sysv_shm(void)
{
    struct sys s;
    struct task_struct *t = boot_task(&s);
    if (!t)
        return;
    s.k.timing = (struct fault_timing){ NULL, on_fault };
    long id = ksys_shmget(t, IPC_PRIVATE_, 2 * PG, 0600);
    uint32_t addr = 0;
    CHECK(id >= 0);
    CHECK(user_page(t) != 0);                          /* a private page as well */
    (void)fixture_syscall;
    CHECK_EQ(do_shmat(t, (int)id, 0, 0, &addr), 0);
    CHECK_EQ(nattch(&s.k, id), 1);
    uint32_t v = 0x5eed, w = 0;
    CHECK_EQ(copy_to_user(t->mm, addr, &v, 4), 0);
    struct mm_struct *child = dup_mm(t->mm, 2);
    CHECK(child != NULL);
    if (!child)
        return;
    CHECK_EQ(nattch(&s.k, id), 2);                     /* shm_open of the child's copy */
    use_mm(&s, child);                                 /* uaccess goes through CR3 */
    CHECK_EQ(copy_from_user(child, &w, addr, 4), 0);
    CHECK_EQ(w, v);
    v = 0xfeed;
    CHECK_EQ(copy_to_user(child, addr, &v, 4), 0);
    use_mm(&s, t->mm);
    CHECK_EQ(copy_from_user(t->mm, &w, addr, 4), 0);
    CHECK_EQ(w, 0xfeed);                               /* one segment, no COW */
    CHECK_EQ(follow_pte(child, addr), follow_pte(t->mm, addr));
    CHECK(pte_of(child, addr) & _PAGE_RW);
    CHECK(pte_of(t->mm, addr) & _PAGE_RW);
    mmput(child);
    s.mm = NULL;                                       /* the task owns the parent */
    CHECK_EQ(nattch(&s.k, id), 1);
    CHECK_EQ(ksys_shmdt(t, addr), 0);
    CHECK_EQ(ksys_shmctl(t, (int)id, IPC_RMID_, 0, 0), 0);
    task_free(t);
    sys_fini(&s);
}

/* ---- a private file mapping ------------------------------------------------ */

static int make_file(char *path, size_t n)
{
    snprintf(path, n, "/tmp/memsim-forkmm-XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    uint8_t b[2 * PG];
    for (uint32_t i = 0; i < sizeof b; i++)
        b[i] = (uint8_t)(i * 13 + 1);
    CHECK_EQ(write(fd, b, sizeof b), (long)sizeof b);
    return fd;
}

static void test_file_private(void)
{
    struct sys s;
    if (boot(&s, 16 * MiB))
        return;
    s.k.fault_around_pages = 0;
    char path[64];
    int fd = make_file(path, sizeof path);
    struct vm_file *vmf = vm_file_get(&s.k.vm_files, fd, path);
    CHECK(vmf != NULL);
    struct mm_struct *parent = s.mm;
    CHECK_EQ(do_mmap(parent, BASE, 2 * PG, RW, MAP_PRIVATE_ | MAP_FIXED_, vmf, 0, 2 * PG, NULL),
             BASE);
    CHECK_EQ(do_mmap(parent, 0x60000000, 2 * PG, RO, MAP_PRIVATE_ | MAP_FIXED_, vmf, 0, 2 * PG,
                     NULL), 0x60000000);
    vm_file_put(vmf);                                  /* the VMAs hold it */
    CHECK_EQ(peek(&s, BASE), 1);                       /* the cache page, read-only */
    poke(&s, BASE + PG, 0x99);                         /* a private copy: an anon_vma */
    CHECK_EQ(peek(&s, 0x60000000), 1);
    uint32_t cache = follow_pte(parent, BASE), anon = follow_pte(parent, BASE + PG);
    CHECK(page_at(&s, cache)->flags & PG_file);
    CHECK_EQ(follow_pte(parent, 0x60000000), cache);
    struct mm_struct *child = dup_mm(parent, 2);
    CHECK(child != NULL);
    if (!child)
        return;
    CHECK_EQ(vmf->refs, 4);                            /* two VMAs in each mm */
    CHECK_EQ(follow_pte(child, BASE), cache);          /* shared read-only */
    CHECK_EQ(follow_pte(child, BASE + PG), anon);
    CHECK(!(pte_of(child, BASE + PG) & _PAGE_RW) && !(pte_of(parent, BASE + PG) & _PAGE_RW));
    CHECK_EQ(page_mapcount(page_at(&s, cache)), 3);
    CHECK_EQ(follow_pte(child, 0x60000000), PFN_NONE); /* no anon_vma: not copied */
    check_pair(&s, parent, child);
    use_mm(&s, child);
    CHECK_EQ(peek(&s, 0x60000000 + 3), 40);            /* refilled from the cache */
    CHECK_EQ(follow_pte(child, 0x60000000), cache);
    poke(&s, BASE + 2, 0x55);                          /* write: a private copy */
    CHECK_EQ(last_resolution, FR_COW_COPY);
    uint32_t copy = follow_pte(child, BASE);
    CHECK(copy != cache && (page_at(&s, copy)->flags & PG_anon));
    CHECK_EQ(peek(&s, BASE + 3), 40);
    CHECK_EQ(((uint8_t *)pfn_to_host(&s.k.pm, cache))[2], 27);    /* the file's bytes */
    CHECK_EQ(follow_pte(parent, BASE), cache);
    poke(&s, BASE + PG, 0x98);                         /* the shared anon page: copied */
    CHECK(follow_pte(child, BASE + PG) != anon);
    use_mm(&s, parent);
    CHECK_EQ(peek(&s, BASE + PG), 0x99);
    check_pair(&s, parent, child);
    mmput(child);
    CHECK_EQ(vmf->refs, 2);
    sys_fini(&s);
    close(fd);
    unlink(path);
}

/* ---- madvise and mlock flags -------------------------------------------- */

static void test_dontfork_wipeonfork(void)
{
    struct sys s;
    if (boot(&s, 16 * MiB))
        return;
    struct mm_struct *parent = s.mm;
    const uint32_t dont = BASE, wipe = BASE + 0x100000, lock = BASE + 0x200000;
    CHECK_EQ(do_mmap(parent, dont, PG, RW, FIXED, NULL, 0, 0, NULL), dont);
    CHECK_EQ(do_mmap(parent, wipe, 2 * PG, RW, FIXED, NULL, 0, 0, NULL), wipe);
    CHECK_EQ(do_mmap(parent, lock, PG, RW, FIXED, NULL, 0, 0, NULL), lock);
    CHECK_EQ(do_madvise(parent, dont, PG, MADV_DONTFORK_), 0);
    CHECK_EQ(do_madvise(parent, wipe, 2 * PG, MADV_WIPEONFORK_), 0);
    CHECK_EQ(do_mlock(parent, lock, PG, 0), 0);
    /* half of an unfaulted region locked on fault: two VMAs that differ
     * only in VM_LOCKONFAULT, alike in the child, and left apart there */
    CHECK_EQ(do_mmap(parent, lock + 0x100000, 2 * PG, RW, FIXED, NULL, 0, 0, NULL), lock + 0x100000);
    CHECK_EQ(do_mlock(parent, lock + 0x100000 + PG, PG, MLOCK_ONFAULT_), 0);
    CHECK_EQ(do_mlockall(parent, MCL_FUTURE_), 0);
    poke(&s, dont, 1);
    poke(&s, wipe, 2);
    poke(&s, lock, 3);
    struct mm_struct *child = dup_mm(parent, 2);
    CHECK(child != NULL);
    if (!child)
        return;
    CHECK(vma_lookup(child, dont) == NULL);
    CHECK_EQ(child->map_count, parent->map_count - 1);
    const struct vm_area_struct *w = vma_lookup(child, wipe), *l = vma_lookup(child, lock);
    CHECK(w && w->vm_start == wipe && w->vm_end == wipe + 2 * PG && (w->vm_flags & VM_WIPEONFORK));
    CHECK(w && !w->anon_vma);
    CHECK_EQ(follow_pte(child, wipe), PFN_NONE);
    CHECK(pte_of(parent, wipe) & _PAGE_RW);            /* the parent's pages untouched */
    CHECK(l && !(l->vm_flags & VM_LOCKED_MASK));
    CHECK(vma_lookup(parent, lock)->vm_flags & VM_LOCKED);
    CHECK_EQ(child->def_flags, 0);
    l = vma_lookup(child, lock + 0x100000 + PG);
    CHECK(l && l->vm_start == lock + 0x100000 + PG && !(l->vm_flags & VM_LOCKED_MASK));
    CHECK(l && vma_lookup(child, lock + 0x100000)->vm_flags == l->vm_flags);
    CHECK_EQ(follow_pte(child, lock), follow_pte(parent, lock));
    use_mm(&s, child);
    CHECK_EQ(peek(&s, wipe), 0);                       /* fresh memory */
    CHECK_EQ(peek(&s, lock), 3);
    CHECK(touch(&s, dont, MMU_READ, NULL) == FAULT_SIGSEGV_MAPERR);
    use_mm(&s, parent);
    CHECK_EQ(peek(&s, wipe), 2);
    CHECK_EQ(peek(&s, dont), 1);
    check_pair(&s, parent, child);
    mmput(child);
    CHECK_EQ(do_munlockall(parent), 0);
    sys_fini(&s);
}

static void run_all(void)
{
    test_anon_cow(1);
    test_anon_cow(0);
    test_anon_teardown_order();
    test_cloned_vmas_do_not_merge();
    test_shared_anon();
    test_sysv_shm();
    test_file_private();
    test_dontfork_wipeonfork();
}

int main(void)
{
    run_in_every_paging_mode(run_all);
    return CHECK_DONE();
}
