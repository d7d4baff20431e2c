/*
 * check.c — the checker sink: each outcome the replay produces is compared
 * with the next recorded one of the current input's group (check.h).
 *
 * A strict replay stops at the first difference; a what-if replay counts
 * them (a differing outcome replaces the recorded one it stands for, a
 * missing or extra one counts alone) and starts each input's group afresh.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "replay/check.h"

_Static_assert(EV_SYSCALL_EXIT == 2 && EV_FAULT == 4 && EV_WALK == 5 && EV_ALLOC == 6 &&
               EV_VMA == 8 && EV_TLB_FLUSH == 9 && EV_UACCESS == 13,
               "outcome_sql hard-codes the event types");

/* Same format, column by column, as outcome_format below. */
const char outcome_sql[] =
    "SELECT seq, cause, 4, printf('fault 0x%08x %s ec=%d eip=0x%08x %s %s pfn=%s', address,"
    " ifnull(access,''), error_code, eip, kind, resolution, ifnull(pfn,'-')), 0, 0, 0, NULL"
    " FROM faults"
    " UNION ALL SELECT seq, cause, 6, printf('%s %s order=%d pfn=%d zone=%s purpose=%s',"
    " allocator, op, ord, pfn, ifnull(zone,''), ifnull(purpose,'')), 0, 0, 0, NULL FROM allocations"
    " UNION ALL SELECT seq, cause, 8, printf('vma %s 0x%08x-0x%08x prot=%d flags=0x%x name=%s',"
    " op, start, stop, prot, flags, ifnull(name,'')), 0, 0, 0, NULL FROM vmas"
    " UNION ALL SELECT seq, cause, 9, printf('flush %s vaddr=%s cr3=0x%x', kind,"
    " CASE WHEN vaddr IS NULL THEN '-' ELSE printf('0x%08x', vaddr) END, cr3), 0, 0, 0, NULL" " FROM tlb_flushes"
    " UNION ALL SELECT seq, cause, 2, printf('syscall %s = %d', name, ret), 0, 0, 0, NULL"
    " FROM syscalls"
    " UNION ALL SELECT seq, cause, 13, printf('uaccess %s 0x%08x len=%d result=%d', dir, addr,"
    " len, result), CASE dir WHEN 'read' THEN 0 WHEN 'write' THEN 1 ELSE 2 END, addr, len, data"
    " FROM uaccess"
    " UNION ALL SELECT seq, cause, 5, printf('walk 0x%08x %s user=%d %s ec=%s paddr=%s', vaddr,"
    " ifnull(access,''), user, result, ifnull(error_code,'-'), ifnull(paddr,'-')), 0, 0, 0, NULL"
    " FROM translations WHERE cause IN (SELECT begin_seq FROM faults)"
    " ORDER BY 1";

static const char *access_str(uint8_t a)
{
    static const char *const n[] = { "read", "write", "fetch" };   /* enum mmu_access */
    return a < 3 ? n[a] : "";
}

static const char *str(const char *s)
{
    return s ? s : "";
}

static int format_walk(const struct event *ev, uint64_t open_fault, char *buf, size_t n)
{
    const struct walk_event *w = &ev->u.walk;
    if (!open_fault || ev->cause != open_fault)
        return 0;           /* the guest's TLB misses and the kernel's TLB-dependent walks */
    char ec[16] = "-", pa[24] = "-";
    if (w->fault)
        snprintf(ec, sizeof ec, "%u", w->error_code);
    else
        snprintf(pa, sizeof pa, "%" PRIu64, w->paddr);
    snprintf(buf, n, "walk 0x%08x %s user=%u %s ec=%s paddr=%s", w->vaddr,
             access_str(w->access), w->user, w->fault ? "fault" : "ok", ec, pa);
    return 1;
}

int outcome_format(const struct event *ev, uint64_t open_fault, char *buf, size_t n)
{
    const struct fault_event *f = &ev->u.fault;
    const struct alloc_event *a = &ev->u.alloc;
    const struct vma_event *v = &ev->u.vma;
    const struct uaccess_event *u = &ev->u.uaccess;
    char pfn[16] = "-";
    switch (ev->type) {
    case EV_FAULT:
        if (f->pfn != UINT32_MAX)
            snprintf(pfn, sizeof pfn, "%u", f->pfn);
        snprintf(buf, n, "fault 0x%08x %s ec=%u eip=0x%08x %s %s pfn=%s", f->address,
                 access_str(f->access), f->error_code, f->eip,
                 fault_kind_name((enum fault_kind)f->kind),
                 fault_resolution_name((enum fault_resolution)f->resolution), pfn);
        return 1;
    case EV_ALLOC:
    case EV_FREE:
        snprintf(buf, n, "%s %s order=%u pfn=%u zone=%s purpose=%s", str(a->allocator),
                 str(a->op), a->order, a->pfn, str(a->zone), str(a->purpose));
        return 1;
    case EV_VMA:
        snprintf(buf, n, "vma %s 0x%08x-0x%08x prot=%u flags=0x%x name=%s", str(v->op),
                 v->start, v->end, v->prot, v->flags, str(v->name));
        return 1;
    case EV_TLB_FLUSH:
        if (ev->u.flush.kind == FLUSH_INVLPG)
            snprintf(pfn, sizeof pfn, "0x%08x", ev->u.flush.vaddr);
        snprintf(buf, n, "flush %s vaddr=%s cr3=0x%x",
                 flush_kind_name((enum flush_kind)ev->u.flush.kind), pfn, ev->u.flush.cr3);
        return 1;
    case EV_SYSCALL_EXIT:
        snprintf(buf, n, "syscall %s = %d", str(ev->u.syscall.name), ev->u.syscall.ret);
        return 1;
    case EV_UACCESS:
        snprintf(buf, n, "uaccess %s 0x%08x len=%u result=%d",
                 uaccess_dir_name((enum uaccess_dir)u->dir), u->addr, u->len, u->result);
        return 1;
    case EV_WALK:
        return format_walk(ev, open_fault, buf, n);
    default:
        return 0;
    }
}

