/*
 * sys_socket.c — socketcall (102) and the direct socket calls (359-373).
 *
 * memsim models no network and no socket family: socket() and socketpair()
 * are EAFNOSUPPORT for every family (after Linux's own argument checks in
 * __sys_socket: flags EINVAL, family out of range EAFNOSUPPORT, type out of
 * range EINVAL).  A call on a descriptor answers as sockfd_lookup_light:
 * EBADF when it is not open, ENOTSOCK when it is not a socket — which is
 * what tells bash that its stdin is not a network connection (it calls
 * getpeername(0) and, on success or on an unexpected errno, reads ~/.bashrc
 * as for rsh).  A guest descriptor that is a host socket (an inherited
 * stdio socket) is not served: ENOSYS, counted like any missing call.
 */
#include <errno.h>
#include <sys/stat.h>
#include "kernel-model/fs.h"

#define G_SOCK_NONBLOCK 04000u
#define G_SOCK_CLOEXEC 02000000u
#define G_SOCK_TYPE_MASK 0xfu
#define G_SOCK_MAX 11u                  /* SOCK_PACKET + 1 */
#define G_NPROTO 46u                    /* AF_MAX */
#define G_MSG_CMSG_COMPAT 0x80000000u

enum { SYS_SOCKET_ = 1, SYS_BIND_, SYS_CONNECT_, SYS_LISTEN_, SYS_ACCEPT_, SYS_GETSOCKNAME_,
       SYS_GETPEERNAME_, SYS_SOCKETPAIR_, SYS_SEND_, SYS_RECV_, SYS_SENDTO_, SYS_RECVFROM_,
       SYS_SHUTDOWN_, SYS_SETSOCKOPT_, SYS_GETSOCKOPT_, SYS_SENDMSG_, SYS_RECVMSG_,
       SYS_ACCEPT4_, SYS_RECVMMSG_, SYS_SENDMMSG_ };

/* Arguments of each socketcall, as net/socket.c's nargs[]. */
static const uint8_t socketcall_nargs[21] = { 0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5,
                                              3, 3, 4, 5, 4 };

static long new_socket(uint32_t family, uint32_t type)
{
    if ((type & ~G_SOCK_TYPE_MASK) & ~(G_SOCK_CLOEXEC | G_SOCK_NONBLOCK))
        return -EINVAL;
    if (family >= G_NPROTO)
        return -EAFNOSUPPORT;
    if ((type & G_SOCK_TYPE_MASK) >= G_SOCK_MAX)
        return -EINVAL;
    return -EAFNOSUPPORT;           /* no family is modelled */
}

/* sockfd_lookup_light: EBADF, ENOTSOCK, or a host socket memsim leaves alone. */
static long sock_fd(struct task_struct *t, uint32_t fd)
{
    struct file *f = fdget(t->files, fd);
    if (!f)
        return -EBADF;
    if (!S_ISSOCK(f->f_inode->i_mode))
        return -ENOTSOCK;
    return -ENOSYS;
}

/* One socket operation by its socketcall number, arguments in a[]. */
static long socket_op(struct task_struct *t, uint32_t call, const uint32_t a[6])
{
    switch (call) {
    case SYS_SOCKET_:
    case SYS_SOCKETPAIR_:
        return new_socket(a[0], a[1]);
    case SYS_ACCEPT4_:
        if (a[3] & ~(G_SOCK_CLOEXEC | G_SOCK_NONBLOCK))
            return -EINVAL;
        return sock_fd(t, a[0]);
    case SYS_RECVMMSG_:
        if (a[3] & G_MSG_CMSG_COMPAT)
            return -EINVAL;
        return sock_fd(t, a[0]);
    default:
        return sock_fd(t, a[0]);
    }
}

long sys_socketcall(struct task_struct *t, const uint32_t a[6])
{
    uint32_t v[6] = { 0 };
    if (a[0] < 1 || a[0] > SYS_SENDMMSG_)
        return -EINVAL;
    if (copy_from_user(t->mm, v, a[1], socketcall_nargs[a[0]] * 4u))
        return -EFAULT;
    return socket_op(t, a[0], v);
}

long sys_socket(struct task_struct *t, const uint32_t a[6]) { return socket_op(t, SYS_SOCKET_, a); }
long sys_socketpair(struct task_struct *t, const uint32_t a[6]) { return socket_op(t, SYS_SOCKETPAIR_, a); }
long sys_accept4(struct task_struct *t, const uint32_t a[6]) { return socket_op(t, SYS_ACCEPT4_, a); }
long sys_recvmmsg(struct task_struct *t, const uint32_t a[6]) { return socket_op(t, SYS_RECVMMSG_, a); }
/* bind, connect, listen, getsockopt, getsockname, getpeername, sendto,
 * setsockopt (the descriptor before optlen, as Linux 6.x), sendmsg,
 * recvfrom, recvmsg, shutdown, sendmmsg: the descriptor first. */
long sys_sockfd_op(struct task_struct *t, const uint32_t a[6]) { return sock_fd(t, a[0]); }
