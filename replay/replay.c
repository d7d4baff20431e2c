/*
 * replay.c — replay_run(): read the recorded inputs, boot the kernel model
 * as recorded (or changed: --ram, --paging), rebuild the exec image and
 * re-drive every system call and guest page fault in seq order, with the
 * checker (check.c) on the replay's event stream.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kernel-model/exec.h"
#include "kernel-model/sched.h"
#include "replay/check.h"

#define REPLAY_SCHEMA 7

struct input {
    uint64_t start, seq;        /* enter_seq / begin_seq, and the row's seq */
    int is_fault;
    uint32_t nr, a[6];          /* syscall */
    int32_t ret;
    uint32_t address, error_code, eip;   /* fault */
    uint8_t access;
};

/* One recorded answer of fd_mmap_file (file_maps). */
struct file_map {
    uint64_t cause;             /* the mmap's enter seq */
    uint32_t fd, f_mode;
    int32_t result;
    char *path;                 /* NULL: no pages */
    uint64_t size, dev, ino;
};

struct recorded {
    char *program, *exe_path, *paging;
    uint64_t ram, size, seed, epoch;
    char **argv, **envp;
    int argc, envc;
    struct exec_params exec;
    uint32_t max_map_count;
    struct input *in;
    size_t nr_in;
    struct file_map *maps;
    size_t nr_maps;
};

struct replay {
    struct recorded r;
    struct checker c;
    struct event_stream events;
    struct mmu mmu;
    struct kernel k;
    struct task_struct *t;
    uint64_t cycles, syscall_cycles, fault_cycles, nr_faults;
    const struct input *current;        /* the input being re-driven */
    size_t next_map;                    /* the next file_maps row to serve */
    struct vm_file **files;             /* placeholders, one per (dev, ino) */
    size_t nr_files;
};

static char *dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *v = sqlite3_column_text(s, i);
    return strdup(v ? (const char *)v : "");
}

/* Run sql, calling row(ctx, stmt) per row; -1 with the SQL error in err. */
static int each_row(sqlite3 *db, const char *sql, int (*row)(void *, sqlite3_stmt *), void *ctx,
                    char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, sqlite3_errcode(db) == SQLITE_CORRUPT
                 ? "the trace is damaged or truncated: %s"
                 : "not a complete memsim trace of schema 7: %s", sqlite3_errmsg(db));
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (row(ctx, s)) {
            sqlite3_finalize(s);
            snprintf(err, errlen, "out of host memory");
            return -1;
        }
    if (rc != SQLITE_DONE)
        snprintf(err, errlen, "the trace is damaged or truncated: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int row_run(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    r->program = dup_col(s, 0);
    r->size = (uint64_t)sqlite3_column_int64(s, 1);
    r->ram = (uint64_t)sqlite3_column_int64(s, 2);
    r->paging = dup_col(s, 3);
    r->seed = (uint64_t)sqlite3_column_int64(s, 4);
    r->epoch = (uint64_t)sqlite3_column_int64(s, 5);
    return 0;
}

static int row_string(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    int env = strcmp((const char *)sqlite3_column_text(s, 0), "envp") == 0;
    char ***v = env ? &r->envp : &r->argv;
    int *n = env ? &r->envc : &r->argc;
    char **nv = realloc(*v, (size_t)(*n + 2) * sizeof *nv);
    if (!nv)
        return -1;
    nv[*n] = dup_col(s, 1);
    nv[++*n] = NULL;
    *v = nv;
    return 0;
}

static int row_exec(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    struct exec_params *p = &r->exec;
    r->exe_path = dup_col(s, 0);
    uint32_t *f[] = { &p->entry, &p->phdr_vaddr, &p->phentsize, &p->phnum, &p->start_code,
                      &p->end_code, &p->start_data, &p->end_data, NULL, &p->uid, &p->gid,
                      &r->max_map_count };
    for (int i = 0; i < 12; i++)
        if (f[i])
            *f[i] = (uint32_t)sqlite3_column_int64(s, 1 + i);
    p->exec_stack = sqlite3_column_int(s, 9);
    return 0;
}

