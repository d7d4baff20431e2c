/*
 * overlay_files.c — writing the files of a read-only root: copy-up on the
 * first write, O_CREAT/O_EXCL/O_APPEND/O_TRUNC, ftruncate, unlink, mkdir,
 * rename, and a directory listing that merges new names over old ones.
 *
 *   overlay_files BASE
 *
 * BASE holds etc/data.txt ("original-data\n"), dir/a ("aaaa\n"), dir/b,
 * dir/c, the directory dir/hostsub, usr/bin/tool ("tool\n"), the symlinks
 * bin -> usr/bin and dir/link -> ../etc/data.txt
 * (tests/guest/check-overlay.sh makes them): "" under memsim --root (the overlay takes every write), or a
 * scratch copy natively (the writes are real).  The output is the same
 * both ways; what BASE holds afterwards is the caller's to check.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "scratch.h"

static void show(const char *name)
{
    char buf[64] = "";
    int fd = open(in(name), O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    struct stat st;
    int s = stat(in(name), &st);
    printf("%-36s %zd \"%.*s\" size %lld\n", name, n, n > 0 ? (int)n : 0, buf,
           s ? -1LL : (long long)st.st_size);
    if (fd >= 0)
        close(fd);
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *name)
{
    DIR *d = opendir(in(name));
    if (!d) {
        printf("ls %-33s %s\n", name, strerror(errno));
        return;
    }
    char *names[64];
    int n = 0;
    for (struct dirent *e; n < 64 && (e = readdir(d));)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp);
    printf("ls %-33s", name);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

static void link_of(const char *name)
{
    char buf[64];
    ssize_t n = readlink(in(name), buf, sizeof buf);
    if (n < 0)
        printf("readlink %-27s %s\n", name, strerror(errno));
    else
        printf("readlink %-27s \"%.*s\"\n", name, (int)n, buf);
}

/* lstat's type and permissions, stat's link count */
static void attrs(const char *name)
{
    struct stat st, l;
    if (lstat(in(name), &l) || stat(in(name), &st)) {
        printf("attrs %-30s %s\n", name, strerror(errno));
        return;
    }
    printf("attrs %-30s %s %o nlink %lu\n", name, S_ISLNK(l.st_mode) ? "link" :
           S_ISDIR(l.st_mode) ? "dir" : "file", (unsigned)(st.st_mode & 07777),
           (unsigned long)st.st_nlink);
}

/* symlinks, hard links, attributes and a symlinked directory: the model
 * walks every path itself, one rule for the whole tree */
