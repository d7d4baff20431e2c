/*
 * sys_segment.c — the descriptor system calls: set_thread_area and
 * get_thread_area (GDT entries 6-8, arch/x86/kernel/tls.c) and modify_ldt
 * (the process's LDT, arch/x86/kernel/ldt.c).
 *
 * Both take a struct user_desc {entry_number, base_addr, limit, flags}
 * and build the descriptor as Linux's fill_ldt does, with the accessed bit
 * preset so the CPU never writes a descriptor table.  A changed descriptor
 * affects a segment register only when it is next loaded, as on hardware.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/sys_internal.h"

/* set_thread_area: struct user_desc -> a TLS descriptor in GDT entries 6-8 (arch/x86/kernel/tls.c). */
#define GDT_ENTRY_TLS_MAX (GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES - 1)

/* Write TLS entry e (a GDT number) of t and load it into the CPU, as
 * set_tls_desc + load_TLS do. */
static void tls_set(struct task_struct *t, uint32_t e, const uint8_t d[8])
{
    memcpy(t->tls_array[e - GDT_ENTRY_TLS_MIN], d, 8);
    if (t->k->arch.load_tls)
        t->k->arch.load_tls(t->k->arch.ctx, t, e - GDT_ENTRY_TLS_MIN);
}

static void fill_desc(uint8_t d[8], const uint32_t u[4])
{
    uint32_t base = u[1], limit = u[2], fl = u[3];
    uint32_t seg_32bit = fl & 1, contents = (fl >> 1) & 3, read_exec_only = (fl >> 3) & 1;
    uint32_t limit_in_pages = (fl >> 4) & 1, seg_not_present = (fl >> 5) & 1, useable = (fl >> 6) & 1;
    uint32_t type = ((read_exec_only ^ 1) << 1) | (contents << 2) | 1;   /* accessed preset */
    d[0] = (uint8_t)limit; d[1] = (uint8_t)(limit >> 8);
    d[2] = (uint8_t)base; d[3] = (uint8_t)(base >> 8); d[4] = (uint8_t)(base >> 16);
    d[5] = (uint8_t)(type | 0x10 | 0x60 | ((seg_not_present ^ 1) << 7));   /* S=1, DPL 3 */
    d[6] = (uint8_t)(((limit >> 16) & 0xf) | (useable << 4) | (seg_32bit << 6) | (limit_in_pages << 7));
    d[7] = (uint8_t)(base >> 24);
}

static int desc_is_empty(const uint32_t u[4])
{
    /* LDT_empty: base, limit zero; read_exec_only and seg_not_present set */
    return u[1] == 0 && u[2] == 0 && (u[3] & 0x28) == 0x28 && (u[3] & 0x57) == 0;
}

SYSCALL_DEFINE1(set_thread_area, uint32_t, u_info)
{
    uint32_t u[4];
    if (copy_from_user(t->mm, u, u_info, sizeof u))
        return -EFAULT;
    if (u[0] == UINT32_MAX) {
        for (uint32_t e = GDT_ENTRY_TLS_MIN; e <= GDT_ENTRY_TLS_MAX; e++) {
            const uint8_t *d = t->tls_array[e - GDT_ENTRY_TLS_MIN];
            if (!(d[5] & 0x80) && !d[0] && !d[1] && !d[6]) {   /* free slot */
                u[0] = e;
                break;
            }
        }
        if (u[0] == UINT32_MAX)
            return -ESRCH;
        if (copy_to_user(t->mm, u_info, &u[0], 4))
            return -EFAULT;
    }
    if (u[0] < GDT_ENTRY_TLS_MIN || u[0] > GDT_ENTRY_TLS_MAX)
        return -EINVAL;
    uint8_t d[8] = { 0 };
    if (!desc_is_empty(u))
        fill_desc(d, u);
    tls_set(t, u[0], d);
    return 0;
}

long thread_area_desc(struct task_struct *t, uint32_t u_info, uint32_t *entry, uint8_t d[8])
{
    uint32_t u[4];
    if (copy_from_user(t->mm, u, u_info, sizeof u))
        return -EFAULT;
    if (u[0] < GDT_ENTRY_TLS_MIN || u[0] > GDT_ENTRY_TLS_MAX)
        return -EINVAL;                 /* no allocation (entry -1) for clone */
    memset(d, 0, 8);
    if (!desc_is_empty(u))
        fill_desc(d, u);
    *entry = u[0];
    return 0;
}

SYSCALL_DEFINE1(get_thread_area, uint32_t, u_info)
{
    uint32_t idx;
    if (copy_from_user(t->mm, &idx, u_info, 4))
        return -EFAULT;
    if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
        return -EINVAL;
    const uint8_t *d = t->tls_array[idx - GDT_ENTRY_TLS_MIN];
    uint32_t base = d[2] | d[3] << 8 | d[4] << 16 | (uint32_t)d[7] << 24;
    uint32_t limit = d[0] | d[1] << 8 | (d[6] & 0xfu) << 16;
    uint32_t type = d[5] & 0xf;
    uint32_t fl = ((d[6] >> 6) & 1) | ((type >> 2) & 3) << 1 | (((type >> 1) & 1) ^ 1) << 3 |
                  ((d[6] >> 7) & 1) << 4 | (((d[5] >> 7) & 1) ^ 1) << 5 | ((d[6] >> 4) & 1) << 6;
    uint32_t u[4] = { idx, base, limit, fl };
    return copy_to_user(t->mm, u_info, u, sizeof u) ? -EFAULT : 0;
}

