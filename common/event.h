/*
 * event.h — the one event stream of a run.
 *
 * Every module below emu/ reports what happens (a page walk, a fault, a page
 * allocation, a VMA change, a system call ...) by filling a struct event and
 * handing it to event_emit().  The stream stamps it — seq (one global order,
 * assigned here and nowhere else), cycle (read from the model's clock) and
 * cause — and passes the same event to each sink in the order they were
 * added.  Sinks are the SQLite writer (trace/), the run's counters (emu/) and
 * later a replay checker; they only record, never change the model (costs
 * are charged by the timing model, not by a sink).
 *
 * Causes: syscall enter and fault begin open a cause (their seq becomes the
 * stream's current cause) and their exit/end restores the previous one, so
 * an allocation, free, VMA change or walk made on behalf of a system call or
 * a fault records that event's seq in `cause` (0: boot, or the guest's own
 * access).
 *
 * Strings in payloads are static (names) or live until event_emit returns.
 * A NULL stream is valid everywhere: nothing is emitted (unit tests).
 * Header + event.c: no allocation, no I/O, nothing hidden.
 */
#ifndef MEMSIM_EVENT_H
#define MEMSIM_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum event_type {
    EV_SYSCALL_ENTER = 1,
    EV_SYSCALL_EXIT,
    EV_FAULT_BEGIN,     /* opens the fault's cause; its record comes at EV_FAULT */
    EV_FAULT,           /* the fault resolved (or not): kind, resolution, frame */
    EV_WALK,
    EV_ALLOC,           /* buddy or bootmem alloc, bootmem reserve, slab object */
    EV_FREE,
    EV_VMA,
    EV_TLB_FLUSH,
    EV_SEGMENT,
    EV_PROCESS_START,
    EV_PROCESS_EXIT,
    EV_UACCESS,         /* the kernel read or wrote user memory (uaccess.c) */
    EV_FILE_MAP,        /* what an fd was to mmap (fd_table.c): a replay input */
    EV_SNAPSHOT,        /* one value of a snapshot of memory state (kernel-model/snapshot.c) */
    EV_PROC_FILE,       /* a /proc file as it was when its process exited (procfs.c) */
    EV_PAGE_CACHE,      /* a page-cache page added, deleted, dirtied ... (kernel-model/filemap.c) */
    EV_SCHED_SWITCH,    /* the CPU passes from one task to another (kernel-model/sched.c) */
    EV_SIGNAL_FRAME,    /* a handler's frame set up or returned from (kernel-model/signal_frame.c) */
    EV_TIMER_FIRE,      /* an interval timer expired (kernel-model/sys_time.c) */
    EV_NR_TYPES
};

const char *event_type_name(enum event_type t);   /* "syscall-enter", "walk", ... */

/* ---- fault kinds and resolutions (names are the trace's strings) ---- */

enum fault_kind { FK_BAD, FK_ANON, FK_FILE, FK_COW, FK_STACK, FK_SPURIOUS, FK_NR };

enum fault_resolution {
    FR_NONE,            /* spurious: already resolved */
    FR_DEMAND_ZERO, FR_ZERO_PAGE, FR_FILE_READ, FR_COW_COPY, FR_COW_ZERO,
    FR_COW_REUSE, FR_SIGSEGV_MAPERR, FR_SIGSEGV_ACCERR, FR_SIGBUS, FR_OOM,
    FR_BAD_PAGETABLE,
    FR_NR
};

const char *fault_kind_name(enum fault_kind k);          /* "anon", "file", ... */
const char *fault_resolution_name(enum fault_resolution r); /* "demand-zero", ... */

enum flush_kind { FLUSH_INVLPG, FLUSH_CR3, FLUSH_ALL, FLUSH_MODE };
const char *flush_kind_name(enum flush_kind k);   /* "invlpg", "cr3", "all", "mode" */

/* ---- allocation kinds and VMA operations (names are the trace's strings) ---- */

enum alloc_allocator { ALLOCATOR_BOOTMEM, ALLOCATOR_BUDDY, ALLOCATOR_SLAB, ALLOCATOR_VMALLOC,
                       ALLOCATOR_NR };
enum alloc_op { ALLOC_OP_ALLOC, ALLOC_OP_FREE, ALLOC_OP_RESERVE, ALLOC_OP_NR };
enum vma_op { VMA_OP_MAP, VMA_OP_UNMAP, VMA_OP_PROTECT, VMA_OP_GROW, VMA_OP_BRK, VMA_OP_NR };

const char *alloc_allocator_name(enum alloc_allocator a);  /* "bootmem", "buddy", "slab", "vmalloc" */
const char *alloc_op_name(enum alloc_op op);               /* "alloc", "free", "reserve" */
const char *vma_op_name(enum vma_op op);                   /* "map", "unmap", "protect", ... */

