/*
 * replay.c — replay_run(): read the recorded inputs, boot the kernel model
 * as recorded (or changed: --ram, --paging), rebuild the exec image and
 * re-drive every system call and guest page fault in seq order, with the
 * checker (check.c) on the replay's event stream.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "kernel-model/exec.h"
#include "kernel-model/pipe.h"
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "kernel-model/vfs.h"
#include "replay/out.h"
#include "replay/replay_priv.h"
#include "trace/access_stream.h"
#include "trace/events_file.h"


/* Repeat one recorded user access of an external call, as long as it was
 * (a string: one page more when it faulted, so the same fault recurs).
 * The bytes written are zeros: no outcome depends on them.  A buffer read
 * into is not cleared first (reads of up to 256 KiB: the memset was ~9 %
 * of syscall_storm's replay). */
static void repeat_access(struct task_struct *t, const struct outcome *o)
{
    uint32_t addr = (uint32_t)o->v[0], len = (uint32_t)o->v[1];   /* check.h: uaccess fields */
    uint32_t n = len + (o->dir == UA_STRING && o->v[2] == -EFAULT ? PAGE_SIZE : 0);
    uint8_t *buf = o->dir == UA_WRITE ? calloc(1, (size_t)n + 1) : malloc((size_t)n + 1);
    if (!buf)
        return;             /* the missing access shows as a divergence */
    if (o->dir == UA_WRITE)
        copy_to_user(t->mm, addr, buf, len);
    else if (o->dir == UA_READ)
        copy_from_user(t->mm, buf, addr, len);
    else
        strncpy_from_user(t->mm, (char *)buf, addr, n);
    free(buf);
}

/*
 * Redo one page-cache change an external call made to the model (a read
 * filled the cache, a truncate emptied it ...): on the cached inode of the
 * recorded (dev, ino) — a placeholder with no host file behind it, the one
 * file_maps' placeholders of the same file map — the page is added (a
 * frame from buddy with the mapping's gfp: the allocation and the pfn are
 * compared as the recording's), deleted, dirtied or cleaned.  A reclaim is
 * not redone: the allocator makes it again where the recording did.
 */
static void redo_page_cache(struct replay *rp, const struct outcome *o)
{
    struct kernel *k = &rp->k;
    struct inode *inode = iget_ident(k, (uint64_t)o->v[2], (uint64_t)o->v[3]);
    if (!inode)
        return;                 /* the missing outcome shows as a divergence */
    struct address_space *m = inode->i_mapping;
    uint32_t index = (uint32_t)o->v[0], pfn = filemap_lookup(m, index);
    long err;
    if (!strcmp(o->s[0], "add") && pfn == PFN_NONE) {
        if ((pfn = filemap_get_page(k, m, index, -1, &err)) != PFN_NONE)
            put_page(&k->pgdat, pfn);
    } else if (pfn != PFN_NONE && !strcmp(o->s[0], "delete")) {
        delete_from_page_cache(k, pfn);
    } else if (pfn != PFN_NONE && !strcmp(o->s[0], "dirty")) {
        filemap_dirty(k, pfn);
    } else if (pfn != PFN_NONE && !strcmp(o->s[0], "writeback")) {
        filemap_clean(k, pfn);          /* nothing is written: no host file */
        if (rp->k.current && rp->k.current->mm)
            page_mkclean(rp->k.current->mm, pfn);   /* as filemap_write_back: RO again */
    }
    iput(inode);
}

/* A recorded pipe page's free: only a page the replay holds as a pipe's
 * (a trace is data: a pfn in it may name any frame, or none). */
static void put_pipe_page(struct replay *rp, int64_t pfn)
{
    struct pglist_data *pgdat = &rp->k.pgdat;
    if (pfn < 0 || (uint64_t)pfn >= pgdat->pm->nr_pages)
        return;                 /* the missing free shows as a divergence */
    const struct page *pg = pfn_to_page(pgdat->pm, (uint32_t)pfn);
    if (pg->purpose == PURPOSE_PIPE && pg->_refcount > 0 && !pg->mapcount)
        put_page(pgdat, (uint32_t)pfn);
}

