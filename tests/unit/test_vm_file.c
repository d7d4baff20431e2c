/*
 * test_vm_file.c — one vm_file per host file (kernel-model/vm_file.c).
 *
 * Linux's mappings hold the file, not a descriptor, so a program may map a
 * file thousands of times through descriptors it then closes.  The table
 * must hand out the same vm_file for the same (dev, ino) — through another
 * open() of it or a hardlink — a different one for another file, a fresh
 * one once the last reference is gone, and cost one host descriptor per
 * file however many times it is mapped.
 */
#include "tests/unit/check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "kernel-model/mm.h"

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static int table_len(const struct vm_file_table *t)
{
    int n = 0;
    for (const struct vm_file *f = t->head; f; f = f->next)
        n++;
    return n;
}

int main(void)
{
    char dir[] = "/tmp/memsim-vmfile.XXXXXX", a[64], b[64], lnk[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    snprintf(lnk, sizeof lnk, "%s/a-link", dir);
    close(open(a, O_CREAT | O_WRONLY, 0644));
    close(open(b, O_CREAT | O_WRONLY, 0644));
    CHECK(link(a, lnk) == 0);

    struct vm_file_table t = { 0 };
    int fa = open(a, O_RDONLY), fa2 = open(a, O_RDONLY), fl = open(lnk, O_RDONLY), fb = open(b, O_RDONLY);
    struct vm_file *f1 = vm_file_get(&t, fa, "/a");
    struct vm_file *f2 = vm_file_get(&t, fa2, "/a-again");
    struct vm_file *f3 = vm_file_get(&t, fl, "/a-link");
    struct vm_file *g = vm_file_get(&t, fb, "/b");
    CHECK(f1 && f1 == f2 && f1 == f3);          /* another open, a hardlink: the same file */
    CHECK_EQ(f1->refs, 3);
    CHECK_STR(f1->path, "/a");                  /* named by its first opener */
    CHECK(g && g != f1);
    CHECK_EQ(table_len(&t), 2);

    /* the vm_file outlives every descriptor it was reached through */
    close(fa);
    close(fa2);
    close(fl);
    CHECK(pread(f1->fd, (char[1]){ 0 }, 1, 0) == 0);

    vm_file_put(f1);
    vm_file_put(f2);
    CHECK_EQ(table_len(&t), 2);
    vm_file_put(f3);                            /* the last reference leaves the table */
    CHECK_EQ(table_len(&t), 1);
    CHECK(t.head == g);

    /* 3000 mappings of one file through 3000 descriptors: one host fd */
    int before = open_fds();
    struct vm_file *many[3000];
    for (int i = 0; i < 3000; i++) {
        int fd = open(a, O_RDONLY);
        many[i] = vm_file_get(&t, fd, "/a");
        close(fd);
    }
    CHECK_EQ(open_fds(), before + 1);
    CHECK(many[0] == many[2999]);
    CHECK_EQ(many[0]->refs, 3000);
    for (int i = 0; i < 3000; i++)
        vm_file_put(many[i]);
    CHECK_EQ(open_fds(), before);
    CHECK_EQ(table_len(&t), 1);

    /* A write-only descriptor makes no vm_file: one made from it would be
     * shared with later read-only mappings of the file, and every pread of
     * theirs would fail (EBADF, a SIGBUS in the guest). */
    int wo = open(a, O_WRONLY);
    errno = 0;
    CHECK(vm_file_get(&t, wo, "/a") == NULL);
    CHECK_EQ(errno, EACCES);
    CHECK_EQ(table_len(&t), 1);                 /* only g */
    int pa = open(a, O_PATH);
    CHECK(vm_file_get(&t, pa, "/a") == NULL);
    close(pa);
    CHECK(write(wo, "xyz", 3) == 3);
    int ro = open(a, O_RDONLY);
    struct vm_file *r = vm_file_get(&t, ro, "/a");
    char c[3] = { 0 };
    CHECK(r && pread(r->fd, c, 3, 0) == 3 && c[0] == 'x' && c[2] == 'z');
    vm_file_put(r);
    close(ro);
    close(wo);

    /* vm_file_open (the program's own mapping) is in no table */
    struct vm_file *solo = vm_file_open(fb, "/b");
    CHECK(solo && solo != g && solo->pprev == NULL);
    vm_file_put(solo);
    vm_file_put(g);
    CHECK(t.head == NULL);
    close(fb);

    unlink(a);
    unlink(b);
    unlink(lnk);
    rmdir(dir);
    return CHECK_DONE();
}
