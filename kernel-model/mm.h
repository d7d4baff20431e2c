/*
 * mm.h — address spaces: mm_struct, vm_area_struct, the page-fault handler
 * and the mapping calls (Linux mm/mmap.c, mm/memory.c, mm/mprotect.c).
 *
 * Each VMA is an object of its own that stays put while it exists; the
 * mm indexes them in address order (vma.c: a sorted array of pointers,
 * find_vma a binary search behind a one-entry cache, like the old
 * vmacache).  Only vma.c touches the index: everyone else walks it with
 * find_vma, vma_first/vma_next/vma_prev and for_each_vma.  Page tables are real i386 tables in modelled RAM, allocated
 * from the buddy allocator, in the kernel's paging mode: two-level (the
 * kernel half of every page directory copied from swapper_pg_dir, a 4 MiB
 * PSE direct map of low memory) or PAE (a PDPT with three preallocated user
 * PMDs and swapper's kernel PMD, a 2 MiB direct map, NX on; pgtable.c).
 *
 * A secondary MMU (emu/: Unicorn regions and host aliases) is told of every
 * change through struct mm_notifier, in the spirit of Linux's mmu_notifier:
 * vma_changed() when the set of VMAs over a range changed, set_pte() when a
 * page became mapped (or its rights changed), clear_pte() when it went away,
 * user_written() when the kernel stored into user memory.
 */
#ifndef MEMSIM_MM_H
#define MEMSIM_MM_H

#include <stddef.h>
#include <stdint.h>
#include "kernel-model/arch_ops.h"
#include "kernel-model/filemap.h"
#include "kernel-model/futex.h"
#include "kernel-model/highmem.h"
#include "kernel-model/list.h"
#include "kernel-model/page_alloc.h"
#include "kernel-model/resource.h"
#include "kernel-model/slab.h"
#include "kernel-model/snapshot.h"
#include "kernel-model/syscalls.h"
#include "kernel-model/vmalloc.h"
#include "kernel-model/vmstat.h"
#include "mmu/mmu.h"

#define TASK_SIZE        0xC0000000u
#define PAGE_OFFSET      0xC0000000u
#define ELF_TEXT_BASE    0x08048000u
#define MMAP_MIN_ADDR    0x00010000u
#define STACK_TOP        TASK_SIZE
#define STACK_GUARD_GAP  (256u << PAGE_SHIFT)
#define MMAP_BASE        (TASK_SIZE - (128u << 20))   /* gap clamped to 128 MiB */
#define TASK_UNMAPPED_BASE 0x40000000u                /* PAGE_ALIGN(TASK_SIZE / 3) */
#define DEFAULT_MAX_MAP_COUNT 65530u                  /* sysctl vm.max_map_count */

/* vm_flags (include/linux/mm.h) */
#define VM_READ      0x00000001u
#define VM_WRITE     0x00000002u
#define VM_EXEC      0x00000004u
#define VM_SHARED    0x00000008u
#define VM_MAYREAD   0x00000010u
#define VM_MAYWRITE  0x00000020u
#define VM_MAYEXEC   0x00000040u
#define VM_MAYSHARE  0x00000080u   /* MAP_SHARED of a file (also one opened read-only) */
#define VM_GROWSDOWN 0x00000100u
#define VM_DENYWRITE 0x00000800u
#define VM_LOCKED    0x00002000u
#define VM_SEQ_READ  0x00008000u   /* madvise SEQUENTIAL */
#define VM_RAND_READ 0x00010000u   /* madvise RANDOM */
#define VM_DONTCOPY  0x00020000u   /* madvise DONTFORK */
#define VM_LOCKONFAULT 0x00080000u
#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)
#define VM_ACCOUNT   0x00100000u
#define VM_NORESERVE 0x00200000u   /* MAP_NORESERVE (overcommit is not "never") */
#define VM_WIPEONFORK 0x02000000u
#define VM_DONTDUMP  0x04000000u
#define VM_HUGEPAGE  0x20000000u
#define VM_NOHUGEPAGE 0x40000000u
#define VM_MERGEABLE 0x80000000u   /* KSM may merge its pages */

