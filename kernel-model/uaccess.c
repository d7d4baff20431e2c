/*
 * uaccess.c — the kernel touching user memory (copy_from_user and friends).
 *
 * Each page is translated by the MMU as a supervisor access, exactly like
 * the kernel's own loads and stores: a missing page faults and is resolved
 * by do_page_fault (demand paging, COW with CR0.WP), and an address that no
 * fault can fix gives -EFAULT, as the exception-table fixup does in Linux.
 * Corrupt tables (an entry past RAM) are -EFAULT too, after do_page_fault
 * told the bad_pagetable notifier, which ends the run; no byte outside the
 * RAM mapping is ever read or written.
 */
#include <errno.h>
#include <string.h>
#include "kernel-model/mm.h"

/* Host pointer to user address va for an access, faulting it in; NULL: -EFAULT. */
static uint8_t *user_page(struct mm_struct *mm, uint32_t va, enum mmu_access acc)
{
    struct mmu *m = mm->k->mmu;
    uint64_t pa;
    uint32_t ec;

    if (va >= TASK_SIZE)
        return NULL;                              /* access_ok() */
    for (int tries = 0; tries < 3; tries++) {
        /* The MMU hands out no translation past RAM (MMU_PF_BADFRAME);
         * checked again here, where the host pointer is made. */
        if (mmu_translate(m, va, acc, 0, &pa, &ec) == 0)
            return pa < m->phys_size && PAGE_SIZE - (pa & ~PAGE_MASK) <= m->phys_size - pa
                   ? m->phys + pa : NULL;
        if (do_page_fault(mm, va, ec, acc, 0) != FAULT_OK)
            return NULL;
    }
    return NULL;
}

static int copy_user(struct mm_struct *mm, uint32_t uaddr, uint8_t *kbuf, uint32_t len,
                     enum mmu_access acc)
{
    if ((uint64_t)uaddr + len > TASK_SIZE)
        return -EFAULT;
    while (len) {
        uint32_t chunk = PAGE_SIZE - (uaddr & ~PAGE_MASK);
        if (chunk > len)
            chunk = len;
        uint8_t *p = user_page(mm, uaddr, acc);
        if (!p)
            return -EFAULT;
        if (acc == MMU_WRITE) {
            memcpy(p, kbuf, chunk);
            if (mm->notifier.user_written)
                mm->notifier.user_written(mm->notifier.ctx, mm, uaddr, chunk);
        } else
            memcpy(kbuf, p, chunk);
        uaddr += chunk;
        kbuf += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_from_user(struct mm_struct *mm, void *dst, uint32_t src, uint32_t len)
{
    return copy_user(mm, src, dst, len, MMU_READ);
}

int copy_to_user(struct mm_struct *mm, uint32_t dst, const void *src, uint32_t len)
{
    return copy_user(mm, dst, (uint8_t *)src, len, MMU_WRITE);
}

long strncpy_from_user(struct mm_struct *mm, char *dst, uint32_t src, uint32_t max)
{
    for (uint32_t n = 0; n < max; ) {
        uint32_t chunk = PAGE_SIZE - ((src + n) & ~PAGE_MASK);
        if (chunk > max - n)
            chunk = max - n;
        uint8_t *p = user_page(mm, src + n, MMU_READ);
        if (!p)
            return -EFAULT;
        uint8_t *nul = memchr(p, 0, chunk);
        uint32_t take = nul ? (uint32_t)(nul - p) + 1 : chunk;
        memcpy(dst + n, p, take);
        if (nul)
            return n + take - 1;
        n += take;
    }
    return -ENAMETOOLONG;
}