static void links_and_attrs(void)
{
    result("symlink data.txt etc/sl", symlink("data.txt", in("etc/sl")));
    result("symlink again", symlink("data.txt", in("etc/sl")));
    link_of("etc/sl");
    show("etc/sl");
    attrs("etc/sl");
    result("open etc/sl O_NOFOLLOW", open(in("etc/sl"), O_RDONLY | O_NOFOLLOW));
    result("stat etc/data.txt/", access(in("etc/data.txt/"), F_OK));
    result("link etc/data.txt etc/hard", link(in("etc/data.txt"), in("etc/hard")));
    attrs("etc/data.txt");
    int fd = open(in("etc/hard"), O_WRONLY | O_APPEND);
    result("append to etc/hard", (int)write(fd, "H", 1) - 1);
    close(fd);
    show("etc/data.txt");
    result("link dir/link dir/hlink", link(in("dir/link"), in("dir/hlink")));
    link_of("dir/hlink");
    result("chmod usr/bin/tool 0700", chmod(in("usr/bin/tool"), 0700));
    attrs("bin/tool");
    struct timespec ts[2] = { { 1000000000, 0 }, { 1200000000, 0 } };
    result("utimensat usr/bin/tool", utimensat(AT_FDCWD, in("usr/bin/tool"), ts, 0));
    struct stat st;
    if (!stat(in("bin/tool"), &st))
        printf("%-36s atime %lld mtime %lld\n", "times bin/tool", (long long)st.st_atime,
               (long long)st.st_mtime);
    fd = open(in("etc/data.txt"), O_RDONLY);
    result("fchmod of a read-only fd 0640", fchmod(fd, 0640));
    close(fd);
    attrs("etc/hard");
    result("lchown dir/link (own ids)", lchown(in("dir/link"), getuid(), getgid()));
    link_of("dir/link");
    result("rename dir/link dir/link2", rename(in("dir/link"), in("dir/link2")));
    link_of("dir/link2");
    show("dir/link2");
    fd = open(in("bin/made"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    result("create bin/made", fd);
    close(fd);
    attrs("usr/bin/made");
    result("rename bin/made usr/bin/moved", rename(in("bin/made"), in("usr/bin/moved")));
    attrs("bin/moved");
    list("bin");
    list("usr/bin/");
    int dfd = open(in("usr"), O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "bin/made2", O_WRONLY | O_CREAT, 0644);
    result("openat usr, bin/made2", fd);
    close(fd);
    fd = openat(dfd, "../etc/sl", O_RDONLY);
    result("openat usr, ../etc/sl", fd);
    close(fd);
    close(dfd);
    dfd = open(in("dir/hostsub"), O_RDONLY | O_DIRECTORY);
    fd = openat(dfd, "inner", O_WRONLY | O_CREAT, 0644);
    result("openat dir/hostsub (new), inner", fd);
    close(fd);
    close(dfd);
    list("dir/hostsub");
    list("bin/");
    result("unlink etc/sl", unlink(in("etc/sl")));
    show("etc/data.txt");
    list("etc");
}

int main(int argc, char **argv)
{
    base = argc > 1 ? argv[1] : "";
    /* copy-up: write into a root file, read it back */
    int fd = open(in("etc/data.txt"), O_RDWR);
    result("open etc/data.txt O_RDWR", fd);
    result("write XY at 0", (int)write(fd, "XY", 2) - 1);
    show("etc/data.txt");
    result("ftruncate 6", ftruncate(fd, 6));
    show("etc/data.txt");
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    result("mmap shared", m == MAP_FAILED ? -1 : 0);
    if (m != MAP_FAILED) {
        m[5] = '!';
        printf("%-36s \"%.6s\"\n", "mapped", m);
        munmap(m, 4096);
    }
    close(fd);
    show("etc/data.txt");
    fd = open(in("etc/data.txt"), O_WRONLY | O_APPEND);
    result("write O_APPEND", (int)write(fd, "+", 1) - 1);
    close(fd);
    show("etc/data.txt");
    result("truncate 3", truncate(in("etc/data.txt"), 3));
    show("etc/data.txt");
    /* O_CREAT, O_EXCL, O_TRUNC */
    result("O_CREAT|O_EXCL etc/data.txt", open(in("etc/data.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644));
    fd = open(in("dir/new"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    result("O_CREAT|O_EXCL dir/new", fd);
    result("write new", (int)write(fd, "new\n", 4) - 1);
    close(fd);
    show("dir/new");
    result("O_CREAT nodir/x", open(in("nodir/x"), O_WRONLY | O_CREAT, 0644));
    result("O_CREAT dir/a/x", open(in("dir/a/x"), O_WRONLY | O_CREAT, 0644));
    fd = open(in("dir/a"), O_WRONLY | O_TRUNC);
    result("O_TRUNC dir/a", fd);
    close(fd);
    show("dir/a");
    /* unlink, mkdir, rename, rmdir */
    result("unlink dir/b", unlink(in("dir/b")));
    show("dir/b");
    result("unlink dir/b again", unlink(in("dir/b")));
    result("unlink dir/hostsub", unlink(in("dir/hostsub")));
    result("mkdir dir/sub", mkdir(in("dir/sub"), 0755));
    result("mkdir dir/sub again", mkdir(in("dir/sub"), 0755));
    result("mkdir dir/c", mkdir(in("dir/c"), 0755));
    fd = open(in("dir/sub/f"), O_WRONLY | O_CREAT, 0644);
    result("create dir/sub/f", fd);
    close(fd);
    result("rename dir/new dir/renamed", rename(in("dir/new"), in("dir/renamed")));
    show("dir/new");
    show("dir/renamed");
    result("rename dir/c dir/sub/c2", rename(in("dir/c"), in("dir/sub/c2")));
    show("dir/sub/c2");
    result("rename dir/a dir/sub (a dir)", rename(in("dir/a"), in("dir/sub")));
    result("rmdir dir/sub", rmdir(in("dir/sub")));
    result("rmdir dir/hostsub/", rmdir(in("dir/hostsub")));
    result("mkdir dir/hostsub", mkdir(in("dir/hostsub"), 0700));
    list("dir");
    list("dir/sub");
    list("dir/hostsub");
    result("unlink dir/sub/f", unlink(in("dir/sub/f")));
    result("unlink dir/sub/c2", unlink(in("dir/sub/c2")));
    result("rmdir dir/sub", rmdir(in("dir/sub")));
    list("dir");
    links_and_attrs();
    return 0;
}
