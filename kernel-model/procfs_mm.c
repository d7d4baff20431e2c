/*
 * procfs_mm.c — /proc/PID/maps, status, statm (fs/proc/task_mmu.c,
 * fs/proc/array.c as 6.1 prints them for an i386 task), from the task's
 * mm: its VMAs and its page tables; cmdline and environ, its strings.
 *
 * The counters Linux keeps in the mm (total_vm, data_vm, exec_vm,
 * stack_vm, locked_vm; the rss counters MM_ANONPAGES, MM_FILEPAGES) are
 * computed here from the VMAs and the PTEs, which is what they count: a
 * page is resident when a present PTE maps it, anonymous when its struct
 * page is PG_anon, a file page otherwise; the shared zero page is not
 * counted (Linux's is a special PTE, outside rss).  The model has no
 * shared memory (RssShmem 0), swap (VmSwap 0) or pinning (VmPin 0).
 * VmPeak and VmHWM are the mm's high-water marks (hiwater_vm, taken when a
 * VMA is removed; hiwater_rss, when pages are zapped) or the current
 * values when higher, as task_mem prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/procfs.h"

#define VM_STACK_ VM_GROWSDOWN           /* x86: the stack grows down */
#define PAGE_ALIGN(x) (((uint64_t)(x) + PAGE_SIZE - 1) & PAGE_MASK)
#define PAGES_KB(p) ((unsigned long long)(p) << (PAGE_SHIFT - 10))

static void count_vma_pages(struct mm_struct *mm, const struct vm_area_struct *vma,
                            struct mm_counts *c)
{
    for (uint32_t va = vma->vm_start; va < vma->vm_end; va += PAGE_SIZE) {
        uint32_t pfn = follow_pte(mm, va);
        if (pfn == PFN_NONE || pfn == mm->k->zero_pfn || pfn >= mm->k->pm.nr_pages)
            continue;
        if (pfn_to_page(&mm->k->pm, pfn)->flags & PG_anon)
            c->anon++;
        else
            c->file++;
        c->locked_rss += (vma->vm_flags & VM_LOCKED) != 0;
    }
}

void proc_mm_counts(struct mm_struct *mm, struct mm_counts *c)
{
    struct vm_area_struct *vma;
    memset(c, 0, sizeof *c);
    for_each_vma(mm, vma) {
        uint64_t pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
        uint32_t f = vma->vm_flags;
        c->total_vm += pages;
        if ((f & (VM_WRITE | VM_SHARED | VM_STACK_)) == VM_WRITE)      /* is_data_mapping */
            c->data_vm += pages;
        else if ((f & (VM_EXEC | VM_WRITE | VM_STACK_)) == VM_EXEC)    /* is_exec_mapping */
            c->exec_vm += pages;
        else if (f & VM_STACK_)                                        /* is_stack_mapping */
            c->stack_vm += pages;
        if (f & VM_LOCKED)
            c->locked_vm += pages;
        if (f & VM_ACCOUNT)
            c->committed += pages;
        count_vma_pages(mm, vma, c);
    }
}

/* ---- maps --------------------------------------------------------------- */

/* show_map_vma's names: the file, [heap] (the VMA meets [start_brk, brk]),
 * [stack] (it holds start_stack), else the model's own name, if any.
 * 6.1's test is inclusive (vm_start <= brk && vm_end >= start_brk), so a
 * static binary's bss VMA, which ends at start_brk when the break is not
 * randomized (the model's layout), is [heap] too: two [heap] lines, as
 * 6.1 prints them.  Kernels from 6.6 (vma_is_initial_heap: < and >) name
 * only the brk VMA; the VMAs themselves are the same (a native run on a
 * newer kernel, setarch -R, shows the bss and the heap apart). */
static const char *vma_name(const struct mm_struct *mm, const struct vm_area_struct *vma)
{
    if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
        return "[heap]";
    if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
        return "[stack]";
    return vma->vm_name;
}