/* mmap prot/flags (asm-generic/mman*.h) */
#define PROT_NONE_   0x0
#define PROT_READ_   0x1
#define PROT_WRITE_  0x2
#define PROT_EXEC_   0x4
#define PROT_SEM_    0x8
#define PROT_GROWSDOWN_ 0x01000000u
#define PROT_GROWSUP_   0x02000000u
#define MAP_SHARED_    0x01
#define MAP_PRIVATE_   0x02
#define MAP_FIXED_     0x10
#define MAP_ANONYMOUS_ 0x20
#define MAP_GROWSDOWN_ 0x0100
#define MAP_LOCKED_    0x2000
#define MAP_NORESERVE_ 0x4000
#define MAP_POPULATE_  0x8000
#define MAP_NONBLOCK_  0x10000
#define MAP_FIXED_NOREPLACE_ 0x100000
#define MAP_SHARED_VALIDATE_ 0x03
/* The flags MAP_SHARED_VALIDATE accepts from a file without
 * mmap_supported_flags (LEGACY_MAP_MASK): not FIXED_NOREPLACE, not SYNC. */
#define LEGACY_MAP_MASK_ 0x0407f933u

/* A file a VMA maps, Linux's struct file held by vma->vm_file: it lives as
 * long as a VMA or a descriptor refers to it, not as long as the descriptor
 * the guest mapped it through.  Its pages are the page cache of its inode
 * (vm_file_mapping: the cached inode of (dev, ino), made at the first fault
 * when the vm_file has none yet); what the vm_file keeps is what a VMA needs
 * beyond them: the guest path (/proc, the trace), the host descriptor its
 * faults read missing pages through (the readpage), and for a replay's
 * placeholder the recorded size.  A vm_file_table shares one per host file
 * (dev, ino), so mapping one file 3000 times costs one host descriptor, not
 * 3000. */
struct inode;
struct shmem_mounts;
struct ipc_namespace;
struct vm_file {
    int      refs;
    int      fd;          /* host descriptor, owned; -1: a replay's placeholder */
    uint64_t size;        /* fd -1: the file's recorded size (its pages read as zeros) */
    char    *path;        /* guest path, for /proc and the trace */
    uint64_t dev, ino;    /* the host file's identity (vm_file_get) */
    struct inode *inode;  /* a reference; NULL until vm_file_mapping */
    int      image;       /* the program's image (vm_file_open, a replay's exec
                             placeholder): its pages are a cache of its own, in
                             no inode cache (identity 0, 0), so a run and its
                             replay, which knows no identity for it, agree */
    struct vm_file *next, **pprev;   /* in its vm_file_table; pprev NULL: in none */
    int      shm_id;      /* a SysV segment's file (shm.c): the segment's id
                             (Linux's shm_file_data.id); else unused */
};

/* What do_mmap needs of the open file a mapping is made through: Linux's
 * struct file (f_mode, f_op->mmap), which a vm_file is not — a vm_file is
 * per host file, shared by every open of it, and stands for the inode's
 * pages.  The caller (the syscall layer, which knows the descriptor) fills
 * it in; do_mmap turns it into EACCES / ENODEV at the point Linux does. */
#define FMODE_READ_   0x1u
#define FMODE_WRITE_  0x2u
#define FMODE_MMAP_   0x4u   /* has an ->mmap the model can serve: vmf pages */
#define FMODE_ZERO_   0x8u   /* /dev/zero (mmap_zero): anonymous memory */
struct vm_operations_struct;
struct mmap_file {
    unsigned f_mode;         /* FMODE_* */
    struct vm_file *vmf;     /* with FMODE_MMAP_ and FMODE_READ_: the pages */
    const struct vm_operations_struct *vm_ops;   /* what ->mmap sets vma->vm_ops to */
};

/* The open mapped files of a machine, by identity (the inode cache's job). */
struct vm_file_table {
    struct vm_file *head;
};

