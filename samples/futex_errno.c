/* futex(2) with one task: what Linux answers when nobody waits. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>

struct ts32 { int32_t sec, nsec; };
struct ts64 { int64_t sec, nsec; };

static long fx(uint32_t *uaddr, int op, uint32_t val, const void *t, uint32_t *uaddr2, uint32_t val3)
{
    long r = syscall(SYS_futex, uaddr, op, val, t, uaddr2, val3);
    return r < 0 ? -errno : r;
}

static long fx64(uint32_t *uaddr, int op, uint32_t val, const void *t, uint32_t *uaddr2, uint32_t val3)
{
    long r = syscall(422, uaddr, op, val, t, uaddr2, val3);
    return r < 0 ? -errno : r;
}

static const char *en(long r)
{
    static char buf[32];
    if (r >= 0) { snprintf(buf, sizeof buf, "%ld", r); return buf; }
    switch (-r) {
    case EAGAIN: return "EAGAIN"; case EINVAL: return "EINVAL"; case EFAULT: return "EFAULT";
    case ETIMEDOUT: return "ETIMEDOUT"; case ENOSYS: return "ENOSYS"; case EPERM: return "EPERM";
    case EDEADLK: return "EDEADLK"; case ESRCH: return "ESRCH";
    }
    snprintf(buf, sizeof buf, "errno %ld", -r);
    return buf;
}

#define T(name, expr) printf("%-32s %s\n", name, en(expr))

int main(void)
{
    static uint32_t w[4] = { 7, 0, 0, 0 };
    uint32_t *bad = (uint32_t *)0x10;        /* unmapped, aligned */
    uint32_t *mis = (uint32_t *)((char *)w + 1);
    uint32_t *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct ts32 t10ms = { 0, 10000000 }, tbad = { 0, 1000000000 }, tneg = { -1, 0 };
    struct ts64 t64 = { 0, 20000000 };

    T("wake_private", fx(w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    T("wake shared", fx(w, FUTEX_WAKE, 1, NULL, NULL, 0));
    T("wake_private unmapped", fx(bad, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    T("wake shared unmapped", fx(bad, FUTEX_WAKE, 1, NULL, NULL, 0));
    T("wake misaligned", fx(mis, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
    T("wait value differs", fx(w, FUTEX_WAIT_PRIVATE, 8, NULL, NULL, 0));
    T("wait unmapped", fx(bad, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    T("wait misaligned", fx(mis, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    T("wait bad timespec", fx(w, FUTEX_WAIT_PRIVATE, 7, &tbad, NULL, 0));
    T("wait negative timespec", fx(w, FUTEX_WAIT_PRIVATE, 7, &tneg, NULL, 0));
    T("wait timeout ptr unmapped", fx(w, FUTEX_WAIT_PRIVATE, 7, bad, NULL, 0));

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    T("wait 10ms timeout", fx(w, FUTEX_WAIT_PRIVATE, 7, &t10ms, NULL, 0));
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("%-32s %s\n", "  clock advanced >= 10ms", ms >= 10 ? "yes" : "no");
    T("wait_time64 20ms timeout", fx64(w, FUTEX_WAIT_PRIVATE, 7, &t64, NULL, 0));

    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct ts32 abs = { (int32_t)now.tv_sec, (int32_t)now.tv_nsec };
    T("wait_bitset past deadline", fx(w, FUTEX_WAIT_BITSET_PRIVATE, 7, &abs, NULL, ~0u));
    T("wait_bitset bitset 0", fx(w, FUTEX_WAIT_BITSET_PRIVATE, 7, &abs, NULL, 0));
    T("wake_bitset bitset 0", fx(w, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0));
    T("wake_bitset", fx(w, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 1));
    T("wait clock_realtime", fx(w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 8, NULL, NULL, 0));
    T("wake clock_realtime", fx(w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));

    T("requeue", fx(w, FUTEX_REQUEUE_PRIVATE, 1, (void *)1, w + 1, 0));
    T("requeue negative", fx(w, FUTEX_REQUEUE_PRIVATE, -1, (void *)1, w + 1, 0));
    T("cmp_requeue equal", fx(w, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, w + 1, 7));
    T("cmp_requeue differs", fx(w, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, w + 1, 6));
    T("cmp_requeue misaligned 2", fx(w, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1, mis, 7));

    w[1] = 5;
    T("wake_op add, cmp eq 5", fx(w, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, w + 1,
                                  FUTEX_OP(FUTEX_OP_ADD, 3, FUTEX_OP_CMP_EQ, 5)));
    printf("%-32s %u\n", "  word after", w[1]);
    T("wake_op bad op", fx(w, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, w + 1, 7u << 28));
    T("wake_op bad cmp", fx(w, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, w + 1,
                            FUTEX_OP(FUTEX_OP_OR, 0x10, 9, 0)));
    printf("%-32s %u\n", "  word after", w[1]);
    T("wake_op read-only", fx(w, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, ro, 0));
    T("wake_op unmapped", fx(w, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1, bad, 0));

    pid_t tid = (pid_t)syscall(SYS_gettid);
    w[2] = 0;
    T("lock_pi free", fx(w + 2, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
    printf("%-32s %s\n", "  owner is us", w[2] == (uint32_t)tid ? "yes" : "no");
    T("lock_pi again", fx(w + 2, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
    T("trylock_pi own", fx(w + 2, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
    T("unlock_pi", fx(w + 2, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
    printf("%-32s %u\n", "  word after", w[2]);
    T("unlock_pi not owner", fx(w + 2, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
    w[2] = 0x3ffffff0;                       /* a tid nobody has */
    T("lock_pi dead owner", fx(w + 2, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
    T("wait_requeue_pi same", fx(w, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 7, NULL, w, 0));
    T("wait_requeue_pi differs", fx(w, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 8, NULL, w + 3, 0));
    T("cmp_requeue_pi nr 2", fx(w, FUTEX_CMP_REQUEUE_PI_PRIVATE, 2, (void *)1, w + 3, 7));
    T("cmp_requeue_pi", fx(w, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, (void *)1, w + 3, 7));
    T("futex_fd", fx(w, 2, 0, NULL, NULL, 0));
    T("unknown op 14", fx(w, 14, 0, NULL, NULL, 0));
    return 0;
}