/*
 * Redo one allocation or free an external call made (a struct file at open
 * and at the last close, an inode at the first lookup, a tmpfs dentry, a
 * pipe and the pages of its buffers ...): a slab object by cache name, a
 * pipe's page from buddy as pipe.c takes it.  Its address or pfn and any
 * slab frames behind it are compared as the recording's.  The objects stand
 * for host state replay does not have (the fd table, the host's inodes), so
 * nothing in the replay holds them but the allocator itself.
 */
static void redo_alloc(struct replay *rp, const struct outcome *o)
{
    int alloc = !strcmp(o->s[1], "alloc"), pipe_page = !strcmp(o->s[3], "pipe");
    if (!strcmp(o->s[0], "buddy") && pipe_page) {
        if (alloc)
            pipe_page_alloc(&rp->k);
        else if (o->v[1] != OUTCOME_NONE && !strcmp(o->s[1], "free"))
            put_pipe_page(rp, o->v[1]);
        return;
    }
    struct kmem_cache *c = strcmp(o->s[0], "slab") ? NULL : kmem_cache_find(&rp->k.slab, o->s[3]);
    if (!c)
        return;                 /* the missing outcome shows as a divergence */
    if (alloc)
        kmem_cache_alloc(&rp->k.slab, c);
    else if (!strcmp(o->s[1], "free") && o->v[2] != OUTCOME_NONE)
        kmem_cache_free(&rp->k.slab, c, (uint32_t)o->v[2]);
}

/* Is o what closing a file does to the model (exit_files of a dying task:
 * the struct file, a pipe's inode, info, ring and pages), as opposed to what
 * the rest of exit does (the mm, the task's own objects)? */
static int file_release(const struct outcome *o)
{
    if (o->type != EV_ALLOC || strcmp(o->s[1], "free"))
        return 0;
    if (!strcmp(o->s[0], "buddy"))
        return !strcmp(o->s[3], "pipe");
    return !strcmp(o->s[0], "slab") &&
           (!strcmp(o->s[3], "filp") || !strcmp(o->s[3], "inode_cache") ||
            !strcmp(o->s[3], "dentry") || !strncmp(o->s[3], "kmalloc-", 8));
}

void replay_redo_file_releases(struct replay *rp)
{
    struct checker *c = &rp->c;
    while (!c->stop && c->cur < c->end && file_release(&c->list.rec[c->cur])) {
        size_t at = c->cur;
        redo_alloc(rp, &c->list.rec[at]);
        if (c->cur == at)
            break;              /* nothing came of it: the divergence shows next */
    }
}

/* kernel.external.close_files: the descriptors a task closes (at exit, at
 * exec) were the host's; redo what closing them did. */
static void replay_close_files(void *ctx, struct task_struct *t)
{
    (void)t;
    replay_redo_file_releases(ctx);
}

/* Redo, in seq order from record `from`, what host work of `cause` did to
 * the model before `to` in the current group: the user accesses it made
 * (for their faults and events), its page-cache changes and its
 * allocations. */
void replay_redo_outcomes(struct replay *rp, struct task_struct *t, uint64_t cause, size_t from,
                          uint64_t to)
{
    for (size_t i = from; i < rp->c.list.nr && rp->c.list.rec[i].seq < to; i++) {
        const struct outcome *o = &rp->c.list.rec[i];
        if (o->cause != cause)
            continue;
        if (o->type == EV_UACCESS)
            repeat_access(t, o);
        else if (o->type == EV_PAGE_CACHE && strcmp(o->s[0], "reclaim"))
            redo_page_cache(rp, o);
        else if (o->type == EV_ALLOC)
            redo_alloc(rp, o);
    }
}