struct vm_area_struct {
    uint32_t vm_start, vm_end;   /* [start, end), page aligned */
    uint32_t vm_flags;           /* VM_* */
    uint32_t vm_pgoff;           /* file offset in pages */
    uint32_t vm_file_bytes;      /* bytes of the file mapped from vm_pgoff on;
                                    the rest of the range reads as zeros (bss) */
    struct vm_file *vm_file;     /* NULL: anonymous */
    const char *vm_name;         /* "[heap]", "[stack]" or NULL */
    /* Linux's vma->anon_vma: 0 until the first private page is allocated
     * (anon_vma_prepare), then a compatible neighbour's or a new one: the
     * kernel address of its object in the anon_vma cache (rmap.c).  Two
     * VMAs with different anon_vmas never merge (is_mergeable_anon_vma). */
    uint32_t anon_vma;
    uint32_t avc;                /* its anon_vma_chain object (0: no anon_vma) */
    uint32_t kaddr;              /* its vm_area_struct in the vm_area_cachep slab (0: none) */
    const struct vm_operations_struct *vm_ops;   /* NULL, or SysV shm's (shm.c) */
};

struct mm_struct;

/*
 * Linux's vm_operations_struct, reduced to the two hooks the model needs:
 * open when a VMA is duplicated (a split's new part, mremap's copy, later
 * fork's dup_mmap, and the mapping's own insertion, which is where shm_mmap
 * counts its attach), close when a VMA is freed (remove_vma).  Only SysV
 * shm has them (shm_nattch); a VMA with a close hook never merges
 * (is_mergeable_vma).
 */
struct vm_operations_struct {
    void (*open)(struct mm_struct *mm, struct vm_area_struct *vma);
    void (*close)(struct mm_struct *mm, struct vm_area_struct *vma);
};

struct mm_notifier {
    void *ctx;
    void (*vma_changed)(void *ctx, struct mm_struct *mm, uint32_t start, uint32_t end);
    void (*set_pte)(void *ctx, struct mm_struct *mm, uint32_t va, uint32_t pfn, int writable);
    void (*clear_pte)(void *ctx, struct mm_struct *mm, uint32_t va, int was_exec);
    /* The kernel wrote [va, va+len) of user memory behind the CPU's back
     * (copy_to_user): code translated from it is stale. */
    void (*user_written)(void *ctx, struct mm_struct *mm, uint32_t va, uint32_t len);
    /* madvise dropped the pages of [start, end) while their VMAs stay
     * (Linux's mmu_notifier_invalidate_range_end after zap_page_range). */
    void (*range_zapped)(void *ctx, struct mm_struct *mm, uint32_t start, uint32_t end);
    /* A page-table entry for va names a frame outside RAM or has a reserved
     * bit set (`entry` is its value; 0 when the MMU's walk reported it):
     * the tables are corrupt.
     * The model never touches that frame; emu ends the run (may be NULL). */
    void (*bad_pagetable)(void *ctx, struct mm_struct *mm, uint32_t va, uint64_t entry);
};

struct kernel;

/* The ordered index of an mm's VMAs: private to vma.c. */
struct vma_index {
    struct vm_area_struct **slot;  /* map_count pointers, by vm_start */
    size_t cap;
    size_t cache;                  /* slot of the last find_vma hit */
};

