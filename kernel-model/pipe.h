/*
 * pipe.h — anonymous pipes (Linux 6.1's fs/pipe.c): pipe(2), pipe2(2) and
 * the two open files of a pipefs inode.
 *
 * Contract:
 *   - A pipe is a struct pipe_inode_info (a kmalloc-128 object) with a ring
 *     of pipe_buffer slots (kcalloc'ed: 16 by default, PIPE_DEF_BUFFERS, so
 *     64 KiB); each slot holds one page from buddy, allocated by the write
 *     that needs it (alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT), purpose
 *     "pipe") and given back when a read drains it — except one spare page
 *     the pipe keeps for its next write (pipe->tmp_page, as 6.1), freed with
 *     the pipe.
 *   - The read end (O_RDONLY) and the write end (O_WRONLY) are two struct
 *     files (filp objects) of one inode (inode_cache, S_IFIFO | 0600) and
 *     share the pipe; readers/writers count the open files, not the fds:
 *     dup and fork share a file, so an end closes with its last fd.  The
 *     pipe is freed when both are gone.
 *   - read and write block through wait.h (task_block on rd_wait/wr_wait,
 *     checked first); a write's partial progress is kept in the task
 *     (t->pipe_written) across the re-runs of a blocked call, never on the
 *     C stack.  Every other result clears it.
 *   - Errors are returned (-errno), nothing is printed.
 */
#ifndef MEMSIM_PIPE_H
#define MEMSIM_PIPE_H

#include <stdint.h>
#include "kernel-model/wait.h"

struct kernel;
struct task_struct;
struct file;

#define PIPE_DEF_BUFFERS 16u
#define PIPE_BUF_G       4096u                  /* POSIX PIPE_BUF: atomic writes */
#define PIPE_MAX_SIZE_G  (1024u * 1024u)        /* /proc/sys/fs/pipe-max-size */
#define PIPE_DEV_G       0xcu                   /* pipefs's anonymous device, 0:12 */

#define G_F_SETPIPE_SZ 1031u
#define G_F_GETPIPE_SZ 1032u

/* One slot of the ring: a page and the bytes in it (len 0 and page
 * PFN_NONE when the slot is free). */
struct pipe_buffer {
    uint32_t page;                  /* pfn */
    uint32_t offset, len;
    uint32_t flags;                 /* PIPE_BUF_FLAG_* */
};
#define PIPE_BUF_FLAG_CAN_MERGE 0x10u   /* a later small write may append */
#define PIPE_BUF_FLAG_PACKET    0x08u   /* O_DIRECT: one write, one read */

struct pipe_inode_info {
    struct kernel *k;
    uint32_t head, tail;            /* ring positions (free-running) */
    uint32_t max_usage, ring_size;  /* slots usable / allocated */
    uint32_t readers, writers;      /* open files of each end */
    uint32_t files;                 /* open files of the pipe */
    uint32_t tmp_page;              /* the spare page, or PFN_NONE */
    struct pipe_buffer *bufs;       /* ring_size slots */
    uint32_t kaddr, bufs_kaddr;     /* the kmalloc objects behind it and bufs */
    struct wait_queue_head rd_wait, wr_wait;
};

/* A new pipe's two files (read end, write end) with the pipe2 flags given
 * (O_NONBLOCK; O_DIRECT on the write end): 0 or -ENOMEM / -ENFILE. */
long create_pipe_files(struct task_struct *t, struct file *res[2], uint32_t flags);

/* The pipe behind f, or NULL when f is not a pipe. */
struct pipe_inode_info *get_pipe_info(const struct file *f);

/* Bytes in the pipe now (FIONREAD). */
uint32_t pipe_readable(const struct pipe_inode_info *pipe);

/* F_SETPIPE_SZ / F_GETPIPE_SZ on f: the new (or current) size in bytes,
 * or -EBADF (not a pipe), -EINVAL, -EPERM, -EBUSY, -ENOMEM. */
long pipe_fcntl(struct file *f, uint32_t cmd, uint32_t arg);

/* The buddy allocation of one pipe page (pipe_write's alloc_page), shared
 * with replay's redo of an external call's pipe rows: the pfn or PFN_NONE. */
uint32_t pipe_page_alloc(struct kernel *k);

extern const struct file_operations pipefifo_fops;

#endif
