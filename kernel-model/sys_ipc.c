/*
 * sys_ipc.c — the SysV shared memory system calls (shm.h does the work):
 * shmget(395), shmctl(396), shmat(397), shmdt(398), and i386's ipc(117)
 * multiplexer (Linux 6.1's ipc/syscall.c ksys_ipc), through which glibc
 * calls them.  The model has no semaphores or message queues: their ipc
 * calls are -ENOSYS, as a kernel without them.
 */
#include <errno.h>
#include "kernel-model/shm.h"
#include "kernel-model/sys_internal.h"

/* ipc(2) call numbers (include/uapi/linux/ipc.h) */
#define IPCCALL_SHMAT  21
#define IPCCALL_SHMDT  22
#define IPCCALL_SHMGET 23
#define IPCCALL_SHMCTL 24

SYSCALL_DEFINE3(shmget, int32_t, key, uint32_t, size, int32_t, shmflg)
{
    return ksys_shmget(t, key, size, shmflg);
}

SYSCALL_DEFINE3(shmat, int32_t, shmid, uint32_t, shmaddr, int32_t, shmflg)
{
    uint32_t raddr = 0;
    long err = do_shmat(t, shmid, shmaddr, shmflg, &raddr);
    return err ? err : (long)raddr;     /* force_successful_syscall_return */
}

SYSCALL_DEFINE1(shmdt, uint32_t, shmaddr)
{
    return ksys_shmdt(t, shmaddr);
}

SYSCALL_DEFINE3(shmctl, int32_t, shmid, int32_t, cmd, uint32_t, buf)
{
    return ksys_shmctl(t, shmid, cmd, buf, IPC_64_);     /* cmd | IPC_64 is -EINVAL */
}

/*
 * ksys_ipc: call's high 16 bits are a version.  SHMAT version 0 (any but 1)
 * writes the address to *third and returns 0 (the segment stays attached
 * when that write faults); version 1, iBCS2's kernel entry, is -EINVAL.
 * SHMCTL takes the struct layout from cmd's IPC_64 bit (ipc_parse_version).
 */
SYSCALL_DEFINE6(ipc, uint32_t, call, int32_t, first, uint32_t, second, uint32_t, third,
                uint32_t, ptr, int32_t, fifth)
{
    (void)fifth;
    uint32_t version = call >> 16;
    switch (call & 0xffff) {
    case IPCCALL_SHMAT: {
        if (version == 1)
            return -EINVAL;
        uint32_t raddr = 0;
        long err = do_shmat(t, first, ptr, (int)second, &raddr);
        if (err)
            return err;
        return copy_to_user(t->mm, third, &raddr, sizeof raddr) ? -EFAULT : 0;
    }
    case IPCCALL_SHMDT:
        return ksys_shmdt(t, ptr);
    case IPCCALL_SHMGET:
        return ksys_shmget(t, first, second, (int)third);
    case IPCCALL_SHMCTL: {
        int cmd = (int)second;
        int v = ipc_parse_version(&cmd);
        return ksys_shmctl(t, first, cmd, ptr, v);
    }
    default:
        return -ENOSYS;
    }
}