static const char *table_of(enum event_type t)
{
    switch (t) {
    case EV_FAULT: return "faults";
    case EV_ALLOC: case EV_FREE: return "allocations";
    case EV_VMA: return "vmas";
    case EV_TLB_FLUSH: return "tlb_flushes";
    case EV_SYSCALL_EXIT: return "syscalls";
    case EV_UACCESS: return "uaccess";
    case EV_WALK: return "translations";
    default: return "?";
    }
}

static void append(struct checker *c, const char *fmt, const char *a, const char *b)
{
    char *t = c->rep->text;
    size_t used = strlen(t);
    if (used < REPLAY_TEXT - 1)
        snprintf(t + used, REPLAY_TEXT - used, fmt, a, b);
}

/* One difference: rec is the recorded outcome (NULL: the replay made one
 * more), got the replayed line (NULL: it made none). */
static void difference(struct checker *c, const struct outcome *rec, const char *got,
                       enum event_type got_type)
{
    struct replay_report *rep = c->rep;
    rep->differences++;
    if (!c->what_if)
        c->stop = 1;
    if (c->shown >= (c->what_if ? 5u : 1u))
        return;
    c->shown++;
    char head[160];
    size_t at = rec ? (size_t)(rec - c->rec) : c->cur;
    uint64_t seq = rec ? rec->seq : (at < c->nr ? c->rec[at].seq : 0);
    snprintf(head, sizeof head, "%s at seq %" PRIu64 " (%s)%s", c->shown == 1 ? "first divergence"
             : "divergence", seq, table_of(rec ? rec->type : got_type),
             rec ? "" : ": an event the recording does not have, before it");
    append(c, "%s%s:\n", head, "");
    if (c->shown == 1 && !c->what_if && at > 0) {
        unsigned k = c->context < at ? c->context : (unsigned)at;
        append(c, "  %s%s", "the events just before it (recorded and replayed alike):\n", "");
        for (size_t i = at - k; i < at; i++) {
            char line[64];
            snprintf(line, sizeof line, "    seq %" PRIu64 "  ", c->rec[i].seq);
            append(c, "%s%s\n", line, c->rec[i].text);
        }
    }
    append(c, "  recorded: %s\n  replayed: %s\n", rec ? rec->text : "(nothing)",
           got ? got : "(nothing: the replay did not produce it)");
}

void check_group(struct checker *c, uint64_t from, uint64_t to)
{
    c->cur = check_find(c, from);
    c->end = check_find(c, to);
}

void check_group_end(struct checker *c)
{
    while (c->cur < c->end && !c->stop) {
        difference(c, &c->rec[c->cur], NULL, EV_NR_TYPES);
        c->cur++;
    }
}

size_t check_find(const struct checker *c, uint64_t seq)
{
    size_t lo = 0, hi = c->nr;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->rec[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void check_consume(void *ctx, const struct event *ev)
{
    struct checker *c = ctx;
    char buf[512];
    if (ev->type == EV_FAULT_BEGIN) {
        c->open_fault = ev->seq;
        return;
    }
    int is_outcome = outcome_format(ev, c->open_fault, buf, sizeof buf);
    if (ev->type == EV_FAULT)
        c->open_fault = 0;
    if (!is_outcome || c->stop)
        return;
    if (c->cur < c->end) {
        const struct outcome *rec = &c->rec[c->cur++];
        c->rep->compared++;
        if (strcmp(rec->text, buf) != 0)
            difference(c, rec, buf, ev->type);
        return;
    }
    difference(c, NULL, buf, ev->type);
}

const uint8_t *check_recorded_bytes(void *ctx, enum uaccess_dir dir, uint32_t addr,
                                    uint32_t *len)
{
    const struct checker *c = ctx;
    for (size_t i = c->cur; i < c->end; i++) {
        const struct outcome *o = &c->rec[i];
        if (o->type == EV_UACCESS && o->dir == dir && o->addr == addr) {
            *len = o->len;
            return o->data;
        }
    }
    return NULL;
}