/* show_vma_header_prefix: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ",
 * and then the name padded to seq_setwidth(25 + sizeof(void *) * 6 - 1):
 * column 48 on i386 (a 64-bit kernel pads a compat task's lines to 72). */
void proc_show_map_vma(struct seq_file *m, struct mm_struct *mm, const struct vm_area_struct *vma)
{
    uint32_t f = vma->vm_flags;
    const struct vm_file *file = vma->vm_file;
    unsigned long long pgoff = file ? (unsigned long long)vma->vm_pgoff << PAGE_SHIFT : 0;
    unsigned maj = file ? major(file->dev) : 0, min = file ? minor(file->dev) : 0;
    unsigned long long ino = file ? file->ino : 0;

    seq_setwidth(m, 25 + 4 * 6 - 1);
    seq_printf(m, "%08x-%08x %c%c%c%c %08llx %02x:%02x %llu ", vma->vm_start, vma->vm_end,
               f & VM_READ ? 'r' : '-', f & VM_WRITE ? 'w' : '-', f & VM_EXEC ? 'x' : '-',
               f & (VM_SHARED | VM_MAYSHARE) ? 's' : 'p', pgoff, maj, min, ino);
    const char *name = file ? file->path : vma_name(mm, vma);
    if (name) {
        seq_pad(m, ' ');
        seq_printf(m, "%s", name);
    }
    seq_putc(m, '\n');
}

int proc_pid_maps_show(struct seq_file *m, struct task_struct *t)
{
    struct vm_area_struct *vma;
    if (!t->mm)
        return 0;
    for_each_vma(t->mm, vma)
        proc_show_map_vma(m, t->mm, vma);
    return 0;
}

/* ---- statm -------------------------------------------------------------- */

static uint64_t text_bytes(const struct mm_struct *mm)
{
    return PAGE_ALIGN(mm->end_code) - (mm->start_code & PAGE_MASK);
}

/* task_statm: size resident shared text lib(0) data dt(0), in pages. */
int proc_pid_statm_show(struct seq_file *m, struct task_struct *t)
{
    struct mm_counts c;
    if (!t->mm) {
        seq_printf(m, "0 0 0 0 0 0 0\n");
        return 0;
    }
    proc_mm_counts(t->mm, &c);
    seq_printf(m, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)c.total_vm,
               (unsigned long long)(c.anon + c.file), (unsigned long long)c.file,
               (unsigned long long)(text_bytes(t->mm) >> PAGE_SHIFT),
               (unsigned long long)(c.data_vm + c.stack_vm));
    return 0;
}

/* ---- status ------------------------------------------------------------- */

/* fdt->max_fds: NR_OPEN_DEFAULT (BITS_PER_LONG, 32 on i386) until a
 * higher fd is used, then alloc_fdtable's size: a power of two times
 * 1024 / sizeof(struct file *) (256). */
static unsigned fd_table_size(const struct files_struct *fs)
{
    unsigned high = 0;
    for (unsigned fd = 0; fd < NR_OPEN_MAX; fd++)
        if (fs->fd[fd])
            high = fd + 1;
    if (high <= 32)
        return 32;
    unsigned n = 1;
    while (n < (high + 255) / 256)
        n <<= 1;
    return n * 256;
}

/* fs/proc/array.c's task_state_array: what state a task is in, seen
 * from whoever reads its status (the reader itself is running). */
const char *proc_task_state(const struct task_struct *t)
{
    switch (t->state) {
    case TASK_RUNNING:         return "R (running)";
    case TASK_INTERRUPTIBLE:   return "S (sleeping)";
    case TASK_UNINTERRUPTIBLE: return "D (disk sleep)";   /* vfork's TASK_KILLABLE */
    case TASK_STOPPED:         return "T (stopped)";
    case EXIT_ZOMBIE:          return "Z (zombie)";
    default:                   return "X (dead)";
    }
}