/* What external call `in` did before `to` in this group, in the
 * recording's order: its outcomes up to each timer that fired in it (a
 * sleep the clock ended), then that timer fired again — its signal may
 * act at once (a default action kills the task), so what came before it
 * comes first. */
static void redo_external(struct replay *rp, struct task_struct *t, const struct input *in,
                          uint64_t to)
{
    const struct recorded *r = &rp->r;
    size_t from = check_find(&rp->c, rp->group_from);
    for (size_t i = 0; i < r->nr_timers; i++) {     /* in seq order (load.c) */
        const struct timer_fire *f = &r->timers[i];
        struct task_struct *ft;
        if (f->cause != in->start || f->seq < rp->group_from || f->seq >= to)
            continue;
        if (task_dead(t))
            return;                     /* its mm is gone: nothing more is its */
        replay_redo_outcomes(rp, t, in->start, from, f->seq);
        from = check_find(&rp->c, f->seq);
        if ((ft = find_task_by_pid(&rp->k, f->tid)) && !task_dead(ft))
            time_fire_timer(ft, f->which);
    }
    if (!task_dead(t))
        replay_redo_outcomes(rp, t, in->start, from, to);
}

/* A SYS_EXTERNAL call (kernel.external): what it did to the model redone
 * and what it answered answered.  A call that blocked did part of its work
 * in each group it ran in (tasks.c): this group's part.  An execve that
 * succeeded redoes its host part (the file opened and read, the strings
 * copied) up to the point where the loader builds the new mm, which the
 * model then builds as the engine's loader did (exec.c). */
static long replay_external(void *ctx, struct task_struct *t, uint32_t nr, const uint32_t a[6])
{
    struct replay *rp = ctx;
    (void)nr, (void)a;
    const struct input *in = rp->current;
    uint64_t to = in->seq < rp->group_to ? in->seq : rp->group_to;
    int exec = replay_is_exec(rp, in);
    if (exec)
        to = replay_exec_boundary(rp, in);
    redo_external(rp, t, in, to);
    if (exec)
        return replay_exec(rp, t);
    if (in->seq >= rp->group_to)
        return replay_hold(rp, t);
    if (in->ret == -EPIPE && syscall_epipe_signals(in->nr))
        signal_send_kernel(t, SIGPIPE);     /* the write's send_sig */
    return in->ret;
}

struct vm_file *replay_placeholder(struct replay *rp, const struct file_map *m)
{
    for (size_t i = 0; i < rp->nr_files; i++)
        if (rp->files[i]->dev == m->dev && rp->files[i]->ino == m->ino) {
            rp->files[i]->refs++;
            return rp->files[i];
        }
    struct vm_file **n = realloc(rp->files, (rp->nr_files + 1) * sizeof *n);
    struct vm_file *f = n ? vm_file_placeholder(m->path, m->size) : NULL;
    if (n)
        rp->files = n;
    if (!f)
        return NULL;
    f->dev = m->dev;
    f->ino = m->ino;
    f->image = 0;                   /* its pages: the cached inode of (dev, ino) */
    rp->files[rp->nr_files++] = f;
    f->refs++;
    return f;
}

/* kernel.file_src: what the file at fd was to this mmap, as recorded. */
static long replay_file_map(void *ctx, struct task_struct *t, uint32_t fd, struct mmap_file *mf)
{
    struct replay *rp = ctx;
    (void)t;
    *mf = (struct mmap_file){ 0 };
    while (rp->next_map < rp->r.nr_maps && rp->r.maps[rp->next_map].cause < rp->current->start)
        rp->next_map++;
    if (rp->next_map == rp->r.nr_maps || rp->r.maps[rp->next_map].cause != rp->current->start ||
        rp->r.maps[rp->next_map].fd != fd)
        return -EBADF;          /* not recorded: the divergence shows next */
    const struct file_map *m = &rp->r.maps[rp->next_map++];
    mf->f_mode = m->f_mode;
    if (m->path && !(mf->vmf = replay_placeholder(rp, m)))
        return -ENOMEM;
    return m->result;
}