struct mm_struct {
    struct kernel *k;
    uint32_t pid;                /* owner, for events */
    int mm_users;                /* tasks using it (CLONE_VM, vfork): mmput's count */
    uint32_t pgd;                /* pfn of the page directory (PAE: the PDPT) */
    uint32_t kaddr;              /* its mm_struct in the mm_cachep slab */
    struct vma_index vma_index;  /* the VMAs (vma.c) */
    uint32_t map_count;          /* VMAs in the index (read-only outside vma.c) */
    uint32_t max_map_count;      /* more VMAs than this: -ENOMEM, as Linux */
    uint32_t start_code, end_code, start_data, end_data;
    uint32_t start_brk, brk, start_stack;
    uint32_t arg_start, arg_end, env_start, env_end;   /* the argv and envp strings
                                   exec wrote (/proc/PID/cmdline, environ) */
    uint32_t mmap_base;
    uint64_t rss_pages;          /* present PTEs, the zero page's included */
    uint64_t zero_rss;           /* of those, the zero page's: Linux's rss leaves them out */
    uint64_t hiwater_rss;        /* the peak of get_mm_rss (VmHWM), taken before rss falls */
    uint64_t hiwater_vm;         /* the peak of total_vm (VmPeak), taken before it falls */
    uint64_t pgtable_pages;      /* page tables (PTE pages); PAE's preallocated
                                    PMDs belong to the pgd and are not counted */
    uint64_t bad_entries;        /* entries found naming a frame past RAM */
    struct mm_notifier notifier;
    void *context;               /* the engine's for this address space (emu/), opaque here */
    uint32_t def_flags;          /* vm_flags every new mapping gets (mlockall MCL_FUTURE) */
    struct rlimit64_ rlim[RLIM_NLIMITS_]; /* the owner's resource limits (resource.h) */
    struct mm_struct *pgd_next, **pgd_pprev;  /* on k->pgd_list (pgtable.c) */
    int unlocked_by_fork;        /* dup_mm dropped VM_LOCKED from a copy: neighbours
                                    may now look mergeable, which Linux leaves apart
                                    too (dup_mmap never merges; mm_check knows) */
    struct list_head mmlist;     /* on k->mms from mm_alloc to mm_release: frames may be
                                    mapped by several mms after fork (mm_check counts all) */
};

struct task_struct;


/* Linux's fault_around_bytes (64 KiB): the pages a read fault of a file
 * maps around itself when they are cached (memory.c do_fault_around). */
#define FAULT_AROUND_PAGES 16u

/* The kernel's global state: RAM, allocators, shared pages, the clock. */
struct kernel {
    struct physmem pm;
    struct pglist_data pgdat;
    struct slab_caches slab;     /* kmem_caches and kmalloc (slab.h) */
    struct mmu *mmu;             /* the CPU's MMU (TLB shootdowns) */
    enum paging_mode paging;     /* the page-table format */
    int nx;                      /* PAE with EFER.NXE: non-exec VMAs get _PAGE_NX */
    uint32_t swapper_pg_dir;     /* pfn (PAE: the PDPT) */
    uint32_t zero_pfn;           /* the shared zero page */
    unsigned long poll_scans;    /* readiness scans so far (select.c: poll_table.serial) */
    struct kmap_state kmap;      /* pkmap and kmap_local slots (highmem.h) */
    struct event_stream *events; /* where faults, allocations, VMA changes go; or NULL */
    /* The timing model's side of a fault: told the resolution of each one
     * (the CPU's and the kernel's own uaccess faults) before its event, so
     * it can charge the cost.  Policy lives there, not here (may be NULL). */
    struct fault_timing {
        void *ctx;
        void (*fault)(void *ctx, enum fault_resolution r);
    } timing;
    uint64_t oom_kills;
    struct futex_hash futex;     /* futex wait queues, keyed by (mm, uaddr) */
    struct vm_file_table vm_files; /* mapped files, one vm_file per host file */
    struct vmalloc_state vmap;   /* the vmalloc area (vmalloc.h) */
    struct vm_event_state vm_events;  /* /proc/vmstat's events (vmstat.h) */
    struct mm_struct *pgd_list;  /* every mm's pgd, 2-level paging (pgtable.c) */
    struct list_head mms;        /* every live mm (mm_struct.mmlist), both paging modes */
    struct inode *inodes;        /* the inode cache (vfs.h, inode.c) */
    struct lruvec lru;           /* the page cache's LRU lists (filemap.h) */
    struct shmem_mounts *shmem;  /* tmpfs /tmp and /dev/shm (shmem.c), made at first use */
    struct ipc_namespace *ipc;   /* SysV IPC ids and limits (ipc.h), made at first use */
    uint64_t shmem_next_ino;     /* get_next_ino: shmem_kernel_file_setup (shared anon) and pipefs inodes, one counter as Linux's */
    uint32_t tty_pgrp;           /* the host terminal's foreground process group as the
                                    guest sees it (TIOCSPGRP, tty_ioctl.c); 0: the
                                    first process's */
    unsigned fault_around_pages; /* --fault-around: FAULT_AROUND_PAGES, 0 off */
    int writable_root;           /* --writable-root: names under --root are written on the
                                    host (hostfs_write.h), not in the overlay; a replay sets
                                    it from the run's options and writes nothing */

