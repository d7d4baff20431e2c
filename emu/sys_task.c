/*
 * sys_task.c — the per-task registrations glibc makes at start:
 * set_tid_address, set_robust_list/get_robust_list and rseq.
 *
 * memsim's task runs on one modelled CPU and is never preempted or
 * migrated, so a registered rseq area only ever needs the CPU number
 * written at registration (rseq_update_cpu_node_id on the way back to user
 * mode): no critical section can be interrupted, so none is ever aborted.
 * The processes issue, which delivers signals with handlers, must check the
 * rseq_cs of an interrupted task as Linux's rseq_signal_deliver does.
 */
#include <errno.h>
#include <signal.h>
#include "emu/syscall.h"

#define ROBUST_LIST_HEAD_SIZE 12u       /* struct robust_list_head, i386 */
#define ORIG_RSEQ_SIZE        32u       /* struct rseq as first merged; its alignment */
#define RSEQ_FLAG_UNREGISTER  1u
#define RSEQ_CPU_ID_UNINITIALIZED 0xffffffffu

long sys_set_tid_address(struct machine *m, const uint32_t a[6])
{
    m->clear_child_tid = a[0];
    return m->pid;
}

long sys_set_robust_list(struct machine *m, const uint32_t a[6])
{
    if (a[1] != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    m->robust_list = a[0];              /* walked at exit by the processes issue */
    return 0;
}

long sys_get_robust_list(struct machine *m, const uint32_t a[6])
{
    if (a[0] != 0 && a[0] != m->pid)
        return -ESRCH;
    uint32_t len = ROBUST_LIST_HEAD_SIZE;
    if (copy_to_user(m->mm, a[2], &len, sizeof len) ||
        copy_to_user(m->mm, a[1], &m->robust_list, sizeof m->robust_list))
        return -EFAULT;
    return 0;
}

/* The fields Linux writes on return to user: cpu_id_start, cpu_id, and
 * node_id and mm_cid at offsets 20 and 24 (within the original 32 bytes). */
static int rseq_write_cpu(struct machine *m, uint32_t addr, uint32_t cpu_id)
{
    uint32_t head[2] = { 0, cpu_id }, tail[2] = { 0, 0 };
    return copy_to_user(m->mm, addr, head, sizeof head) ||
           copy_to_user(m->mm, addr + 20, tail, sizeof tail);
}

static long rseq_unregister(struct machine *m, uint32_t addr, uint32_t len, uint32_t sig)
{
    if (m->rseq_addr != addr || !addr || m->rseq_len != len)
        return -EINVAL;
    if (m->rseq_sig != sig)
        return -EPERM;
    if (rseq_write_cpu(m, addr, RSEQ_CPU_ID_UNINITIALIZED))
        return -EFAULT;
    m->rseq_addr = m->rseq_len = m->rseq_sig = 0;
    return 0;
}

/* sys_rseq (kernel/rseq.c), its checks in its order. */
long sys_rseq(struct machine *m, const uint32_t a[6])
{
    uint32_t addr = a[0], len = a[1], flags = a[2], sig = a[3];
    if (flags & RSEQ_FLAG_UNREGISTER)
        return flags & ~RSEQ_FLAG_UNREGISTER ? -EINVAL : rseq_unregister(m, addr, len, sig);
    if (flags)
        return -EINVAL;
    if (m->rseq_addr) {
        if (m->rseq_addr != addr || m->rseq_len != len)
            return -EINVAL;
        return m->rseq_sig != sig ? -EPERM : -EBUSY;
    }
    /* 32 bytes or more, 32-byte aligned (struct rseq's alignment), and a
     * longer area must reach past mm_cid (offsetof(struct rseq, end)). */
    if (len < ORIG_RSEQ_SIZE || (addr & (ORIG_RSEQ_SIZE - 1)))
        return -EINVAL;
    if (addr >= TASK_SIZE || len > TASK_SIZE - addr)
        return -EFAULT;
    /* Linux writes the area on the way back to user mode and, if that
     * faults, forces SIGSEGV. */
    if (rseq_write_cpu(m, addr, 0)) {
        machine_kill(m, SIGSEGV, "memsim: rseq area at 0x%08x is not writable: SIGSEGV", addr);
        return 0;
    }
    m->rseq_addr = addr;
    m->rseq_len = len;
    m->rseq_sig = sig;
    return 0;
}