/* kernel.signal_src: the user's esp and ss at this delivery or sigreturn,
 * from the recording's next signal_frames row in the current group (none:
 * left as they are). */
/* The recording's next signal_frames row in the current group, or NULL. */
static const struct signal_frame_rec *frame_in_group(struct replay *rp)
{
    const struct recorded *r = &rp->r;
    while (rp->next_frame < r->nr_frames && r->frames[rp->next_frame].seq < rp->group_from)
        rp->next_frame++;
    if (rp->next_frame == r->nr_frames || r->frames[rp->next_frame].seq >= rp->group_to)
        return NULL;
    return &r->frames[rp->next_frame];
}

static void replay_signal_regs(void *ctx, struct task_struct *t, struct pt_regs *regs)
{
    struct replay *rp = ctx;
    const struct signal_frame_rec *d = frame_in_group(rp);
    (void)t;
    if (!d)
        return;
    rp->next_frame++;
    regs->sp = d->sp;
    regs->ss = d->ss;
}

static void arch_dead(void *ctx, struct task_struct *t) { (void)ctx, (void)t; }
static void arch_tls(void *ctx, struct task_struct *t, unsigned i) { (void)ctx, (void)t, (void)i; }
static int  arch_ldt(void *ctx, struct task_struct *t) { (void)ctx, (void)t; return 0; }
static void arch_advance(void *ctx, uint64_t d) { ((struct replay *)ctx)->tm.cycles += d; }

static int boot(struct replay *rp, const struct replay_options *opt, char *err, size_t errlen)
{
    struct recorded *r = &rp->r;
    const char *paging = opt->paging ? opt->paging : r->paging;
    rp->t = task_alloc(&rp->k, GUEST_PID, r->program);
    if (!rp->t || mmu_init(&rp->mmu, NULL, 0)) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    /* the simulated CPU's TLBs and caches, as emu's machine_create builds them */
    if (rp->sim && mmu_configure(&rp->mmu, &rp->cpu, err, errlen))
        return -1;
    timing_init(&rp->tm, &rp->mmu, rp->sim ? &rp->cpu : NULL);
    event_stream_init(&rp->events, &rp->tm.cycles);
    if (rp->sim)
        event_stream_add_sink(&rp->events, &rp->tm, timing_count_event);
    event_stream_add_sink(&rp->events, &rp->c, check_consume);
    if (rp->out)
        event_stream_add_sink(&rp->events, rp->out, trace_consume);
    struct kernel_config kcfg = { .ram_bytes = opt->ram_bytes ? opt->ram_bytes : r->ram,
                                  .paging = strcmp(paging, "pae") == 0 ? PAGING_PAE : PAGING_2LEVEL,
                                  .mmu = &rp->mmu, .events = &rp->events };
    if (kernel_boot(&rp->k, &kcfg, err, errlen))
        return -1;
    struct kernel *k = &rp->k;
    k->clock = (struct kernel_clock){ .cycles = &rp->tm.cycles, .syscall_cycles = &rp->tm.syscall_cycles,
                                      .fault_cycles = &rp->tm.fault_cycles, .nr_faults = &rp->tm.nr_faults,
                                      .hz = rp->sim ? rp->cpu.hz : 1000000000u,
                                      .timer_cycle = UINT64_MAX };
    if (rp->sim)                        /* the timing model charges faults as the CPU's did */
        k->timing = (struct fault_timing){ &rp->tm, timing_charge_fault };
    k->rng = r->seed;
    /* --fault-around changes which faults happen: the run's options say */
    if (r->options && strstr(r->options, " fault-around="))
        k->fault_around_pages = FAULT_AROUND_PAGES;
    /* --writable-root: the model's write-back points clean pages as the run
     * did (page_cache writeback rows); a replay's inodes have no host
     * descriptor, so nothing is written anywhere */
    if (r->options && strstr(r->options, " writable-root"))
        k->writable_root = 1;
    k->epoch = r->epoch;
    k->arch = (struct kernel_arch_ops){ .ctx = rp, .load_tls = arch_tls, .load_ldt = arch_ldt,
                                        .task_dead = arch_dead, .advance_clock = arch_advance };
    k->uaccess_src = (struct uaccess_source){ &rp->c, check_recorded_bytes };
    k->external = (struct syscall_external){ rp, replay_external, replay_close_files };
    k->file_src = (struct file_map_source){ rp, replay_file_map };
    k->signal_src = (struct signal_regs_source){ rp, replay_signal_regs };
    rp->mmu.clock = &rp->tm.cycles;
    rp->mmu.pid = GUEST_PID;
    rp->mmu.events = &rp->events;
    rp->t->exe_guest_path = strdup(r->exe_path);
    /* The CPU's frames the engine takes at set-up (emu/cpu.c cpu_setup):
     * the GDT, the iret stub and the kernel stack, in its order. */
    alloc_pages(&k->pgdat, GFP_KERNEL | __GFP_ZERO, 0, PURPOSE_GDT);
    alloc_pages(&k->pgdat, GFP_KERNEL | __GFP_ZERO, 0, PURPOSE_KERNEL);
    alloc_pages(&k->pgdat, GFP_KERNEL | __GFP_ZERO, 0, PURPOSE_KSTACK);
    return 0;
}