    /* the tasks (sched.h, sched.c) */
    struct list_head tasks;      /* every task not yet released, pid order */
    struct list_head runqueue;   /* the TASK_RUNNING ones, round-robin order */
    struct task_struct *current; /* the task the CPU runs (context_switch) */
    struct task_struct *child_reaper; /* the first guest process: orphans' parent
                                    while it lives, then virtual init (pid 1) */
    uint32_t last_pid;           /* alloc_pid's cursor */
    uint32_t nr_tasks;           /* tasks on k->tasks */
    uint32_t max_tasks;          /* --max-tasks: fork past this many tasks is
                                    EAGAIN (0: only RLIMIT_NPROC bounds it) */

    struct kernel_clock clock;
    struct snapshot_schedule snapshot; /* when the next snapshot is due (snapshot.h) */
    struct kernel_arch_ops arch;
    uint64_t rng;                /* getrandom and AT_RANDOM stream (seeded by --seed) */
    uint64_t epoch;              /* --epoch: CLOCK_REALTIME at boot, seconds */
    struct enosys_log enosys;

    /* What a replay (replay/) puts where the engine and the host were; all
     * zero in a run.  uaccess_host: a SYS_EXTERNAL call is running, whose
     * reads of user memory are the host part's; every other read the model
     * makes (in its own calls, delivering a signal, a death's robust list)
     * carries its bytes, a replay input.  uaccess_src: the recorded bytes of the
     * next read at (dir, addr), which replace what RAM holds (the guest's
     * stores are not replayed); NULL: none recorded.  external: serves a
     * SYS_EXTERNAL call in place of its handler (its host part).  file_src:
     * what the file at an fd is to mmap (fd_mmap_file), in place of the fd
     * table, whose files a replay does not open.  external.close_files: the
     * host part of a model call, descriptors closed (a dying task's,
     * exit_files; exec's close-on-exec ones: their struct files, a pipe's
     * pages), done by the replay from the recording before the model closes
     * its (empty) table.
     * signal_src: the user's esp and ss at a handler's delivery (where the
     * frame goes) and at a sigreturn (where it is read back), as the
     * recorded signal_frames row had them: a replay has no CPU registers. */
    int uaccess_host;
    struct uaccess_source {
        void *ctx;
        const uint8_t *(*recorded)(void *ctx, enum uaccess_dir dir, uint32_t addr,
                                   uint32_t *len);
    } uaccess_src;
    struct syscall_external {
        void *ctx;
        long (*call)(void *ctx, struct task_struct *t, uint32_t nr, const uint32_t a[6]);
        void (*close_files)(void *ctx, struct task_struct *t);
    } external;
    struct signal_regs_source {
        void *ctx;
        void (*regs)(void *ctx, struct task_struct *t, struct pt_regs *regs);
    } signal_src;
    struct file_map_source {
        void *ctx;
        long (*map)(void *ctx, struct task_struct *t, uint32_t fd, struct mmap_file *mf);
    } file_src;
};

/* What a kernel boots with.  The one boot path: emu, the unit tests, the
 * fuzzers and replay all fill this in and call kernel_boot. */
struct kernel_config {
    uint64_t ram_bytes;           /* RAM size (physmem_init rounds it) */
    enum paging_mode paging;      /* the page-table format */
    struct mmu *mmu;              /* the CPU's MMU, or NULL (no CPU) */
    struct event_stream *events;  /* where the kernel's events go, or NULL */
};
/* Boot: RAM, the buddy allocator, swapper_pg_dir, the zero page.  With an
 * MMU, set its paging mode (CR4.PAE, and EFER.NXE with PAE) and point its
 * walker at the RAM (mmu->phys, phys_size).  0, or -1 with a one-line
 * reason in err (empty for an internal failure). */