/* What happened to a page-cache page (names are the trace's strings):
 * reclaim is a delete by the shrinker, before an allocation would fail. */
enum pagecache_op { PGCACHE_ADD, PGCACHE_DELETE, PGCACHE_RECLAIM, PGCACHE_DIRTY,
                    PGCACHE_WRITEBACK, PGCACHE_NR };
const char *pagecache_op_name(enum pagecache_op op);  /* "add", "delete", "reclaim", ... */

/* What a snapshot row measures (names are the trace's strings).  A later
 * counter (slab objects per cache, page-cache pages, swap) is a new metric,
 * its row kind in the same table. */
enum snapshot_metric { SNAP_FREE_PAGES, SNAP_RSS, SNAP_PGTABLE_PAGES, SNAP_NR };
const char *snapshot_metric_name(enum snapshot_metric m); /* "free-pages", "rss", ... */

/* Why a context switch took the CPU from its task (names are the trace's
 * strings): its quantum ran out with another task runnable, it blocked in
 * a wait (sched_switch_event.wait names it), it died, or it stepped aside
 * while still runnable (woken behind other runnable tasks). */
enum switch_reason { SWITCH_PREEMPTED, SWITCH_BLOCKED, SWITCH_EXITED, SWITCH_YIELDED,
                     SWITCH_NR };
const char *switch_reason_name(enum switch_reason r);  /* "preempted", "blocked", ... */

/* ---- payloads ---- */

#define WALK_MAX_LEVELS 3   /* 2-level: PDE, PTE; PAE: PDPTE, PDE, PTE */

struct walk_event {
    uint32_t vaddr;                     /* linear address walked */
    uint8_t  access;                    /* enum mmu_access */
    uint8_t  user;                      /* 1 = CPL 3 access */
    uint8_t  levels;                    /* entries read, 1..WALK_MAX_LEVELS */
    uint8_t  fault;                     /* 1 = the walk raised #PF */
    uint32_t error_code;                /* #PF error code when fault */
    uint64_t entry_addr[WALK_MAX_LEVELS]; /* physical address of each entry */
    uint64_t entry_val[WALK_MAX_LEVELS];  /* its value, A/D updates included */
    uint64_t paddr;                     /* translation, when fault == 0 */
};

/* One access through a segment that is not flat (the logical -> linear step
 * before paging): TLS through %gs, an LDT segment with a small limit, ... */
struct seg_event {
    uint32_t eip;
    uint8_t  seg;                       /* enum seg_reg: ES CS SS DS FS GS */
    uint8_t  access;                    /* enum mmu_access */
    uint8_t  fault;                     /* 0 ok, 1 #GP, 2 #SS, 3 #NP */
    uint16_t selector;
    uint16_t error_code;
    uint32_t offset, size;
    uint32_t linear;                    /* base + offset */
    uint32_t base, limit;               /* from the descriptor (limit in bytes - 1) */
};

/* A TLB invalidation: INVLPG of one page, a full flush (MOV to CR3 or a
 * kernel-requested flush), or a paging-mode change. */
struct flush_event {
    uint8_t  kind;                      /* enum flush_kind */
    uint32_t vaddr;                     /* FLUSH_INVLPG: the page; else 0 */
    uint32_t cr3;                       /* CR3 after the flush */
};

struct fault_event {
    uint32_t eip;           /* instruction that faulted (0 for kernel uaccess) */
    uint32_t address;       /* faulting linear address (CR2) */
    uint32_t error_code;    /* x86 #PF error code: P W U RSVD I/D */
    uint8_t  access;        /* enum mmu_access */
    uint8_t  kind;          /* enum fault_kind */
    uint8_t  resolution;    /* enum fault_resolution */
    uint32_t pfn;           /* frame that resolved it, or UINT32_MAX */
    uint64_t begin_seq;     /* EV_FAULT: the seq of its EV_FAULT_BEGIN */
};

/* EV_ALLOC and EV_FREE. */
struct alloc_event {
    uint8_t     allocator;  /* enum alloc_allocator */
    uint8_t     op;         /* enum alloc_op */
    unsigned    order;
    uint32_t    pfn;
    const char *zone;       /* "DMA", "Normal", "HighMem" */
    const char *purpose;    /* page_purpose_name(); slab: the cache name */
    uint32_t    addr;       /* slab: the object's kernel address; vmalloc: the
                               area's; bootmem: the range's (PAGE_OFFSET + phys);
                               0 for buddy pages */
    const char *gfp;        /* the request's GFP flags as %pGg text, or NULL (none) */
};