static int row_segment(void *ctx, sqlite3_stmt *s)
{
    struct exec_params *p = &((struct recorded *)ctx)->exec;
    if (p->nr_segments == EXEC_MAX_SEGMENTS)
        return 0;
    struct exec_segment *g = &p->seg[p->nr_segments++];
    *g = (struct exec_segment){ (uint32_t)sqlite3_column_int64(s, 0),
                                (uint32_t)sqlite3_column_int64(s, 1),
                                (uint32_t)sqlite3_column_int64(s, 2),
                                (uint32_t)sqlite3_column_int64(s, 3),
                                (uint32_t)sqlite3_column_int64(s, 4) };
    return 0;
}

static int push_input(struct recorded *r, const struct input *in)
{
    if ((r->nr_in & (r->nr_in + 1)) == 0 || r->nr_in == 0) {   /* grow at 2^k - 1 */
        struct input *n = realloc(r->in, (r->nr_in * 2 + 2) * sizeof *n);
        if (!n)
            return -1;
        r->in = n;
    }
    r->in[r->nr_in++] = *in;
    return 0;
}

/* syscalls (kind 0) and guest faults (kind 1) in one query, by start. */
static int row_input(void *ctx, sqlite3_stmt *s)
{
    struct input in = { .start = (uint64_t)sqlite3_column_int64(s, 0),
                        .seq = (uint64_t)sqlite3_column_int64(s, 1),
                        .is_fault = sqlite3_column_int(s, 2) };
    for (int i = 0; i < 6; i++)
        in.a[i] = (uint32_t)sqlite3_column_int64(s, 4 + i);
    if (in.is_fault) {
        in.address = in.a[0];
        in.error_code = in.a[1];
        in.eip = in.a[2];
        in.access = (uint8_t)in.a[3];
    } else {
        in.nr = (uint32_t)sqlite3_column_int64(s, 3);
        in.ret = (int32_t)sqlite3_column_int64(s, 10);
    }
    return push_input(ctx, &in);
}

static int row_file_map(void *ctx, sqlite3_stmt *s)
{
    struct recorded *r = ctx;
    struct file_map *n = realloc(r->maps, (r->nr_maps + 1) * sizeof *n);
    if (!n)
        return -1;
    r->maps = n;
    n[r->nr_maps++] = (struct file_map){
        .cause = (uint64_t)sqlite3_column_int64(s, 0), .fd = (uint32_t)sqlite3_column_int64(s, 1),
        .result = sqlite3_column_int(s, 2), .f_mode = (uint32_t)sqlite3_column_int64(s, 3),
        .path = sqlite3_column_type(s, 4) == SQLITE_NULL ? NULL : dup_col(s, 4),
        .size = (uint64_t)sqlite3_column_int64(s, 5), .dev = (uint64_t)sqlite3_column_int64(s, 6),
        .ino = (uint64_t)sqlite3_column_int64(s, 7) };
    return 0;
}

static int row_outcome(void *ctx, sqlite3_stmt *s)
{
    struct checker *c = ctx;
    if ((c->nr & (c->nr + 1)) == 0 || c->nr == 0) {
        struct outcome *n = realloc(c->rec, (c->nr * 2 + 2) * sizeof *n);
        if (!n)
            return -1;
        c->rec = n;
    }
    struct outcome *o = &c->rec[c->nr++];
    *o = (struct outcome){ .seq = (uint64_t)sqlite3_column_int64(s, 0),
                           .cause = (uint64_t)sqlite3_column_int64(s, 1),
                           .type = (enum event_type)sqlite3_column_int(s, 2),
                           .text = dup_col(s, 3), .dir = (uint8_t)sqlite3_column_int(s, 4),
                           .addr = (uint32_t)sqlite3_column_int64(s, 5),
                           .len = (uint32_t)sqlite3_column_int64(s, 6) };
    int n = sqlite3_column_bytes(s, 7);
    const void *b = sqlite3_column_blob(s, 7);
    if (b && (o->data = malloc((size_t)n + 1)))
        memcpy(o->data, b, (size_t)n);
    return o->text ? 0 : -1;
}

