/*
 * tty_ioctl.c — ioctl (54): the requests the model knows, each with the
 * size and direction of its argument, and a terminal's job control.
 *
 * FIONREAD, TCGETS and TIOCGWINSZ are the file's (f_op->ioctl: a pipe's
 * count, the host's answer for a host descriptor); TCSETS/TCSETSW/TCSETSF
 * and TIOCSWINSZ go to the host terminal, whose line discipline is the
 * guest's (an interactive shell's line editing switches it to raw mode).
 * The process-group requests are the model's, since the host's ids are
 * not the guest's: on a host terminal TIOCGPGRP answers the foreground
 * group the guest set (k->tty_pgrp; at first the first process's group,
 * which started in the foreground), TIOCSPGRP sets it (tiocspgrp's EINVAL,
 * ESRCH, EPERM), TIOCSCTTY and TIOCNOTTY succeed (the terminal is every
 * guest session's controlling terminal: one is modelled).  On anything
 * but a terminal they are -ENOTTY, as Linux's vfs_ioctl.  Any other
 * request is -ENOTTY.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "kernel-model/fs.h"

/* i386 request numbers (asm-generic/ioctls.h) */
#define G_TCGETS     0x5401u
#define G_TCSETS     0x5402u
#define G_TCSETSW    0x5403u
#define G_TCSETSF    0x5404u
#define G_TIOCSCTTY  0x540Eu
#define G_TIOCGPGRP  0x540Fu
#define G_TIOCSPGRP  0x5410u
#define G_TIOCGWINSZ 0x5413u
#define G_TIOCSWINSZ 0x5414u
#define G_FIONREAD   0x541Bu
#define G_TIOCNOTTY  0x5422u
#define TERMIOS_SIZE 36u                /* struct termios: the same on i386 and x86-64 */

enum { IOC_NONE, IOC_READ, IOC_WRITE }; /* the kernel reads the argument / writes it */

/* A host terminal behind f (stdio, /dev/tty): isatty of its host descriptor. */
static int host_tty(struct file *f)
{
    int h = file_host_fd(f);
    return h >= 0 && f->f_op->poll && isatty(h);
}

static uint32_t fg_pgrp(struct task_struct *t)
{
    struct kernel *k = t->k;
    if (!k->tty_pgrp)
        k->tty_pgrp = k->child_reaper ? k->child_reaper->signal->pgrp : t->signal->pgrp;
    return k->tty_pgrp;
}

/* tiocspgrp: the group must exist, in the caller's session. */
static long set_fg_pgrp(struct task_struct *t, int32_t pgrp)
{
    if (pgrp < 0)
        return -EINVAL;
    struct task_struct *p;
    int found = 0;
    for_each_task(t->k, p) {
        if (task_dead(p) || p->signal->pgrp != (uint32_t)pgrp)
            continue;
        if (p->signal->session != t->signal->session)
            return -EPERM;
        found = 1;
    }
    if (!found)
        return -ESRCH;
    t->k->tty_pgrp = (uint32_t)pgrp;
    return 0;
}

/* The job-control requests: 1 if cmd is one (*r its result), else 0. */
static int tty_jobctl(struct task_struct *t, struct file *f, uint32_t cmd, uint32_t arg, long *r)
{
    int32_t v;
    if (cmd != G_TIOCGPGRP && cmd != G_TIOCSPGRP && cmd != G_TIOCSCTTY && cmd != G_TIOCNOTTY)
        return 0;
    if (!host_tty(f))
        *r = -ENOTTY;
    else if (cmd == G_TIOCGPGRP) {
        v = (int32_t)fg_pgrp(t);
        *r = copy_to_user(t->mm, arg, &v, 4) ? -EFAULT : 0;
    } else if (cmd == G_TIOCSPGRP)
        *r = copy_from_user(t->mm, &v, arg, 4) ? -EFAULT : set_fg_pgrp(t, v);
    else
        *r = 0;                         /* TIOCSCTTY, TIOCNOTTY */
    return 1;
}

/* The argument of a request the file answers: its size and direction. */
static int ioc_arg(uint32_t cmd, uint32_t *size)
{
    switch (cmd) {
    case G_FIONREAD:  *size = 4; return IOC_WRITE;     /* bytes readable now (an int) */
    case G_TCGETS:    *size = TERMIOS_SIZE; return IOC_WRITE;
    case G_TIOCGWINSZ: *size = sizeof(struct winsize); return IOC_WRITE;
    case G_TCSETS: case G_TCSETSW: case G_TCSETSF:
        *size = TERMIOS_SIZE; return IOC_READ;
    case G_TIOCSWINSZ: *size = sizeof(struct winsize); return IOC_READ;
    default: return IOC_NONE;
    }
}

SYSCALL_DEFINE3(ioctl, uint32_t, fd, uint32_t, cmd, uint32_t, arg)
{
    struct file *f = fdget(t->files, fd);
    if (!f)
        return -EBADF;
    long r;
    if (tty_jobctl(t, f, cmd, arg, &r))
        return r;
    uint8_t buf[64];
    uint32_t size = 0;
    int dir = ioc_arg(cmd, &size);
    if (dir == IOC_NONE)
        return -ENOTTY;
    if (dir == IOC_READ && (!host_tty(f) || copy_from_user(t->mm, buf, arg, size)))
        return host_tty(f) ? -EFAULT : -ENOTTY;     /* only a host terminal is set */
    r = f->f_op->ioctl ? f->f_op->ioctl(f, cmd, buf) : -ENOTTY;
    if (r || dir == IOC_READ)
        return r;
    return copy_to_user(t->mm, arg, buf, size) ? -EFAULT : 0;
}
