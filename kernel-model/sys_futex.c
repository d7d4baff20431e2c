/*
 * sys_futex.c — futex(2) and futex_time64 (Linux kernel/futex/).
 *
 * The wait queues live in the kernel model (kernel-model/futex.h); this file
 * only decodes the registers, reads and writes the futex word through
 * copy_{from,to}_user.  A wait queues the task's own futex_q (t->futex_q)
 * and blocks through task_block: another task's wake takes it off and wakes
 * the task, whose call is re-run and returns 0; a task alone sleeps to its
 * timeout or deadlocks, decided at once.
 */
#include <errno.h>
#include <string.h>
#include "kernel-model/sys_internal.h"
#include "kernel-model/wait.h"

#define FUTEX_WAIT            0
#define FUTEX_WAKE            1
#define FUTEX_FD              2
#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_LOCK_PI         6
#define FUTEX_UNLOCK_PI       7
#define FUTEX_TRYLOCK_PI      8
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI  12
#define FUTEX_LOCK_PI2        13
#define FUTEX_PRIVATE_FLAG    128
#define FUTEX_CLOCK_REALTIME  256
#define FUTEX_CMD_MASK        (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

#define FUTEX_WAITERS    0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK   0x3fffffffu

struct futex_args {
    uint32_t uaddr, cmd, val, val2, uaddr2, val3;
    int private_, clockrt;
    struct guest_timeout to;
};

/* The commands whose fourth argument is a timeout (futex_cmd_has_timeout). */
static int cmd_has_timeout(uint32_t cmd)
{
    return cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 ||
           cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI;
}

/* get_futex_key: a futex word is 4-byte aligned; a shared one must be
 * mapped (get_user_pages), a private one is only an address (Linux does
 * not touch memory to wake a private futex). */
static long futex_key(struct task_struct *t, const struct futex_args *f, uint32_t uaddr,
                      struct futex_key *key)
{
    if (uaddr & 3)
        return -EINVAL;
    uint32_t v;
    if (!f->private_ && copy_from_user(t->mm, &v, uaddr, 4))
        return -EFAULT;
    *key = (struct futex_key){ t->mm, uaddr };
    return 0;
}

static long get_futex_value(struct task_struct *t, uint32_t uaddr, uint32_t *v)
{
    return copy_from_user(t->mm, v, uaddr, 4) ? -EFAULT : 0;
}

/* The wait itself: t's futex_q queued on the first attempt, then the
 * blocking protocol (wait.h).  A re-run finds it woken (0), or asks
 * task_block again, which answers the timeout or a signal, or re-blocks. */
static long futex_sleep(struct task_struct *t, const struct futex_key *key, uint32_t bitset,
                        const struct guest_timeout *to)
{
    struct futex_q *q = &t->futex_q;
    if (!t->restart.active) {
        *q = (struct futex_q){ .key = *key, .bitset = bitset, .tid = t->pid, .task = t };
        futex_queue(&t->k->futex, q);
    } else if (q->woken) {
        return 0;
    }
    long r = task_block(t, NULL, 0, to, "futex wait");
    if (r == -ERESTART_BLOCK)
        return r;
    if (!futex_unqueue(&t->k->futex, q) && q->woken)
        return 0;
    return r;                   /* -ETIMEDOUT, a signal, or the run ended (deadlock) */
}

/* futex_wait (and WAIT_BITSET): -EAGAIN if the word moved on. */
static long futex_wait(struct task_struct *t, const struct futex_args *f, uint32_t bitset)
{
    struct futex_key key;
    uint32_t v;
    if (!bitset)
        return -EINVAL;
    if (t->restart.active)      /* a re-run: queued (or woken) already; no new check */
        return futex_sleep(t, &t->futex_q.key, bitset, &f->to);
    long r = futex_key(t, f, f->uaddr, &key);
    if (r || (r = get_futex_value(t, f->uaddr, &v)))
        return r;
    if (v != f->val)
        return -EAGAIN;
    return futex_sleep(t, &key, bitset, &f->to);
}

static long futex_do_wake(struct task_struct *t, const struct futex_args *f, uint32_t bitset)
{
    struct futex_key key;
    if (!bitset)
        return -EINVAL;
    long r = futex_key(t, f, f->uaddr, &key);
    if (r)
        return r;
    return (long)futex_wake(&t->k->futex, &key, f->val > INT32_MAX ? INT32_MAX : f->val, bitset);
}