/* The guest's own page faults are the user-mode ones (error code bit 2) the
 * engine reports with cause 0; exec's copy_to_user faults (cause 0 too:
 * no syscall led to them) and every fault inside a system call are
 * supervisor faults, outcomes of the input that made them. */
#define INPUT_SQL                                                               \
    "SELECT enter_seq, seq, 0, nr, arg0, arg1, arg2, arg3, arg4, arg5, ret FROM syscalls" \
    " UNION ALL SELECT begin_seq, seq, 1, 0, address, error_code, eip,"          \
    " CASE access WHEN 'read' THEN 0 WHEN 'write' THEN 1 ELSE 2 END, 0, 0, 0"      \
    " FROM faults WHERE cause = 0 AND (error_code & 4) != 0 ORDER BY 1"

static int load(sqlite3 *db, struct replay *rp, char *err, size_t errlen)
{
    struct recorded *r = &rp->r;
    if (each_row(db, "SELECT program, size, ram, paging, seed, epoch FROM runs ORDER BY id LIMIT 1",
                 row_run, r, err, errlen) ||
        each_row(db, "SELECT kind, value FROM run_inputs WHERE kind IN ('argv','envp')"
                 " ORDER BY kind, idx", row_string, r, err, errlen) ||
        each_row(db, "SELECT exe_path, entry, phdr, phentsize, phnum, start_code, end_code,"
                 " start_data, end_data, exec_stack, uid, gid, max_map_count FROM exec_image",
                 row_exec, r, err, errlen) ||
        each_row(db, "SELECT vaddr, memsz, offset, filesz, prot FROM exec_segments ORDER BY idx",
                 row_segment, r, err, errlen) ||
        each_row(db, INPUT_SQL, row_input, r, err, errlen) ||
        each_row(db, "SELECT cause, fd, result, f_mode, path, size, dev, ino FROM file_maps"
                 " ORDER BY seq", row_file_map, r, err, errlen) ||
        each_row(db, outcome_sql, row_outcome, &rp->c, err, errlen))
        return -1;
    if (!r->program || !r->exe_path) {
        snprintf(err, errlen, "the trace has no %s: the run did not start",
                 r->program ? "exec_image" : "runs row");
        return -1;
    }
    r->exec.execfn = r->program;
    r->exec.argc = r->argc;
    r->exec.argv = r->argv;
    r->exec.envp = r->envp;
    return 0;
}

/* Repeat one recorded user access of an external call, as long as it was
 * (a string: one page more when it faulted, so the same fault recurs).
 * The bytes written are zeros: no outcome depends on them. */
static void repeat_access(struct task_struct *t, const struct outcome *o)
{
    uint32_t n = o->len + (o->dir == UA_STRING && strstr(o->text, "result=-14") ? PAGE_SIZE : 0);
    uint8_t *buf = calloc(1, (size_t)n + 1);
    if (!buf)
        return;             /* the missing access shows as a divergence */
    if (o->dir == UA_WRITE)
        copy_to_user(t->mm, o->addr, buf, o->len);
    else if (o->dir == UA_READ)
        copy_from_user(t->mm, buf, o->addr, o->len);
    else
        strncpy_from_user(t->mm, (char *)buf, o->addr, n);
    free(buf);
}

/* A SYS_EXTERNAL call (kernel.external): repeat the user accesses it made,
 * in order, for their faults and events, and answer what it answered. */
static long replay_external(void *ctx, struct task_struct *t, uint32_t nr, const uint32_t a[6])
{
    struct replay *rp = ctx;
    (void)nr, (void)a;
    const struct input *in = rp->current;
    for (size_t i = check_find(&rp->c, in->start); i < rp->c.nr && rp->c.rec[i].seq < in->seq; i++)
        if (rp->c.rec[i].type == EV_UACCESS && rp->c.rec[i].cause == in->start)
            repeat_access(t, &rp->c.rec[i]);
    return in->ret;
}