static void task_state(struct seq_file *m, struct task_struct *t)
{
    unsigned uid = getuid(), gid = getgid();
    if (t->fs)                          /* get_task_umask: none once exit_fs ran */
        seq_printf(m, "Umask:\t%#04o\n", t->fs->umask);
    seq_printf(m, "State:\t%s\n", proc_task_state(t));
    seq_printf(m, "Tgid:\t%u\nNgid:\t0\nPid:\t%u\nPPid:\t%u\nTracerPid:\t0\n",
               t->tgid, t->pid, t->ppid);
    seq_printf(m, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", uid, uid, uid, uid,
               gid, gid, gid, gid);
    seq_printf(m, "FDSize:\t%u\nGroups:\t", t->files ? fd_table_size(t->files) : 0);
    gid_t g[256];
    int n = getgroups(256, g);          /* as getgroups32 answers the guest */
    for (int i = 0; i < n; i++)
        seq_printf(m, "%s%u", i ? " " : "", (unsigned)g[i]);
    seq_putc(m, ' ');                   /* Linux's trailing space */
    seq_printf(m, "\nNStgid:\t%u\nNSpid:\t%u\nNSpgid:\t%u\nNSsid:\t%u\n",
               t->tgid, t->pid, t->signal->pgrp, t->signal->session);
}

#define SHOW_KB(name, pages) seq_printf(m, name "\t%8llu kB\n", PAGES_KB(pages))

static void task_mem(struct seq_file *m, struct task_struct *t)
{
    struct mm_struct *mm = t->mm;
    struct mm_counts c;
    proc_mm_counts(mm, &c);
    uint64_t rss = c.anon + c.file;
    uint64_t hiwater = get_mm_hiwater_rss(mm) > rss ? get_mm_hiwater_rss(mm) : rss;
    uint64_t peak = mm->hiwater_vm > c.total_vm ? mm->hiwater_vm : c.total_vm;
    uint64_t text = text_bytes(mm), exec = c.exec_vm << PAGE_SHIFT;
    text = text < exec ? text : exec;
    SHOW_KB("VmPeak:", peak);
    SHOW_KB("VmSize:", c.total_vm);
    SHOW_KB("VmLck:", c.locked_vm);
    SHOW_KB("VmPin:", 0);
    SHOW_KB("VmHWM:", hiwater);
    SHOW_KB("VmRSS:", rss);
    SHOW_KB("RssAnon:", c.anon);
    SHOW_KB("RssFile:", c.file);
    SHOW_KB("RssShmem:", 0);
    SHOW_KB("VmData:", c.data_vm);
    SHOW_KB("VmStk:", c.stack_vm);
    seq_printf(m, "VmExe:\t%8llu kB\n", (unsigned long long)(text >> 10));
    seq_printf(m, "VmLib:\t%8llu kB\n", (unsigned long long)((exec - text) >> 10));
    SHOW_KB("VmPTE:", mm->pgtable_pages);
    SHOW_KB("VmSwap:", 0);
}

/* render_sigset_t: 64 signals as 16 hex digits, the highest first. */
static void render_sigset(struct seq_file *m, const char *name, uint64_t set)
{
    seq_printf(m, "%s\t%016llx\n", name, (unsigned long long)set);
}

static void task_sig(struct seq_file *m, struct task_struct *t)
{
    uint64_t ign = 0, caught = 0;
    for (int sig = 1; sig <= 64; sig++) {
        uint32_t h = t->sighand->action[sig].handler;
        if (h == 1)
            ign |= 1ull << (sig - 1);
        else if (h > 1)
            caught |= 1ull << (sig - 1);
    }
    uint64_t pending = signal_pending_set(&t->sig);
    unsigned long long qlim = t->mm ? t->mm->rlim[RLIMIT_SIGPENDING_].rlim_cur : 0;
    /* a zombie's signal_struct still counts it (__exit_signal runs at release) */
    int threads = t->signal->nr_threads > 0 ? t->signal->nr_threads : 1;
    seq_printf(m, "Threads:\t%d\nSigQ:\t%d/%llu\n", threads, __builtin_popcountll(pending), qlim);
    render_sigset(m, "SigPnd:", t->sig.pending.signal);
    render_sigset(m, "ShdPnd:", t->sig.shared.signal);
    render_sigset(m, "SigBlk:", t->sig.blocked);
    render_sigset(m, "SigIgn:", ign);
    render_sigset(m, "SigCgt:", caught);
}

