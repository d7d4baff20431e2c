/*
 * shm_single.c — one process, one SysV shared memory segment attached
 * twice (issue 11, item 7, the single-process half).
 *
 * shmget(IPC_PRIVATE, 10000) is attached at two addresses the kernel picks;
 * a string written through the first reads back through the second (both
 * map the segment's one page-cache page).  IPC_STAT says nattch 2, the
 * size, the mode and that this process created and last attached it;
 * /proc/self/maps shows two "/SYSV00000000 (deleted)" lines whose inode
 * column is the id; /proc/sysvipc/shm has the segment's line (key 0, perms
 * 600, size 10000, nattch 2, rss one page: only the first page was
 * touched).  IPC_RMID while attached leaves it alive with SHM_DEST (mode
 * 01600) and key 0; the first shmdt makes nattch 1, the second destroys it:
 * IPC_STAT is then EINVAL and /proc/sysvipc/shm has no line for it.
 *
 * Nothing printed depends on addresses, pids, times, uids or the host's
 * other segments, so the output is the same under memsim, qemu-i386 and a
 * native run (expected/shm_single.stdout, recorded under qemu-i386).  The
 * format of /proc/sysvipc/shm is checked, not printed: its header must be
 * Linux's for 32-bit (memsim, an i386 kernel) or 64-bit longs (qemu-i386 and
 * native on a 64-bit host), and the segment's line must be exactly what
 * that header's format (sysvipc_shm_proc_show) makes of its fields.
 *
 * With the argument "raw" it prints /proc/sysvipc/shm verbatim while
 * attached, then the two attach addresses' page offsets (the trace check,
 * tests/guest/check-shm-single.sh, compares them byte for byte and looks up
 * the faults of both attaches).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

static const char hdr32[] =
    "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid"
    "      atime      dtime      ctime        rss       swap\n";
static const char hdr64[] =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid"
    "  cuid  cgid      atime      dtime      ctime                   rss                  swap\n";

/* The attaches of id in /proc/self/maps: lines naming the segment's file
 * whose inode column is the id. */
static int maps_attaches(int id)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int n = 0;
    while (f && fgets(line, sizeof line, f)) {
        unsigned long ino = 0;
        char name[256] = "";
        if (sscanf(line, "%*s %*s %*s %*s %lu %255[^\n]", &ino, name) == 2 &&
            ino == (unsigned long)id && !strcmp(name, "/SYSV00000000 (deleted)"))
            n++;
    }
    if (f)
        fclose(f);
    return n;
}

/* The segment's line of /proc/sysvipc/shm checked against its header's
 * format; *found whether it is there.  0 when the file is Linux's. */
static int sysvipc_line(int id, int *found, unsigned long *nattch, unsigned long *rss,
                        int *perms, unsigned long *size)
{
    FILE *f = fopen("/proc/sysvipc/shm", "r");
    char line[512], again[512];
    int ok = 1, wide = 0;
    *found = 0;
    if (!f || !fgets(line, sizeof line, f))
        return -1;
    if (!strcmp(line, hdr64))
        wide = 1;
    else if (strcmp(line, hdr32))
        ok = 0;
    while (fgets(line, sizeof line, f)) {
        int key, shmid, mode;
        unsigned cpid, lpid, uid, gid, cuid, cgid;
        unsigned long segsz, att, r, swp;
        unsigned long long at, dt, ct;
        if (sscanf(line, "%d %d %o %lu %u %u %lu %u %u %u %u %llu %llu %llu %lu %lu", &key,
                   &shmid, &mode, &segsz, &cpid, &lpid, &att, &uid, &gid, &cuid, &cgid, &at,
                   &dt, &ct, &r, &swp) != 16 || shmid != id)
            continue;
        snprintf(again, sizeof again,
                 wide ? "%10d %10d  %4o %21lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu "
                        "%10llu %21lu %21lu\n"
                      : "%10d %10d  %4o %10lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu "
                        "%10llu %10lu %10lu\n",
                 key, shmid, mode, segsz, cpid, lpid, att, uid, gid, cuid, cgid, at, dt, ct, r,
                 swp);
        ok &= !strcmp(line, again) && key == 0 && cpid == (unsigned)getpid() &&
              lpid == (unsigned)getpid() && swp == 0;
        *found = 1, *nattch = att, *rss = r, *perms = mode, *size = segsz;
    }
    fclose(f);
    return ok ? 0 : -1;
}

static void print_raw(void)
{
    FILE *f = fopen("/proc/sysvipc/shm", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        fputs(line, stdout);
    if (f)
        fclose(f);
}

int main(int argc, char **argv)
{
    int raw = argc > 1 && !strcmp(argv[1], "raw");
    int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
    if (id < 0) {
        printf("shmget: %s\n", strerror(errno));
        return 1;
    }
    char *a = shmat(id, NULL, 0), *b = shmat(id, NULL, 0);
    if (a == (char *)-1 || b == (char *)-1) {
        printf("shmat: %s\n", strerror(errno));
        return 1;
    }
    printf("two attaches at two addresses: %s\n", a != b ? "yes" : "no");
    strcpy(a, "written through the first attach");
    printf("read through the second: %s\n", b);

    struct shmid_ds ds;
    int r = shmctl(id, IPC_STAT, &ds);
    printf("IPC_STAT %d: nattch %lu, size %lu, mode %o, cpid and lpid mine: %s\n", r,
           (unsigned long)ds.shm_nattch, (unsigned long)ds.shm_segsz, ds.shm_perm.mode & 0777,
           ds.shm_cpid == getpid() && ds.shm_lpid == getpid() ? "yes" : "no");
    printf("maps: %d lines /SYSV00000000 (deleted) with the id as inode\n", maps_attaches(id));

    int found;
    unsigned long nattch = 0, rss = 0, size = 0;
    int perms = 0;
    int fmt = sysvipc_line(id, &found, &nattch, &rss, &perms, &size);
    printf("/proc/sysvipc/shm: Linux's format %s; line %s: perms %o, size %lu, nattch %lu,"
           " rss %lu\n", fmt ? "no" : "yes", found ? "found" : "missing", perms, size, nattch, rss);
    if (raw)
        print_raw();

    r = shmctl(id, IPC_RMID, NULL);
    printf("IPC_RMID while attached: %d\n", r);
    r = shmctl(id, IPC_STAT, &ds);
    printf("IPC_STAT %d: nattch %lu, mode %o, key %d\n", r, (unsigned long)ds.shm_nattch,
           ds.shm_perm.mode, (int)ds.shm_perm.__key);
    printf("shmdt first: %d\n", shmdt(a));
    r = shmctl(id, IPC_STAT, &ds);
    printf("IPC_STAT %d: nattch %lu\n", r, (unsigned long)ds.shm_nattch);
    printf("shmdt second: %d\n", shmdt(b));
    errno = 0;
    r = shmctl(id, IPC_STAT, &ds);
    printf("IPC_STAT after the last detach: %d %s\n", r, r ? strerror(errno) : "");
    fmt = sysvipc_line(id, &found, &nattch, &rss, &perms, &size);
    printf("/proc/sysvipc/shm: Linux's format %s; line %s\n", fmt ? "no" : "yes",
           found ? "found" : "gone");
    if (raw)
        printf("attach pages: %lx %lx\n", (unsigned long)a >> 12, (unsigned long)b >> 12);
    return 0;
}