int  kernel_boot(struct kernel *k, const struct kernel_config *cfg, char *err, size_t errlen);
void kernel_destroy(struct kernel *k);

struct mm_struct *mm_alloc(struct kernel *k, uint32_t pid);   /* NULL: OOM */
void mm_release(struct mm_struct *mm);                         /* frees every frame */
/* Drop a user of mm; the last one tells the engine (mm_destroy) and
 * releases it (mm_release).  NULL: nothing. */
void mmput(struct mm_struct *mm);
/*
 * fork's copy of oldmm (Linux's dup_mm and dup_mmap, fork_mm.c): a new mm
 * with its own page directory and every VMA of oldmm copied, VM_DONTCOPY
 * ones skipped, VM_WIPEONFORK ones copied without pages, VM_LOCKED and
 * VM_LOCKONFAULT dropped (locks are not inherited); each copy takes a
 * file reference, gets an anon_vma of its own, child of the parent VMA's
 * (anon_vma_fork: the pages both map stay the parent's), and vm_ops->open
 * is called.  Each copy is a VMA_OP_MAP event of the child's pid.
 * PTEs are copied (copy_page_range) where 6.1's vma_needs_copy says so:
 * for a VMA with an anon_vma; a shared or read-only file or shmem mapping
 * without one is left for the child's faults to fill from the page cache.
 * A copied PTE takes a page reference and a map count; in a private
 * writable (COW) mapping it is made read-only in BOTH mms (the parent's
 * through its notifier's set_pte with writable 0 and a TLB flush when it
 * is the live mm), so the first write of either copies or reuses the page
 * (do_wp_page).  k->arch.mm_init is called (when set) once the new mm
 * exists, before any VMA or PTE is copied into it, so the engine's
 * notifier (mm->notifier) sees every VMA (vma_changed) and PTE (set_pte)
 * of the child.  The new mm's pid is `pid`, mm_users 1; code/data/brk/
 * stack/arg/env, mmap_base, rlimits and max_map_count are copied,
 * def_flags keeps only VM_NOHUGEPAGE (VM_INIT_DEF_MASK: MCL_FUTURE is not
 * inherited), hiwater_rss and hiwater_vm start at the child's rss and
 * total_vm.  NULL when out of memory (or the engine's mm_init failed):
 * the partial mm is released, nothing leaked; oldmm's PTEs already made
 * read-only stay so (harmless: its next write reuses the page).
 */
struct mm_struct *dup_mm(struct mm_struct *oldmm, uint32_t pid);

/* ---- walking the VMAs (vma.c) ---- */
/* The first VMA with vm_end > addr, or NULL.  On the fault path: O(1) when
 * the last lookup's VMA holds addr, else a binary search. */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint32_t addr);
/* The VMA containing addr, or NULL (Linux's vma_lookup). */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint32_t addr);
/* The lowest / highest VMA, or NULL when there are none. */
struct vm_area_struct *vma_first(struct mm_struct *mm);
struct vm_area_struct *vma_last(struct mm_struct *mm);
/* The VMA after / before vma (which must be in mm), or NULL. */
struct vm_area_struct *vma_next(struct mm_struct *mm, const struct vm_area_struct *vma);
struct vm_area_struct *vma_prev(struct mm_struct *mm, const struct vm_area_struct *vma);
/* Every VMA in address order.  The body may change VMAs at or above the
 * current one (a split keeps it in place), not remove the current one. */
#define for_each_vma(mm, vma) \
    for ((vma) = vma_first(mm); (vma); (vma) = vma_next((mm), (vma)))
/* The VMAs that overlap [start, end), in order; same rule for the body. */
#define for_each_vma_range(mm, vma, start, end) \
    for ((vma) = find_vma((mm), (start)); (vma) && (vma)->vm_start < (end); \
         (vma) = vma_next((mm), (vma)))