/* futex_requeue: wake val, move val2 (signed: negative is -EINVAL). */
static long futex_do_requeue(struct task_struct *t, const struct futex_args *f, const uint32_t *cmpval)
{
    struct futex_key k1, k2;
    if ((int32_t)f->val < 0 || (int32_t)f->val2 < 0)
        return -EINVAL;
    long r = futex_key(t, f, f->uaddr, &k1);
    if (r || (r = futex_key(t, f, f->uaddr2, &k2)))
        return r;
    if (cmpval) {
        uint32_t v;
        if ((r = get_futex_value(t, f->uaddr, &v)))
            return r;
        if (v != *cmpval)
            return -EAGAIN;
    }
    uint32_t woken = futex_wake(&t->k->futex, &k1, f->val, FUTEX_BITSET_MATCH_ANY);
    return (long)(woken + futex_requeue(&t->k->futex, &k1, &k2, f->val2));
}

static int32_t sign_extend12(uint32_t v) { return (int32_t)(v << 20) >> 20; }

/* futex_atomic_op_inuser: the word at uaddr2 is changed first (whatever the
 * comparison), then compared.  -ENOSYS for an unknown op or comparison. */
static long futex_atomic_op(struct task_struct *t, uint32_t encoded, uint32_t uaddr)
{
    uint32_t op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
    int32_t oparg = sign_extend12((encoded >> 12) & 0xfff), cmparg = sign_extend12(encoded & 0xfff);
    uint32_t old, nw;
    if (encoded & (8u << 28))                       /* FUTEX_OP_OPARG_SHIFT */
        oparg = (int32_t)(1u << (oparg & 31));
    if (op > 4)
        return -ENOSYS;
    if (copy_from_user(t->mm, &old, uaddr, 4))
        return -EFAULT;
    switch (op) {
    case 0: nw = (uint32_t)oparg; break;            /* SET */
    case 1: nw = old + (uint32_t)oparg; break;      /* ADD */
    case 2: nw = old | (uint32_t)oparg; break;      /* OR */
    case 3: nw = old & ~(uint32_t)oparg; break;     /* ANDN */
    default: nw = old ^ (uint32_t)oparg; break;     /* XOR */
    }
    if (copy_to_user(t->mm, uaddr, &nw, 4))
        return -EFAULT;
    int32_t o = (int32_t)old;
    switch (cmp) {
    case 0: return o == cmparg;
    case 1: return o != cmparg;
    case 2: return o < cmparg;
    case 3: return o <= cmparg;
    case 4: return o > cmparg;
    case 5: return o >= cmparg;
    default: return -ENOSYS;
    }
}

static long futex_wake_op(struct task_struct *t, const struct futex_args *f)
{
    struct futex_key k1, k2;
    long r = futex_key(t, f, f->uaddr, &k1);
    if (r || (r = futex_key(t, f, f->uaddr2, &k2)))
        return r;
    long cmp = futex_atomic_op(t, f->val3, f->uaddr2);
    if (cmp < 0)
        return cmp;
    long woken = (long)futex_wake(&t->k->futex, &k1, f->val, FUTEX_BITSET_MATCH_ANY);
    if (cmp)
        woken += (long)futex_wake(&t->k->futex, &k2, f->val2, FUTEX_BITSET_MATCH_ANY);
    return woken;
}

/* PI futexes (kernel/futex/pi.c) for one task: the word holds the owner's
 * tid.  Free: take it.  Ours: -EDEADLK.  Another tid: no such task can exist,
 * so Linux's attach_to_pi_owner answers -ESRCH. */
static long futex_lock_pi(struct task_struct *t, const struct futex_args *f)
{
    struct futex_key key;
    uint32_t v;
    long r = futex_key(t, f, f->uaddr, &key);
    if (r || (r = get_futex_value(t, f->uaddr, &v)))
        return r;
    if ((v & FUTEX_TID_MASK) == t->pid)
        return -EDEADLK;
    if (v & FUTEX_TID_MASK)
        return -ESRCH;
    uint32_t nw = (v & FUTEX_OWNER_DIED) | t->pid;
    return copy_to_user(t->mm, f->uaddr, &nw, 4) ? -EFAULT : 0;
}

/* Only the owner may unlock; with nobody waiting the word becomes 0. */
static long futex_unlock_pi(struct task_struct *t, const struct futex_args *f)
{
    struct futex_key key;
    uint32_t v, zero = 0;
    long r = futex_key(t, f, f->uaddr, &key);
    if (r || (r = get_futex_value(t, f->uaddr, &v)))
        return r;
    if ((v & FUTEX_TID_MASK) != t->pid)
        return -EPERM;
    return copy_to_user(t->mm, f->uaddr, &zero, 4) ? -EFAULT : 0;
}