/*
 * The process's LDT (alloc_ldt_struct): a struct ldt_struct from kmalloc
 * (entries, nr_entries, slot: 12 bytes on i386) and the entries.  The
 * model's LDT always has all LDT_ENTRIES (Linux's grows to the highest
 * entry written); a table above a page 6.1 allocates with
 * __vmalloc(GFP_KERNEL_ACCOUNT | __GFP_ZERO), so this one is in the vmalloc
 * area, mapped read-only for the CPU at its vmalloc address, LDTR pointing
 * at it.  Allocated on first use, freed with the task (free_ldt_struct).
 */
#define LDT_STRUCT_SIZE 12u

static int ldt_alloc(struct task_struct *t)
{
    if (t->ldt)
        return 0;
    t->ldt_obj = kmalloc(&t->k->slab, LDT_STRUCT_SIZE);
    t->ldt = t->ldt_obj ? vmalloc_gfp(t->k, LDT_SIZE, GFP_KERNEL | __GFP_ZERO, "alloc_ldt_struct")
                        : 0;
    if (!t->ldt) {
        kfree(&t->k->slab, t->ldt_obj);
        t->ldt_obj = 0;
        return -ENOMEM;
    }
    if (t->k->arch.load_ldt && t->k->arch.load_ldt(t->k->arch.ctx, t)) {
        t->ldt_obj = t->ldt = 0;     /* the CPU may map part of it: never reused */
        return -ENOMEM;
    }
    return 0;
}

int ldt_dup(struct task_struct *p, const struct task_struct *parent)
{
    p->ldt = p->ldt_obj = 0;
    if (!parent->ldt)
        return 0;
    uint8_t *buf = malloc(LDT_SIZE);
    p->ldt_obj = buf ? kmalloc(&p->k->slab, LDT_STRUCT_SIZE) : 0;
    p->ldt = p->ldt_obj ? vmalloc_gfp(p->k, LDT_SIZE, GFP_KERNEL | __GFP_ZERO, "alloc_ldt_struct")
                        : 0;
    if (!p->ldt) {
        if (p->ldt_obj)
            kfree(&p->k->slab, p->ldt_obj);
        p->ldt_obj = 0;
        free(buf);
        return -ENOMEM;
    }
    vmalloc_read(p->k, parent->ldt, buf, LDT_SIZE);
    vmalloc_write(p->k, p->ldt, buf, LDT_SIZE);
    free(buf);
    return 0;
}

void ldt_free(struct task_struct *t)
{
    vfree(t->k, t->ldt);
    kfree(&t->k->slab, t->ldt_obj);
    t->ldt = t->ldt_obj = 0;
}

uint32_t ldt_read(const struct task_struct *t, void *buf, uint32_t len)
{
    if (!t->ldt)
        return 0;
    len = len < LDT_SIZE ? len : LDT_SIZE;
    vmalloc_read(t->k, t->ldt, buf, len);
    return len;
}

static long write_ldt(struct task_struct *t, uint32_t uptr, uint32_t bytecount, int oldmode)
{
    uint32_t u[4];
    if (bytecount != sizeof u)
        return -EINVAL;
    if (copy_from_user(t->mm, u, uptr, sizeof u))
        return -EFAULT;
    if (u[0] >= LDT_ENTRIES)
        return -EINVAL;
    if ((u[3] >> 1 & 3) == 3 && (oldmode || !(u[3] & 0x20)))
        return -EINVAL;                     /* contents 3 (conforming code) must be not present */
    long r = ldt_alloc(t);
    if (r)
        return r;
    uint8_t d[8] = { 0 };
    if (oldmode)
        u[3] &= ~0x40u;                     /* the old ABI has no useable bit */
    if (!(u[1] == 0 && u[2] == 0 && (oldmode || desc_is_empty(u))))
        fill_desc(d, u);
    vmalloc_write(t->k, t->ldt + 8 * u[0], d, 8);
    return 0;
}

/* modify_ldt(func, ptr, bytecount): 0 read, 1 write (old ABI), 2 read the
 * default LDT (empty), 0x11 write. */
SYSCALL_DEFINE3(modify_ldt, uint32_t, func, uint32_t, ptr, uint32_t, bytecount)
{
    switch (func) {
    case 0: {                               /* read_ldt */
        uint32_t n = t->ldt ? (bytecount < LDT_SIZE ? bytecount : LDT_SIZE) : 0;
        uint8_t *buf = n ? malloc(n) : NULL;
        if (n && !buf)
            return -ENOMEM;
        long r = n && copy_to_user(t->mm, ptr, buf, ldt_read(t, buf, n)) ? -EFAULT : (long)n;
        free(buf);
        return r;
    }
    case 2: {
        uint8_t zero[40] = { 0 };
        uint32_t n = bytecount < sizeof zero ? bytecount : (uint32_t)sizeof zero;
        return copy_to_user(t->mm, ptr, zero, n) ? -EFAULT : (long)n;
    }
    case 1:    return write_ldt(t, ptr, bytecount, 1);
    case 0x11: return write_ldt(t, ptr, bytecount, 0);
    default:   return -ENOSYS;
    }
}