/* Is va mapped by a present PTE?  No side effects (no A bits, no TLB). */
int user_page_present(struct mm_struct *mm, uint32_t va);
/* The frame behind a present user PTE for va, or PFN_NONE (follow_pte). */
uint32_t follow_pte(struct mm_struct *mm, uint32_t va);

/* ---- page faults (memory.c) ---- */
enum fault_result {
    FAULT_OK = 0,
    FAULT_SIGSEGV_MAPERR,
    FAULT_SIGSEGV_ACCERR,
    FAULT_SIGBUS,
    FAULT_OOM,
    /* An entry on the way to the address names a frame outside RAM or sets
     * a reserved bit: the tables are corrupt, as Linux's pgtable_bad
     * ("Corrupted page table", the task killed with SIGKILL).  The
     * bad_pagetable notifier was told. */
    FAULT_BAD_PAGETABLE,
};
/* The arch fault entry (do_user_addr_fault): resolve the fault the MMU
 * reported for `address` with `error_code`, or say which signal it is. */
enum fault_result do_page_fault(struct mm_struct *mm, uint32_t address,
                                uint32_t error_code, enum mmu_access acc, uint32_t eip);

/* Fault in every page of [start, end) inside VMAs, writable where the VMA
 * is (Linux's mm_populate, what MAP_POPULATE and mlock do).  Returns 0, or
 * the first failure. */
enum fault_result mm_populate(struct mm_struct *mm, uint32_t start, uint32_t end);
/* Fault in every page of [start, end) (inside one VMA) for reading or
 * writing, whatever the VMA allows: the caller checked (faultin_page). */
enum fault_result faultin_range(struct mm_struct *mm, uint32_t start, uint32_t end, int write);

/* ---- mappings (mmap.c) ---- */
/* Returns the address, or a negative errno (as uint32_t cast of -errno). */
long do_mmap(struct mm_struct *mm, uint32_t addr, uint32_t len, uint32_t prot,
             uint32_t flags, struct vm_file *file, uint32_t pgoff, uint32_t file_bytes,
             const char *name);
/* do_mmap through an open file that may not be mappable (file NULL:
 * anonymous).  do_mmap(vmf) is this with a readable, mappable file. */
long do_mmap_file(struct mm_struct *mm, uint32_t addr, uint32_t len, uint32_t prot,
                  uint32_t flags, const struct mmap_file *file, uint32_t pgoff,
                  uint32_t file_bytes, const char *name);
long do_munmap(struct mm_struct *mm, uint32_t start, uint32_t len);
long do_mprotect(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t prot);
uint32_t do_brk(struct mm_struct *mm, uint32_t newbrk);     /* returns the (new or old) brk */

/* ---- madvise.c: advice values (asm-generic/mman-common.h) ---- */
#define MADV_NORMAL_      0u
#define MADV_RANDOM_      1u
#define MADV_SEQUENTIAL_  2u
#define MADV_WILLNEED_    3u
#define MADV_DONTNEED_    4u
#define MADV_FREE_        8u
#define MADV_REMOVE_      9u
#define MADV_DONTFORK_    10u
#define MADV_DOFORK_      11u
#define MADV_MERGEABLE_   12u
#define MADV_UNMERGEABLE_ 13u
#define MADV_HUGEPAGE_    14u
#define MADV_NOHUGEPAGE_  15u
#define MADV_DONTDUMP_    16u
#define MADV_DODUMP_      17u
#define MADV_WIPEONFORK_  18u
#define MADV_KEEPONFORK_  19u
#define MADV_COLD_        20u
#define MADV_PAGEOUT_     21u
#define MADV_POPULATE_READ_  22u
#define MADV_POPULATE_WRITE_ 23u
#define MADV_DONTNEED_LOCKED_ 24u
#define MADV_COLLAPSE_    25u
#define MADV_HWPOISON_    100u
#define MADV_SOFT_OFFLINE_ 101u
/* madvise(2): 0 or a negative errno, as Linux 6.1's do_madvise. */
long do_madvise(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t advice);

