/*
 * shm_priv.h — private to shm.c (segments, attaches) and shm_ctl.c
 * (shmctl, /proc/sysvipc/shm).
 */
#ifndef MEMSIM_SHM_PRIV_H
#define MEMSIM_SHM_PRIV_H

#include <stddef.h>
#include "kernel-model/mm.h"
#include "kernel-model/sched.h"
#include "kernel-model/shm.h"

/* k's shm table (NULL: no host memory for the namespace). */
struct ipc_ids *shm_ids(struct kernel *k);
/* The segment whose kern_ipc_perm p is (NULL for NULL). */
struct shmid_kernel *shm_of(struct kern_ipc_perm *p);
/* IPC_RMID: destroyed now when unattached, else SHM_DEST and key private. */
void do_shm_rmid(struct kernel *k, struct shmid_kernel *shp);

#endif