/* task_cap (CAP_LAST_CAP 40 in 6.1), task_seccomp, the cpus and mems of a
 * machine with one CPU and one node, the context switches (a sleep is a
 * voluntary one; nothing preempts the one task). */
static void task_rest(struct seq_file *m, struct task_struct *t)
{
    unsigned long long full = (1ull << 41) - 1, caps = getuid() == 0 ? full : 0;
    seq_printf(m, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n", 0ull, caps, caps);
    seq_printf(m, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", full, 0ull);
    seq_printf(m, "NoNewPrivs:\t%u\nSeccomp:\t0\nSeccomp_filters:\t0\n", t->no_new_privs);
    seq_printf(m, "Speculation_Store_Bypass:\tnot vulnerable\n");
    seq_printf(m, "SpeculationIndirectBranch:\tnot affected\n");
    seq_printf(m, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
    seq_printf(m, "Mems_allowed:\t1\nMems_allowed_list:\t0\n");
    seq_printf(m, "voluntary_ctxt_switches:\t%llu\nnonvoluntary_ctxt_switches:\t0\n",
               (unsigned long long)t->k->clock.nr_sleeps);
}

/* proc_pid_status: Name, task_state, task_mem (with an mm), CoreDumping,
 * task_sig, the capabilities and the rest.  THP_enabled is absent: the
 * model is a kernel without transparent huge pages. */
int proc_pid_status_show(struct seq_file *m, struct task_struct *t)
{
    seq_printf(m, "Name:\t%s\n", t->comm);
    task_state(m, t);
    if (t->mm) {
        task_mem(m, t);
        seq_printf(m, "CoreDumping:\t0\n");
    }
    task_sig(m, t);
    task_rest(m, t);
    return 0;
}

/* ---- cmdline and environ (fs/proc/base.c) -------------------------------- */

/* The present pages' bytes of [start, end), up to the first absent one:
 * nothing faults, nothing is emitted (the exit snapshot). */
static uint32_t read_present(struct mm_struct *mm, uint8_t *dst, uint32_t start, uint32_t len)
{
    uint32_t done = 0;
    while (done < len) {
        uint32_t va = start + done, pfn = follow_pte(mm, va);
        if (pfn == PFN_NONE || pfn >= mm->k->pm.nr_pages)
            break;
        uint32_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        n = n < len - done ? n : len - done;
        memcpy(dst + done, (uint8_t *)pfn_to_host(&mm->k->pm, pfn) + (va & (PAGE_SIZE - 1)), n);
        done += n;
    }
    return done;
}

/* The mm's bytes [start, end), as access_remote_vm reads them. */
static int show_user_range(struct seq_file *m, struct task_struct *t, uint32_t start, uint32_t end)
{
    if (!t->mm || end <= start)
        return 0;
    uint32_t len = end - start;
    if (seq_reserve(m, len) < 0)
        return -ENOMEM;
    if (m->nofault)
        len = read_present(t->mm, (uint8_t *)m->buf + m->count, start, len);
    else if (copy_from_user(t->mm, m->buf + m->count, start, len))
        return 0;                       /* unreadable: an empty file */
    m->count += len;
    return 0;
}

int proc_pid_cmdline_show(struct seq_file *m, struct task_struct *t)
{
    return t->mm ? show_user_range(m, t, t->mm->arg_start, t->mm->arg_end) : 0;
}

int proc_pid_environ_show(struct seq_file *m, struct task_struct *t)
{
    return t->mm ? show_user_range(m, t, t->mm->env_start, t->mm->env_end) : 0;
}