/* The placeholder vm_file of the recorded file (dev, ino), shared by every
 * map of it as the host file's is; a new reference.  NULL: no memory. */
static struct vm_file *placeholder(struct replay *rp, const struct file_map *m)
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
    if (m->path && !(mf->vmf = placeholder(rp, m)))
        return -ENOMEM;
    return m->result;
}

static void arch_dead(void *ctx, struct task_struct *t) { (void)ctx, (void)t; }
static void arch_tls(void *ctx, struct task_struct *t, unsigned i) { (void)ctx, (void)t, (void)i; }
static int  arch_ldt(void *ctx, struct task_struct *t) { (void)ctx, (void)t; return 0; }
static void arch_advance(void *ctx, uint64_t d) { ((struct replay *)ctx)->cycles += d; }

static int boot(struct replay *rp, const struct replay_options *opt, char *err, size_t errlen)
{
    struct recorded *r = &rp->r;
    const char *paging = opt->paging ? opt->paging : r->paging;
    rp->t = task_alloc(&rp->k, GUEST_PID, r->program);
    if (!rp->t || mmu_init(&rp->mmu, NULL, 0)) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    event_stream_init(&rp->events, &rp->cycles);
    event_stream_add_sink(&rp->events, &rp->c, check_consume);
    struct kernel_config kcfg = { .ram_bytes = opt->ram_bytes ? opt->ram_bytes : r->ram,
                                  .paging = strcmp(paging, "pae") == 0 ? PAGING_PAE : PAGING_2LEVEL,
                                  .mmu = &rp->mmu, .events = &rp->events };
    if (kernel_boot(&rp->k, &kcfg, err, errlen))
        return -1;
    struct kernel *k = &rp->k;
    k->clock = (struct kernel_clock){ .cycles = &rp->cycles, .syscall_cycles = &rp->syscall_cycles,
                                      .fault_cycles = &rp->fault_cycles, .nr_faults = &rp->nr_faults,
                                      .hz = 1000000000u, .timer_cycle = UINT64_MAX };
    k->rng = r->seed;
    k->epoch = r->epoch;
    k->arch = (struct kernel_arch_ops){ .ctx = rp, .load_tls = arch_tls, .load_ldt = arch_ldt,
                                        .task_dead = arch_dead, .advance_clock = arch_advance };
    k->uaccess_src = (struct uaccess_source){ &rp->c, check_recorded_bytes };
    k->external = (struct syscall_external){ rp, replay_external };
    k->file_src = (struct file_map_source){ rp, replay_file_map };
    rp->mmu.clock = &rp->cycles;
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

static int run_exec(struct replay *rp, char *err, size_t errlen)
{
    struct vm_file *file = vm_file_placeholder(rp->r.exe_path, rp->r.size);
    struct exec_result res;
    const char *stage = "";
    if (!file) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    struct mm_struct *mm = mm_alloc(rp->t->k, rp->t->pid);
    if (mm) {
        if (rp->r.max_map_count)
            mm->max_map_count = rp->r.max_map_count;
        exec_mm(rp->t, mm, &rp->r.exec, file, &res, &stage);
    }
    vm_file_put(file);
    check_group_end(&rp->c);
    return rp->t->mm ? 0 : -1;
}

static void drive(struct replay *rp)
{
    for (size_t i = 0; i < rp->r.nr_in && !rp->c.stop && !task_dead(rp->t); i++) {
        const struct input *in = &rp->r.in[i];
        rp->current = in;
        check_group(&rp->c, in->start, i + 1 < rp->r.nr_in ? rp->r.in[i + 1].start : UINT64_MAX);
        if (in->is_fault)
            do_page_fault(rp->t->mm, in->address, in->error_code, (enum mmu_access)in->access,
                          in->eip);
        else
            syscall_dispatch(rp->t, in->nr, in->a);
        check_group_end(&rp->c);
        rp->c.rep->inputs++;
    }
}

static void release(struct replay *rp)
{
    if (rp->t)
        task_free(rp->t);
    kernel_destroy(&rp->k);
    mmu_destroy(&rp->mmu);
    for (size_t i = 0; i < rp->c.nr; i++) {
        free(rp->c.rec[i].text);
        free(rp->c.rec[i].data);
    }
    free(rp->c.rec);
    free(rp->r.in);
    for (size_t i = 0; i < rp->nr_files; i++)
        vm_file_put(rp->files[i]);
    free(rp->files);
    for (size_t i = 0; i < rp->r.nr_maps; i++)
        free(rp->r.maps[i].path);
    free(rp->r.maps);
    for (int i = 0; i < rp->r.argc; i++)
        free(rp->r.argv[i]);
    for (int i = 0; i < rp->r.envc; i++)
        free(rp->r.envp[i]);
    free(rp->r.argv);
    free(rp->r.envp);
    free(rp->r.program);
    free(rp->r.exe_path);
    free(rp->r.paging);
}

static int check_schema(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &s,
                           NULL) != SQLITE_OK) {
        snprintf(err, errlen, sqlite3_errcode(db) == SQLITE_CORRUPT
                 ? "the trace is damaged or truncated (%s)" : "not a memsim trace (%s)",
                 sqlite3_errmsg(db));
        return -1;
    }
    int rc = sqlite3_step(s), v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (rc != SQLITE_ROW) {
        snprintf(err, errlen, "not a memsim trace (no schema_version)");
        return -1;
    }
    if (v != REPLAY_SCHEMA) {
        snprintf(err, errlen, "unsupported schema_version %d (replay reads %d; re-record the run)",
                 v, REPLAY_SCHEMA);
        return -1;
    }
    return 0;
}