/* A timer fired while the guest ran: fire it (the simulation's exact
 * clock has fired it by itself, at the same instruction), and its handler
 * runs where the engine entered the kernel for it (its frame is in this
 * group). */
static void replay_timer(struct replay *rp, const struct input *in)
{
    struct task_struct *t = find_task_by_pid(&rp->k, in->next_tid);
    if (!t || task_dead(t))
        return;
    if (!rp->sim)
        time_fire_timer(t, in->access);
    if (!task_dead(t) && t == rp->k.current && signal_deliverable(&t->sig) && frame_in_group(rp))
        signal_return_to_user(t);
}

/* The table an input's row is in, to name it in a divergence. */
static const char *input_table(const struct input *in)
{
    return in->kind == INPUT_SWITCH ? "context_switches" : in->kind == INPUT_FAULT ? "faults"
           : in->kind == INPUT_TIMER ? "timer_fires" : "syscalls";
}

void replay_drive_input(struct replay *rp, size_t i)
{
    const struct input *in = &rp->r.in[i];
    struct task_struct *t = rp->k.current;
    rp->current = in;
    rp->next_in = i + 1 < rp->r.nr_in ? &rp->r.in[i + 1] : NULL;
    rp->group_from = in->start;
    rp->group_to = rp->next_in ? rp->next_in->start : UINT64_MAX;
    check_group(&rp->c, rp->group_from, rp->group_to);
    if (in->kind == INPUT_SWITCH) {
        replay_switch(rp, in);
    } else if (in->kind == INPUT_TIMER) {
        replay_timer(rp, in);
    } else if (!t || task_dead(t)) {
        check_diverge(&rp->c, in->start, input_table(in), "the recording goes on with a task that is dead "
                      "in the replay");
    } else if (in->kind == INPUT_FAULT) {
        /* an unresolved fault ends the task as it ended the recording
         * (or, on a changed machine, where the changed machine does) */
        enum fault_result r = do_page_fault(t->mm, in->address, in->error_code,
                                            (enum mmu_access)in->access, in->eip);
        rp->fault_failed = r != FAULT_OK;
        task_fault_signal(t, r, in->address, (enum mmu_access)in->access, in->eip);
        /* a handler runs next when the engine entered the kernel for it
         * there (its frame is in this group): when it does is the engine's
         * (it may fault again first), the delivery the model's */
        if (!task_dead(t) && signal_deliverable(&t->sig) && frame_in_group(rp))
            signal_return_to_user(t);
    } else {
        replay_wake_next(rp);
        replay_call(rp, t, in);
    }
    check_group_end(&rp->c);
    rp->c.rep->inputs++;
}