struct vma_event {
    uint8_t  op;            /* enum vma_op */
    uint32_t start, end;
    uint32_t prot;          /* PROT_* bits */
    uint32_t flags;         /* VM_* bits */
    const char *name;       /* "[heap]", "[stack]", file path, or "" */
};

/* EV_SYSCALL_ENTER (ret 0) and EV_SYSCALL_EXIT. */
struct syscall_event {
    uint32_t nr;
    const char *name;
    uint32_t args[6];
    int32_t  ret;
    uint64_t enter_seq;     /* EV_SYSCALL_EXIT: the seq of its enter */
};

/* EV_UACCESS: one copy_from_user / copy_to_user / strncpy_from_user that
 * reached user memory.  A read's bytes are outputs of guest instructions
 * replay does not run, so a model system call's reads carry them (data);
 * a host-backed call's (SYS_EXTERNAL) reads and every write carry only addr and
 * len (strings always carry theirs): replay repeats them for their faults. */
enum uaccess_dir { UA_READ, UA_WRITE, UA_STRING };
struct uaccess_event {
    uint8_t  dir;           /* enum uaccess_dir */
    int32_t  result;        /* 0, or -EFAULT / -ENAMETOOLONG */
    uint32_t addr;
    uint32_t len;           /* bytes transferred (a string: with its NUL) */
    const uint8_t *data;    /* the bytes read, or NULL (not recorded) */
};
const char *uaccess_dir_name(enum uaccess_dir d);  /* "read", "write", "string" */

/* EV_FILE_MAP: what the file at an fd was to mmap (fd_mmap_file), data from
 * outside the model a replay serves in its place: the result (0, -EBADF,
 * -ENODEV ...), Linux's f_mode (FMODE_* in mm.h) and, when the mapping gets
 * pages, the vm_file's name, size at mmap and host identity (two maps of one
 * file share one vm_file). */
struct file_map_event {
    uint32_t fd;
    int32_t  result;
    uint32_t f_mode;
    const char *path;       /* NULL: no pages (no vm_file) */
    uint64_t size, dev, ino;
};

/* EV_PAGE_CACHE: page `index` of the file (dev, ino: the host's identity,
 * or the model's own for tmpfs; 0, 0 for a file in no inode cache, such as
 * the program's image) at frame pfn. */
struct page_cache_event {
    uint8_t  op;            /* enum pagecache_op */
    uint32_t index, pfn;
    uint64_t dev, ino;
};

/* EV_PROCESS_START (wake_up_new_task, before exec) and EV_PROCESS_EXIT
 * (where the task dies: inside the exit_group or fault that ended it). */
struct process_event {
    const char *comm;
    uint32_t ppid;          /* the parent process */
    int32_t status;         /* exit: as the shell sees it (code, or 128+signal) */
    const char *reason;     /* exit: "exit", "SIGSEGV", "OOM", ...; start: NULL */
    const char *args;       /* exit: the argv of its last exec, joined by spaces, or NULL */
    const char *exe;        /* exit: the program it runs (/proc/PID/exe), or NULL */
    uint64_t peak_rss;      /* exit: its mm's hiwater_rss in pages (0: no mm) */
};

/* EV_SNAPSHOT: one value of snapshot number `snap` (1, 2, ...; all values
 * of one snapshot share its seq and cycle).  free-pages: scope the zone,
 * ord the buddy order, value the pages free in blocks of that order
 * (nr_free << ord); rss and pgtable-pages: the event's pid, value pages. */
struct snapshot_event {
    uint32_t snap;
    uint8_t  metric;        /* enum snapshot_metric */
    const char *scope;      /* the zone (free-pages), or NULL */
    int32_t  ord;           /* the buddy order (free-pages), or -1 */
    uint64_t value;
};

/* EV_PROC_FILE: the text of one /proc file rendered when the task exits,
 * before its mm goes (`memsim proc`); unsequenced, like snapshots: state,
 * not something that happened.  The event's pid owns a /proc/PID file; 0
 * for a machine-wide /proc/NAME. */
struct proc_file_event {
    const char *name;       /* static: "maps", "meminfo", ... */
    const uint8_t *data;    /* len bytes (cmdline and environ hold NULs) */
    uint32_t len;
};

/* EV_SCHED_SWITCH (context_switch), emitted before the switch's CR3
 * write, which it causes: the tlb_flushes row of that write has this
 * event's seq as its cause.  The event's pid/tid are prev's. */
struct sched_switch_event {
    uint32_t prev_pid, prev_tid;    /* the task leaving the CPU (tgid, pid) */
    uint32_t next_pid, next_tid;    /* the task taking it */
    uint8_t  reason;                /* enum switch_reason */
    uint8_t  cr3_write;             /* 1: next's page directory was not loaded: CR3 written */
    uint32_t cr3;                   /* next's CR3 (written or already loaded) */
    const char *wait;               /* SWITCH_BLOCKED: the wait ("wait4"), or NULL */
};

