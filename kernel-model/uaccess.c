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
 *
 * Every access that reaches user memory is an EV_UACCESS event (address,
 * length, result; a model call's reads with their bytes): replay repeats
 * the accesses, and the bytes it cannot recompute (what guest instructions
 * stored) come from k->uaccess_src instead of RAM.
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

static void emit_uaccess(struct mm_struct *mm, enum uaccess_dir dir, uint32_t addr,
                         uint32_t len, int32_t result, const uint8_t *data)
{
    struct kernel *k = mm->k;
    if (!k->events)
        return;
    struct event ev = { .type = EV_UACCESS, .pid = mm->pid, .tid = mm->pid };
    ev.u.uaccess = (struct uaccess_event){ .dir = (uint8_t)dir, .result = result,
                                           .addr = addr, .len = len,
                                           .data = dir == UA_STRING || (dir == UA_READ && !k->uaccess_host) ? data : NULL };
    event_emit(k->events, &ev);
}

/* A replay's recorded bytes for this read replace what RAM holds. */
static void replay_bytes(struct mm_struct *mm, uint32_t uaddr, uint8_t *kbuf, uint32_t len)
{
    const struct uaccess_source *src = &mm->k->uaccess_src;
    uint32_t got = len;
    const uint8_t *rec = src->recorded ? src->recorded(src->ctx, UA_READ, uaddr, &got) : NULL;
    if (rec)
        memcpy(kbuf, rec, got < len ? got : len);
}

static int copy_user(struct mm_struct *mm, uint32_t uaddr, uint8_t *kbuf, uint32_t len,
                     enum mmu_access acc)
{
    enum uaccess_dir dir = acc == MMU_WRITE ? UA_WRITE : UA_READ;
    uint32_t start = uaddr, total = len;
    uint8_t *kstart = kbuf;
    if ((uint64_t)uaddr + len > TASK_SIZE)
        return -EFAULT;
    while (len) {
        uint32_t chunk = PAGE_SIZE - (uaddr & ~PAGE_MASK);
        if (chunk > len)
            chunk = len;
        uint8_t *p = user_page(mm, uaddr, acc);
        if (!p) {
            emit_uaccess(mm, dir, start, total, -EFAULT, NULL);   /* the length asked */
            return -EFAULT;
        }
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
    if (total && dir == UA_READ)
        replay_bytes(mm, start, kstart, total);
    if (total)
        emit_uaccess(mm, dir, start, total, 0, kstart);
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

/* The string's bytes come from RAM, or in a replay from the recording
 * (rec, rec_len; past its end a NUL), page by page as the kernel reads. */
long strncpy_from_user(struct mm_struct *mm, char *dst, uint32_t src, uint32_t max)
{
    const struct uaccess_source *in = &mm->k->uaccess_src;
    uint32_t rec_len = 0;
    const uint8_t *rec = in->recorded ? in->recorded(in->ctx, UA_STRING, src, &rec_len) : NULL;
    static const uint8_t nul_byte;
    for (uint32_t n = 0; n < max; ) {
        uint32_t chunk = PAGE_SIZE - ((src + n) & ~PAGE_MASK);
        if (chunk > max - n)
            chunk = max - n;
        uint8_t *p = user_page(mm, src + n, MMU_READ);
        if (!p) {
            emit_uaccess(mm, UA_STRING, src, n, -EFAULT, (const uint8_t *)dst);
            return -EFAULT;
        }
        const uint8_t *from = p;
        if (rec) {
            from = n < rec_len ? rec + n : &nul_byte;
            if (n < rec_len && chunk > rec_len - n)
                chunk = rec_len - n;
            else if (n >= rec_len)
                chunk = 1;
        }
        const uint8_t *nul = memchr(from, 0, chunk);
        uint32_t take = nul ? (uint32_t)(nul - from) + 1 : chunk;
        memcpy(dst + n, from, take);
        if (nul) {
            emit_uaccess(mm, UA_STRING, src, n + take, 0, (const uint8_t *)dst);
            return n + take - 1;
        }
        n += take;
    }
    emit_uaccess(mm, UA_STRING, src, max, -ENAMETOOLONG, (const uint8_t *)dst);
    return -ENAMETOOLONG;
}