/* ---- mremap.c, mlock.c, mincore.c: Linux's errnos, negative ---- */
#define MREMAP_MAYMOVE_   1u
#define MREMAP_FIXED_     2u
#define MREMAP_DONTUNMAP_ 4u
/* The new address, or a negative errno.  Moved pages keep their frames. */
long do_mremap(struct mm_struct *mm, uint32_t addr, uint32_t old_len, uint32_t new_len,
               uint32_t flags, uint32_t new_addr);
#define MLOCK_ONFAULT_ 1u
#define MCL_CURRENT_   1u
#define MCL_FUTURE_    2u
#define MCL_ONFAULT_   4u
long do_mlock(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t mlock2_flags);
long do_munlock(struct mm_struct *mm, uint32_t start, uint32_t len);
long do_mlockall(struct mm_struct *mm, uint32_t flags);
long do_munlockall(struct mm_struct *mm);
/* mincore: one byte per page of [start, start+len) into vec (host memory,
 * at least pages bytes); 0 or -errno, *done the bytes of vec written either
 * way (the syscall layer copies them out and owns the EFAULT rule). */
long do_mincore(struct mm_struct *mm, uint32_t start, uint32_t len, uint8_t *vec,
                uint32_t *done);
#define MS_ASYNC_      1u
#define MS_INVALIDATE_ 2u
#define MS_SYNC_       4u
long do_msync(struct mm_struct *mm, uint32_t start, uint32_t len, uint32_t flags);

struct vm_file *vm_file_open(int fd, const char *path);
/* A file with no host descriptor (replay/): size bytes that read as zeros.
 * Contents never decide an outcome a replay compares; the size does (SIGBUS). */
struct vm_file *vm_file_placeholder(const char *path, uint64_t size);
/* The table's vm_file for the host file open at fd, with a new reference;
 * if the table has none for its (dev, ino), a new one holding a dup of fd
 * (named path) joins the table.  NULL with errno set on failure; EACCES
 * when fd is not open for reading, so every vm_file can pread its pages. */
struct vm_file *vm_file_get(struct vm_file_table *t, int fd, const char *path);
void vm_file_put(struct vm_file *f);      /* the last put leaves the table */
/* The page cache a fault of f reads through: its inode's, made at the first
 * call: the cached inode of (dev, ino), or for the program's image
 * (f->image) one of its own; NULL: no memory. */
struct address_space *vm_file_mapping(struct kernel *k, struct vm_file *f);

/* ---- user memory access from the kernel (uaccess.c) ---- */
/* Copy to/from user space through the MMU, faulting pages in like the
 * kernel's copy_*_user: returns 0, or -EFAULT if any byte is inaccessible. */
int copy_from_user(struct mm_struct *mm, void *dst, uint32_t src, uint32_t len);
int copy_to_user(struct mm_struct *mm, uint32_t dst, const void *src, uint32_t len);
/* Copy a NUL-terminated string of at most max bytes (NUL included).
 * Returns its length, -EFAULT, or -ENAMETOOLONG. */
long strncpy_from_user(struct mm_struct *mm, char *dst, uint32_t src, uint32_t max);

/* ---- the mm's counters (include/linux/mm.h) ---- */
/* Linux's rss: MM_ANONPAGES + MM_FILEPAGES, the zero page not counted. */
static inline uint64_t get_mm_rss(const struct mm_struct *mm)
{
    return mm->rss_pages - mm->zero_rss;
}
/* VmHWM: the high-water mark, or rss when it is higher now. */
static inline uint64_t get_mm_hiwater_rss(const struct mm_struct *mm)
{
    uint64_t rss = get_mm_rss(mm);
    return mm->hiwater_rss > rss ? mm->hiwater_rss : rss;
}
/* update_hiwater_rss: before pages are unmapped (zap_page_range). */
static inline void update_hiwater_rss(struct mm_struct *mm)
{
    mm->hiwater_rss = get_mm_hiwater_rss(mm);
}

/* ---- helpers shared inside kernel-model ---- */
uint32_t vm_flags_to_prot(uint32_t vm_flags);
void mm_report_vma(struct mm_struct *mm, enum vma_op op, const struct vm_area_struct *vma);

#endif