/* EV_SIGNAL_FRAME: a handler's delivery (signal_setup_frame, before the
 * frame is written: the signal, its handler) or a sigreturn (before the
 * frame is read), with the user registers the frame's place depends on
 * (esp, ss): a replay's input, as a call's arguments are. */
enum signal_frame_op { SIGFRAME_DELIVER, SIGFRAME_RETURN };
struct signal_frame_event {
    uint8_t  op;                    /* enum signal_frame_op */
    uint8_t  rt;                    /* an rt_sigframe (SA_SIGINFO, rt_sigreturn) */
    uint32_t signo, handler;        /* SIGFRAME_DELIVER; 0 for a return */
    uint32_t sp, ss;                /* the user's */
};

/* EV_TIMER_FIRE (time_fire_timer), before the timer's signal is sent:
 * which timer of the process expired.  When it fires decides the model
 * clock, which a replay does not have: one that fired while the guest ran
 * (cause 0) or in an external call is a replay's input. */
struct timer_fire_event {
    uint8_t which;                  /* ITIMER_REAL 0, _VIRTUAL 1, _PROF 2 */
};

struct event {
    uint64_t seq;           /* 1, 2, 3 ... over every event of the run */
    uint64_t cycle;         /* the clock when it was emitted */
    uint64_t cause;         /* seq of the syscall enter / fault begin, or 0 */
    uint32_t pid, tid;      /* the process (Linux's tgid) and the thread (task pid) */
    enum event_type type;
    union {
        struct syscall_event syscall;
        struct fault_event fault;
        struct walk_event walk;
        struct alloc_event alloc;
        struct vma_event vma;
        struct flush_event flush;
        struct seg_event seg;
        struct process_event proc;
        struct uaccess_event uaccess;
        struct file_map_event file_map;
        struct snapshot_event snap;
        struct proc_file_event proc_file;
        struct page_cache_event page_cache;
        struct sched_switch_event sched;
        struct signal_frame_event signal;
        struct timer_fire_event timer;
    } u;
};

/* ---- the stream ---- */

struct event_sink {
    void *ctx;
    void (*consume)(void *ctx, const struct event *ev);
};

#define EVENT_MAX_SINKS 4

struct event_stream {
    uint64_t next_seq;          /* the seq the next event gets (starts at 1) */
    uint64_t cause;             /* the current cause, 0 = none */
    const uint64_t *clock;      /* the model's cycle counter (read only), or NULL */
    unsigned nr_sinks;
    struct event_sink sinks[EVENT_MAX_SINKS];
};

void event_stream_init(struct event_stream *s, const uint64_t *clock);
/* Append a sink; 0, or -1 when EVENT_MAX_SINKS are taken. */
int  event_stream_add_sink(struct event_stream *s, void *ctx,
                           void (*consume)(void *ctx, const struct event *ev));
/* Remove every sink with this ctx (its owner goes away before the stream). */
void event_stream_remove_sink(struct event_stream *s, void *ctx);

/* Stamp ev (seq, cycle, cause) and give it to every sink.  ev->type, pid,
 * tid and the payload are the caller's.  Returns the seq (0: s is NULL). */
uint64_t event_emit(struct event_stream *s, struct event *ev);

/* Emit an observation of state rather than something that happened (an
 * EV_SNAPSHOT): stamped with the seq of the last event emitted (it is taken
 * after that event), cycle and cause, and the counter does not advance, so
 * recording it leaves every event's seq as it was. */
void event_emit_unsequenced(struct event_stream *s, struct event *ev);

/* Emit ev (EV_SYSCALL_ENTER or EV_FAULT_BEGIN) and make it the current
 * cause.  Returns the previous cause, for event_cause_end(). */
uint64_t event_cause_begin(struct event_stream *s, struct event *ev);
/* Restore prev, then emit ev (EV_SYSCALL_EXIT or EV_FAULT; NULL: emit
 * nothing): a begin and its end carry the same, enclosing cause. */
void event_cause_end(struct event_stream *s, struct event *ev, uint64_t prev);

/* The system call's two events, from its one dispatcher; pid is the
 * process's id (Linux's tgid), tid the thread's. */
uint64_t event_syscall_enter(struct event_stream *s, uint32_t pid, uint32_t tid, uint32_t nr,
                             const char *name, const uint32_t args[6], uint64_t *prev);
void event_syscall_exit(struct event_stream *s, uint32_t pid, uint32_t tid, uint32_t nr,
                        const char *name, const uint32_t args[6], int32_t ret,
                        uint64_t enter_seq, uint64_t prev);

#endif
