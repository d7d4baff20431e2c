/*
 * fd_ops.c — small calls on descriptors, with the errno of each: pread64,
 * pwrite64, fsync/fdatasync/syncfs, flock, posix_fadvise, fstatfs64, umask,
 * getpriority/setpriority, getgroups, fcntl F_SETFL O_NONBLOCK, record
 * locks, FIONREAD, select/pselect6 and sendfile.  Run in a directory holding "f" (5 bytes, "data\n")
 * and "d", with stdin an empty pipe whose writer stays open and stdout a
 * pipe (tests/guest/check-fd-ops.sh, against the native run).  Everything
 * is opened read-only, so nothing here changes the file system.
 */
#define _LARGEFILE64_SOURCE 1      /* struct statfs64; off_t stays 32-bit */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *res(long r) { return r < 0 ? strerror(errno) : "ok"; }
#define T(call) printf("%-52s %s\n", #call, res((long)(call)))

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int rfd = open("f", O_RDONLY), dfd = open("d", O_RDONLY | O_DIRECTORY);
    char buf[16] = "";
    long n = pread(rfd, buf, sizeof buf, 1);
    printf("pread f at 1: %ld \"%.*s\", position after: %ld\n", n, n > 0 ? (int)n - 1 : 0, buf,
           (long)lseek(rfd, 0, SEEK_CUR));
    T(pread(0, buf, 1, 0));
    T(pread(dfd, buf, 1, 0));
    T(syscall(SYS_pread64, rfd, buf, 1, -1, -1));
    T(pwrite(rfd, "x", 1, 0));
    T(pwrite(1, "x", 1, 0));
    T(pread(99, buf, 1, 0));
    T(fsync(rfd));
    T(fsync(0));
    T(fdatasync(rfd));
    T(syscall(SYS_syncfs, rfd));
    T(fsync(99));
    T(flock(rfd, LOCK_SH));
    T(flock(rfd, LOCK_EX | LOCK_NB));
    T(flock(rfd, LOCK_UN));
    T(flock(rfd, 0));
    T(flock(99, LOCK_SH));
    errno = posix_fadvise(rfd, 0, 0, POSIX_FADV_SEQUENTIAL);
    printf("posix_fadvise f: %s\n", errno ? strerror(errno) : "ok");
    errno = posix_fadvise(0, 0, 0, POSIX_FADV_SEQUENTIAL);
    printf("posix_fadvise pipe: %s\n", errno ? strerror(errno) : "ok");
    errno = posix_fadvise(rfd, 0, 0, 99);
    printf("posix_fadvise bad advice: %s\n", errno ? strerror(errno) : "ok");
    struct statfs64 sf;
    long r = syscall(SYS_fstatfs64, rfd, sizeof sf, &sf);
    printf("fstatfs64 f: %s, bsize > 0: %d\n", res(r), r == 0 && sf.f_bsize > 0);
    T(syscall(SYS_fstatfs64, rfd, 10, &sf));
    T(syscall(SYS_statfs64, "missing", sizeof sf, &sf));
    unsigned was = umask(027);
    printf("umask(027) was %03o, ", was);
    printf("umask(022) was %03o\n", (unsigned)umask(022));
    errno = 0;
    printf("getpriority: %d %s\n", getpriority(PRIO_PROCESS, 0), res(errno ? -1 : 0));
    T(setpriority(PRIO_PROCESS, 0, 5));
    printf("getpriority after 5: %d\n", getpriority(PRIO_PROCESS, 0));
    printf("setpriority back to 0: %s (as uid 0: %s)\n", res(setpriority(PRIO_PROCESS, 0, 0)),
           getuid() == 0 ? "yes" : "no");
    T(getpriority(7, 0));
    T(setpriority(PRIO_PROCESS, 999999, 0));
    printf("getgroups count matches: %d\n", getgroups(0, NULL) >= 0);
    int fl = fcntl(0, F_GETFL);
    T(fcntl(0, F_SETFL, fl | O_NONBLOCK));
    printf("F_GETFL has O_NONBLOCK: %d\n", (fcntl(0, F_GETFL) & O_NONBLOCK) != 0);
    T(read(0, buf, 1));
    fcntl(0, F_SETFL, fl);
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    T(fcntl(rfd, F_GETLK, &lk));
    printf("F_GETLK says: %s\n", lk.l_type == F_UNLCK ? "F_UNLCK" : "locked");
    lk.l_type = F_RDLCK;
    T(fcntl(rfd, F_SETLK, &lk));
    lk.l_type = F_WRLCK;
    T(fcntl(rfd, F_SETLK, &lk));
    lk.l_type = 7;
    T(fcntl(rfd, F_SETLK, &lk));
    lk.l_type = F_UNLCK;
    T(fcntl(rfd, F_GETLK, &lk));
    lk = (struct flock){ .l_type = F_RDLCK, .l_whence = 5 };
    T(fcntl(rfd, F_SETLK, &lk));
    int avail = -1;
    T(ioctl(rfd, FIONREAD, &avail));
    printf("FIONREAD f: %d\n", avail);
    read(rfd, buf, 2);
    ioctl(rfd, FIONREAD, &avail);
    printf("FIONREAD f after 2: %d\n", avail);
    T(ioctl(0, FIONREAD, &avail));
    printf("FIONREAD empty pipe: %d\n", avail);
    fd_set rs, ws;
    struct timeval tv = { 0, 0 };
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(rfd, &rs);
    FD_SET(0, &rs);
    FD_SET(1, &ws);
    n = select(rfd + 1, &rs, &ws, NULL, &tv);
    printf("select: %ld, file %d, empty pipe %d, stdout %d\n", n, FD_ISSET(rfd, &rs),
           FD_ISSET(0, &rs), FD_ISSET(1, &ws));
    FD_ZERO(&rs);
    FD_SET(50, &rs);
    T(select(51, &rs, NULL, NULL, &tv));
    T(select(-1, NULL, NULL, NULL, &tv));
    FD_ZERO(&rs);
    FD_SET(0, &rs);
    struct timespec ts = { 0, 20000000 };
    printf("pselect on the empty pipe, 20 ms: %d\n", pselect(1, &rs, NULL, NULL, &ts, NULL));
    unsigned long args[5] = { 0, 0, 0, 0, (unsigned long)&tv };
    printf("old select (82): %ld\n", syscall(SYS_select, args));
    printf("_newselect (142): %ld\n", syscall(SYS__newselect, 0, NULL, NULL, NULL, &tv));
    fflush(stdout);
    off_t off = 1;
    n = sendfile(1, rfd, &off, 100);
    printf("sendfile to stdout from 1: %ld, offset now %ld\n", n, (long)off);
    T(sendfile(rfd, 0, NULL, 1));
    T(sendfile(1, dfd, NULL, 1));
    return 0;
}
