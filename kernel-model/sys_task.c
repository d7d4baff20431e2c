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
#include "kernel-model/sys_internal.h"

#define ROBUST_LIST_HEAD_SIZE 12u       /* struct robust_list_head, i386 */
#define ORIG_RSEQ_SIZE        32u       /* struct rseq as first merged; its alignment */
#define RSEQ_FLAG_UNREGISTER  1u
#define RSEQ_CPU_ID_UNINITIALIZED 0xffffffffu

SYSCALL_DEFINE1(set_tid_address, uint32_t, tidptr)
{
    t->clear_child_tid = tidptr;
    return t->pid;
}

SYSCALL_DEFINE2(set_robust_list, uint32_t, head, uint32_t, len)
{
    if (len != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    t->robust_list = head;              /* walked at exit by the processes issue */
    return 0;
}

SYSCALL_DEFINE3(get_robust_list, uint32_t, pid, uint32_t, head_ptr, uint32_t, len_ptr)
{
    if (pid != 0 && pid != t->pid)
        return -ESRCH;
    uint32_t len = ROBUST_LIST_HEAD_SIZE;
    if (copy_to_user(t->mm, len_ptr, &len, sizeof len) ||
        copy_to_user(t->mm, head_ptr, &t->robust_list, sizeof t->robust_list))
        return -EFAULT;
    return 0;
}

/* The fields Linux writes on return to user: cpu_id_start, cpu_id, and
 * node_id and mm_cid at offsets 20 and 24 (within the original 32 bytes). */
static int rseq_write_cpu(struct task_struct *t, uint32_t addr, uint32_t cpu_id)
{
    uint32_t head[2] = { 0, cpu_id }, tail[2] = { 0, 0 };
    return copy_to_user(t->mm, addr, head, sizeof head) ||
           copy_to_user(t->mm, addr + 20, tail, sizeof tail);
}

static long rseq_unregister(struct task_struct *t, uint32_t addr, uint32_t len, uint32_t sig)
{
    if (t->rseq_addr != addr || !addr || t->rseq_len != len)
        return -EINVAL;
    if (t->rseq_sig != sig)
        return -EPERM;
    if (rseq_write_cpu(t, addr, RSEQ_CPU_ID_UNINITIALIZED))
        return -EFAULT;
    t->rseq_addr = t->rseq_len = t->rseq_sig = 0;
    return 0;
}

/* sys_rseq (kernel/rseq.c), its checks in its order. */
SYSCALL_DEFINE4(rseq, uint32_t, rseq, uint32_t, rseq_len, uint32_t, flags, uint32_t, sig)
{
    uint32_t addr = rseq, len = rseq_len;
    if (flags & RSEQ_FLAG_UNREGISTER)
        return flags & ~RSEQ_FLAG_UNREGISTER ? -EINVAL : rseq_unregister(t, addr, len, sig);
    if (flags)
        return -EINVAL;
    if (t->rseq_addr) {
        if (t->rseq_addr != addr || t->rseq_len != len)
            return -EINVAL;
        return t->rseq_sig != sig ? -EPERM : -EBUSY;
    }
    /* 32 bytes or more, 32-byte aligned (struct rseq's alignment), and a
     * longer area must reach past mm_cid (offsetof(struct rseq, end)). */
    if (len < ORIG_RSEQ_SIZE || (addr & (ORIG_RSEQ_SIZE - 1)))
        return -EINVAL;
    if (addr >= TASK_SIZE || len > TASK_SIZE - addr)
        return -EFAULT;
    /* Linux writes the area on the way back to user mode and, if that
     * faults, forces SIGSEGV. */
    if (rseq_write_cpu(t, addr, 0)) {
        task_exit_signal(t, SIGSEGV, "memsim: rseq area at 0x%08x is not writable: SIGSEGV", addr);
        return 0;
    }
    t->rseq_addr = addr;
    t->rseq_len = len;
    t->rseq_sig = sig;
    return 0;
}