/* Every input, until the run is over (every task dead: on a changed
 * machine that may come early) or a strict replay diverged. */
static void drive(struct replay *rp)
{
    size_t i = 0;
    for (; i < rp->r.nr_in && !rp->c.stop && !replay_all_dead(rp); i++)
        replay_drive_input(rp, i);
    replay_check_over(rp, i);
}

void replay_check_over(struct replay *rp, size_t next)
{
    if (next < rp->r.nr_in && !rp->c.stop)
        check_diverge(&rp->c, rp->r.in[next].start, input_table(&rp->r.in[next]), "every task of the replay is dead; the "
                      "recording goes on");
}

static void release(struct replay *rp)
{
    if (rp->t) {                        /* zombies nobody reaped, then the first */
        kernel_release_tasks(&rp->k, rp->t);
        task_free(rp->t);
    }
    replay_tasks_free(rp);
    for (size_t i = 0; i < rp->nr_files; i++)   /* they hold inodes of the kernel's */
        vm_file_put(rp->files[i]);
    free(rp->files);
    kernel_destroy(&rp->k);
    mmu_destroy(&rp->mmu);
    recorded_free(&rp->r, &rp->c);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* OUT's runs totals: a sampled stream's are its measured windows' (as its
 * stats), not the warm-up's too. */
static uint64_t sampled_total(const struct replay_report *rep, const char *name, uint64_t whole)
{
    for (unsigned i = 0; rep->sample_period && i < rep->nr_stats; i++)
        if (!strcmp(rep->stats[i].name, name))
            return (uint64_t)rep->stats[i].value;
    return whole;
}