/* futex_wait_requeue_pi: a wait on uaddr that a CMP_REQUEUE_PI would move
 * to the PI futex uaddr2 (which must differ). */
static long futex_wait_requeue_pi(struct task_struct *t, const struct futex_args *f)
{
    struct futex_key k2;
    if (f->uaddr == f->uaddr2)
        return -EINVAL;
    long r = futex_key(t, f, f->uaddr2, &k2);
    return r ? r : futex_wait(t, f, FUTEX_BITSET_MATCH_ANY);
}

/* futex_requeue with requeue_pi: exactly one to wake, distinct words, the
 * value check, then the PI word is read (futex_proxy_trylock_atomic) and,
 * with nobody queued, nothing else happens. */
static long futex_cmp_requeue_pi(struct task_struct *t, const struct futex_args *f)
{
    struct futex_key k1, k2;
    uint32_t v;
    if ((int32_t)f->val < 0 || (int32_t)f->val2 < 0)
        return -EINVAL;
    long r = futex_key(t, f, f->uaddr, &k1);
    if (r || (r = futex_key(t, f, f->uaddr2, &k2)))
        return r;
    if (f->uaddr == f->uaddr2 || f->val != 1)
        return -EINVAL;
    if ((r = get_futex_value(t, f->uaddr, &v)))
        return r;
    if (v != f->val3)
        return -EAGAIN;
    if ((r = get_futex_value(t, f->uaddr2, &v)))
        return r;
    return (long)futex_nr_waiters(&t->k->futex, &k1);    /* 0: nobody to requeue */
}

static long do_futex(struct task_struct *t, struct futex_args *f)
{
    switch (f->cmd) {
    case FUTEX_WAIT:            return futex_wait(t, f, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:     return futex_wait(t, f, f->val3);
    case FUTEX_WAKE:            return futex_do_wake(t, f, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:     return futex_do_wake(t, f, f->val3);
    case FUTEX_REQUEUE:         return futex_do_requeue(t, f, NULL);
    case FUTEX_CMP_REQUEUE:     return futex_do_requeue(t, f, &f->val3);
    case FUTEX_WAKE_OP:         return futex_wake_op(t, f);
    case FUTEX_LOCK_PI: case FUTEX_LOCK_PI2: case FUTEX_TRYLOCK_PI:
                                return futex_lock_pi(t, f);
    case FUTEX_UNLOCK_PI:       return futex_unlock_pi(t, f);
    case FUTEX_WAIT_REQUEUE_PI: return futex_wait_requeue_pi(t, f);
    case FUTEX_CMP_REQUEUE_PI:  return futex_cmp_requeue_pi(t, f);
    default:                    return -ENOSYS;     /* FUTEX_FD is gone since 2.6.26 */
    }
}

/* The syscall entry (kernel/futex/syscalls.c): the timeout is read and
 * checked before anything else; WAIT's is relative, the others' absolute. */
static long futex_entry(struct task_struct *t, uint32_t uaddr, uint32_t op, uint32_t val, uint32_t utime, uint32_t uaddr2, uint32_t val3, int time64)
{
    struct futex_args f = { .uaddr = uaddr, .cmd = op & FUTEX_CMD_MASK, .val = val,
                            .val2 = utime, .uaddr2 = uaddr2, .val3 = val3,
                            .private_ = !!(op & FUTEX_PRIVATE_FLAG),
                            .clockrt = !!(op & FUTEX_CLOCK_REALTIME) };
    if (f.clockrt && f.cmd != FUTEX_WAIT_BITSET && f.cmd != FUTEX_WAIT_REQUEUE_PI &&
        f.cmd != FUTEX_LOCK_PI2)
        return -ENOSYS;
    if (cmd_has_timeout(f.cmd) && utime) {
        long r = read_timeout(t, utime, time64, &f.to);
        if (r)
            return r;
        /* FUTEX_LOCK_PI always measures CLOCK_REALTIME */
        f.to.absolute = f.cmd != FUTEX_WAIT;
        f.to.realtime = f.clockrt || f.cmd == FUTEX_LOCK_PI;
    }
    return do_futex(t, &f);
}

SYSCALL_DEFINE6(futex, uint32_t, uaddr, uint32_t, op, uint32_t, val, uint32_t, utime, uint32_t, uaddr2, uint32_t, val3) { return futex_entry(t, uaddr, op, val, utime, uaddr2, val3, 0); }
SYSCALL_DEFINE6(futex_time64, uint32_t, uaddr, uint32_t, op, uint32_t, val, uint32_t, utime, uint32_t, uaddr2, uint32_t, val3) { return futex_entry(t, uaddr, op, val, utime, uaddr2, val3, 1); }
