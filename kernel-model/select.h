/*
 * select.h — the one readiness path of poll (168), ppoll (309, 414),
 * select (82), _newselect (142) and pselect6 (308, 413) (Linux's
 * fs/select.c do_poll and do_select share it here).
 *
 * Every entry's file is asked through vfs_poll (poll.h): a model file
 * (a pipe) reports its mask and the wait queues that may change it, a
 * host-backed one polls its host descriptor with a zero timeout.  When
 * nothing is ready and the timeout is not 0 the task waits:
 *   - on the collected model queues and the deadline, through task_block
 *     (wait.h): -ERESTART_BLOCK and the call is re-run from its first line
 *     when woken, the deadline kept across the re-runs;
 *   - alone (no other task can run) with a host pipe, socket or terminal
 *     among the files: a real host poll, bounded by the timeout, the model
 *     clock advanced by the time waited — the one way to see input from
 *     outside (and, with other tasks alive, when only such host objects are
 *     polled: the host wait blocks the run, as before the scheduler);
 *   - alone with nothing that can change and no timeout: until a signal
 *     acts (signal_wait, as pause).
 * A signal with a handler ends the wait: -ERESTARTNOHAND (the guest sees
 * EINTR).  The model clock is the only clock of the timeout.
 */
#ifndef MEMSIM_SELECT_H
#define MEMSIM_SELECT_H

#include <stdint.h>

struct task_struct;

/* One polled fd (struct pollfd's fields, the guest's POLL* bits). */
struct file;
struct poll_entry {
    int32_t fd;                 /* negative: ignored (revents 0), unless file is set */
    struct file *file;          /* NULL: the fd's; else this file (an epoll item's) */
    unsigned events;            /* asked; POLLERR and POLLHUP are always reported */
    unsigned revents;           /* the answer; POLLNVAL for an fd not open */
};

/*
 * Poll the n entries, waiting as above for at most timeout_ns (negative:
 * no limit).  The number of entries with revents, or -errno:
 * -ERESTART_BLOCK (blocked), -ERESTARTNOHAND (a handler's signal), -EINTR
 * (the task died meanwhile).  *left_ns is the time left of the timeout
 * (0 when it ran out), for select's write-back.  what names the wait
 * ("poll", "select") for the deadlock report.
 */
long poll_entries(struct task_struct *t, struct poll_entry *e, unsigned n, int64_t timeout_ns,
                  uint64_t *left_ns, const char *what);

/*
 * ppoll's and pselect6's signal mask (set_user_sigmask, poll_select_finish):
 * with has, mask (less SIGKILL, SIGSTOP) is the blocked set from the first
 * run of the call until it ends, across its re-runs; the original is kept
 * in restart.progress meanwhile.  select_end_sigmask with the call's result
 * r: blocked (-ERESTART_BLOCK) keeps it; a handler's signal
 * (-ERESTARTNOHAND) keeps it until the signal is delivered, the frame
 * saving the original (restore_mask); anything else restores the original.
 */
void select_with_sigmask(struct task_struct *t, int has, uint64_t mask);
void select_end_sigmask(struct task_struct *t, int has, long r);
/* The time left written to the guest's timespec at uts (32- or 64-bit);
 * r, or -EINTR for -ERESTARTNOHAND when the write faults, as Linux. */
long put_time_left(struct task_struct *t, uint32_t uts, int time64, uint64_t left_ns, long r);

#endif
