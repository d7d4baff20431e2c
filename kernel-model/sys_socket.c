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

static long accept_flags(struct task_struct *t, uint32_t fd, uint32_t flags)
{
    if (flags & ~(G_SOCK_CLOEXEC | G_SOCK_NONBLOCK))
        return -EINVAL;
    return sock_fd(t, fd);
}

static long recvmmsg_flags(struct task_struct *t, uint32_t fd, uint32_t flags)
{
    if (flags & G_MSG_CMSG_COMPAT)
        return -EINVAL;
    return sock_fd(t, fd);
}

/* One socket operation by its socketcall number, arguments in a[] (the
 * array socketcall read from user memory). */
static long socket_op(struct task_struct *t, uint32_t call, const uint32_t a[6])
{
    switch (call) {
    case SYS_SOCKET_:
    case SYS_SOCKETPAIR_:
        return new_socket(a[0], a[1]);
    case SYS_ACCEPT4_:
        return accept_flags(t, a[0], a[3]);
    case SYS_RECVMMSG_:
        return recvmmsg_flags(t, a[0], a[3]);
    default:
        return sock_fd(t, a[0]);
    }
}

SYSCALL_DEFINE2(socketcall, uint32_t, call, uint32_t, args)
{
    uint32_t v[6] = { 0 };
    if (call < 1 || call > SYS_SENDMMSG_)
        return -EINVAL;
    if (copy_from_user(t->mm, v, args, socketcall_nargs[call] * 4u))
        return -EFAULT;
    return socket_op(t, call, v);
}

SYSCALL_DEFINE3(socket, uint32_t, family, uint32_t, type, uint32_t, protocol) { return new_socket(family, type); }
SYSCALL_DEFINE4(socketpair, uint32_t, family, uint32_t, type, uint32_t, protocol, uint32_t, usockvec) { return new_socket(family, type); }
SYSCALL_DEFINE4(accept4, uint32_t, fd, uint32_t, upeer_sockaddr, uint32_t, upeer_addrlen, uint32_t, flags) { return accept_flags(t, fd, flags); }
SYSCALL_DEFINE5(recvmmsg, uint32_t, fd, uint32_t, mmsg, uint32_t, vlen, uint32_t, flags, uint32_t, timeout) { return recvmmsg_flags(t, fd, flags); }
/* bind, connect, listen, getsockopt, getsockname, getpeername, sendto,
 * setsockopt (the descriptor before optlen, as Linux 6.x), sendmsg,
 * recvfrom, recvmsg, shutdown, sendmmsg: the descriptor first. */
SYSCALL_DEFINE1(sockfd_op, uint32_t, fd) { return sock_fd(t, fd); }