int replay_run(sqlite3 *db, const struct replay_options *opt, struct replay_report *rep,
               char *err, size_t errlen)
{
    struct replay *rp = calloc(1, sizeof *rp);
    memset(rep, 0, sizeof *rep);
    if (!rp) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    rep->what_if = opt->ram_bytes || opt->paging;
    rp->c = (struct checker){ .what_if = rep->what_if, .rep = rep,
                              .context = opt->context ? opt->context : 5 };
    int rc = REPLAY_BAD_INPUT;
    if (check_schema(db, err, errlen) || load(db, rp, err, errlen))
        goto out;
    rc = -1;
    if (rep->what_if && opt->paging && strcmp(opt->paging, "pae") && strcmp(opt->paging, "2level")) {
        snprintf(err, errlen, "--paging %s: choose 2level or pae", opt->paging);
        rc = REPLAY_BAD_INPUT;
        goto out;
    }
    /* The first group: boot and exec, everything before the first input. */
    check_group(&rp->c, 1, rp->r.nr_in ? rp->r.in[0].start : UINT64_MAX);
    if (boot(rp, opt, err, errlen) || run_exec(rp, err, errlen)) {
        if (!err[0])
            snprintf(err, errlen, "the kernel model could not boot or exec as recorded");
        if (rp->c.stop || rep->what_if)
            rc = rep->differences ? REPLAY_DIVERGED : -1;
        goto out;
    }
    drive(rp);
    /* The recording ends with the last input's outcomes: the model's
     * teardown (release) is not part of it. */
    rp->c.stop = 1;
    rc = rep->differences && (!rep->what_if || opt->expect_same) ? REPLAY_DIVERGED : REPLAY_OK;
out:
    release(rp);
    free(rp);
    return rc;
}

int replay_file(const char *path, const struct replay_options *opt, struct replay_report *rep,
                char *err, size_t errlen)
{
    struct stat st;
    sqlite3 *db = NULL;
    if (stat(path, &st)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return REPLAY_BAD_INPUT;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return REPLAY_BAD_INPUT;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: not a memsim trace (%s)", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return REPLAY_BAD_INPUT;
    }
    char why[400] = "";
    int rc = replay_run(db, opt, rep, why, sizeof why);
    sqlite3_close(db);
    if (rc == REPLAY_BAD_INPUT || rc < 0)
        snprintf(err, errlen, "%s: %s", path, why);
    return rc;
}