int replay_run(sqlite3 *db, const struct replay_options *opt, struct replay_report *rep,
               char *err, size_t errlen)
{
    struct replay *rp = calloc(1, sizeof *rp);
    double t0 = now_seconds();
    memset(rep, 0, sizeof *rep);
    if (!rp) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    rep->what_if = opt->ram_bytes || opt->paging || opt->cpu || opt->cpu_config;
    rp->c = (struct checker){ .what_if = rep->what_if, .rep = rep,
                              .context = opt->context ? opt->context : 5 };
    int rc = REPLAY_BAD_INPUT;
    if (recorded_check_schema(db, err, errlen) ||
        recorded_load(db, &rp->r, &rp->c, err, errlen))
        goto out;
    if (opt->stats || opt->cpu || opt->cpu_config) {
        if (!access_blocks_present(db)) {
            snprintf(err, errlen, "this trace has no access stream: only the kernel side can be "
                     "replayed; record with --trace accesses");
            goto out;
        }
        if (sim_configure(rp, opt->cpu, opt->cpu_config, err, errlen))
            goto out;
        rp->sim = 1;
    }
    rc = -1;
    if (rep->what_if && opt->paging && strcmp(opt->paging, "pae") && strcmp(opt->paging, "2level")) {
        snprintf(err, errlen, "--paging %s: choose 2level or pae", opt->paging);
        rc = REPLAY_BAD_INPUT;
        goto out;
    }
    if (opt->db_out &&
        !(rp->out = replay_out_begin(opt->db_out, opt->source, &rp->r,
                                     opt->ram_bytes ? opt->ram_bytes : rp->r.ram,
                                     opt->paging ? opt->paging : rp->r.paging, err, errlen)))
        goto out;
    /* The first group: boot and exec, everything before the first input. */
    check_group(&rp->c, 1, rp->r.nr_in ? rp->r.in[0].start : UINT64_MAX);
    if (boot(rp, opt, err, errlen) || replay_first_exec(rp, err, errlen)) {
        if (!err[0])
            snprintf(err, errlen, "the kernel model could not boot or exec as recorded");
        if (rp->c.stop || rep->what_if)
            rc = rep->differences ? REPLAY_DIVERGED : -1;
        goto out;
    }
    if (!rp->sim)
        drive(rp);
    else if (sim_drive(rp, db, err, errlen))
        goto out;
    if (rp->sim) {
        rep->nr_stats = sim_stats(rp, db, rep->stats, TIMING_MAX_STATS);
        rep->sample_period = rp->sample.how.period;
        rep->sample_window = rp->sample.how.window;
        rep->sample_accesses = rp->sample.how.accesses;
        rep->sample_measured = rp->sample.measured;
        rep->sample_windows = rp->sample.windows;
        /* OUT's stats are a sampled stream's: say so in OUT (memsim diff reads it) */
        if (rp->out && rep->sample_period &&
            (trace_access_sampling(rp->out, rep->sample_period, rep->sample_window, NULL) ||
             trace_access_sampling(rp->out, rep->sample_period, rep->sample_window,
                                   &rep->sample_accesses))) {
            snprintf(err, errlen, "--db: %s", trace_error(rp->out));
            goto out;
        }
    }
    for (unsigned i = 0; rp->out && i < rep->nr_stats; i++)
        if (!rep->stats[i].ratio)
            trace_stat(rp->out, rp->t->pid, rep->stats[i].name, (uint64_t)rep->stats[i].value);    /* The recording ends with the last input's outcomes: the model's
     * teardown (release) is not part of it. */
    rp->c.stop = 1;
    if (rp->out)                        /* the teardown is not recorded either */
        event_stream_remove_sink(&rp->events, rp->out);
    if (replay_out_end(rp->out, rp->t, sampled_total(rep, "instructions", rp->tm.icount),
                       sampled_total(rep, "cycles", rp->tm.cycles), now_seconds() - t0, err, errlen)) {
        rp->out = NULL;
        goto out;
    }
    rp->out = NULL;
    rc = rep->differences && (!rep->what_if || opt->expect_same) ? REPLAY_DIVERGED : REPLAY_OK;
out:
    if (rp->out) {
        event_stream_remove_sink(&rp->events, rp->out);
        replay_out_end(rp->out, rp->t, rp->tm.icount, rp->tm.cycles, now_seconds() - t0, NULL, 0);
    }
    release(rp);
    free(rp);
    return rc;
}

int replay_file(const char *path, const struct replay_options *opt, struct replay_report *rep,
                char *err, size_t errlen)
{
    struct stat st;
    sqlite3 *db = NULL;
    char why[600] = "";
    /* the one way a trace is opened for reading: an events file parsed into
     * an in-memory trace, or the database read-only (trace/events_file.h) */
    int bad = events_is_file(path) ? events_load(path, &db, why, sizeof why)
                                   : events_open_trace(path, &db, why, sizeof why);
    if (bad || stat(path, &st)) {
        snprintf(err, errlen, "%s", why[0] ? why : strerror(errno));
        events_close(db);
        return REPLAY_BAD_INPUT;
    }
    struct replay_options o = *opt;
    struct trace_input in = { "the trace replayed", st.st_dev, st.st_ino };
    if (!o.source)
        o.source = path;
    if (o.db_out && trace_path_check(o.db_out, &in, 1, why, sizeof why)) {
        events_close(db);
        snprintf(err, errlen, "--db: %s", why);
        return REPLAY_BAD_INPUT;
    }
    int rc = replay_run(db, &o, rep, why, sizeof why);
    events_close(db);
    if (rc == REPLAY_BAD_INPUT || rc < 0)
        snprintf(err, errlen, "%s: %s", path, why);
    return rc;
}
