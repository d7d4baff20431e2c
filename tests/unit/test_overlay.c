/*
 * test_overlay.c — the overlay over the root (kernel-model/overlay.c)
 * through the guest's system calls, on random sequences of create
 * (O_CREAT|O_EXCL), append, O_TRUNC, unlink, mkdir, rmdir and rename over
 * a few names in a scratch host tree given as the task's --root, against a
 * shadow model of the merged tree.
 *
 * After every call: each name's stat (exists, file or directory, size) and
 * contents equal the shadow's; each directory's getdents64 lists exactly
 * the shadow's names (whiteouts hidden, upper names merged over the
 * host's, no name twice), also through the host symlink /s0 -> d0 (one
 * rule for every spelling); the upper tree's inode-less entries are each a
 * whiteout of a name the host has or a host directory.  At the end the
 * host tree is what it was before (names and bytes).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/fs.h"
#include "kernel-model/shmem_priv.h"
#include "tests/unit/task_fixture.h"


/* The names: two directories at the top, three files in each and at top. */
#define NN 11
static const char *const names[NN] = {
    "/f0", "/f1", "/f2", "/d0", "/d1",
    "/d0/f0", "/d0/f1", "/d0/f2", "/d1/f0", "/d1/f1", "/d1/f2",
};
static int parent_of(int n) { return n >= 8 ? 4 : n >= 5 ? 3 : -1; }

struct node { int type; uint32_t size; char data[64]; };   /* type: 0 none, 1 file, 2 dir */

struct st {
    struct sys s;
    struct task_struct *t;
    uint32_t ubuf;
    struct node sh[NN];
};

static long call(struct task_struct *t, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
    uint32_t a[6] = { a0, a1, a2, 0, 0, 0 };
    return fixture_syscall(t, nr, a);
}

static uint32_t rnd(uint32_t *seed, uint32_t n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 8) % n;
}

static uint32_t ustr(struct st *x, const char *s, int slot)
{
    uint32_t at = x->ubuf + 2 * PG + (uint32_t)slot * 64;
    CHECK_EQ(copy_to_user(x->t->mm, at, s, (uint32_t)strlen(s) + 1), 0);
    return at;
}

static uint32_t upath(struct st *x, int n, int slot)
{
    return ustr(x, names[n], slot);
}

/* The name as spelled through the host's symlink /s0 -> d0 (d0's names). */
static const char *alias(int n)
{
    static char buf[32];
    snprintf(buf, sizeof buf, "/s0%s", names[n] + 3);
    return buf;
}

/* ---- invariants ------------------------------------------------------------ */

static void check_spelling(struct st *x, int n, const char *path)
{
    uint8_t st[96];
    long r = call(x->t, NR_STAT64, ustr(x, path, 0), x->ubuf + PG, 0);
    const struct node *s = &x->sh[n];
    if (!s->type) {
        CHECK(r == -ENOENT || r == -ENOTDIR);
        return;
    }
    CHECK_EQ(r, 0);
    CHECK_EQ(copy_from_user(x->t->mm, st, x->ubuf + PG, sizeof st), 0);
    uint32_t mode;
    uint64_t size;
    memcpy(&mode, st + 16, 4);               /* stat64: st_mode at 16, st_size at 44 */
    memcpy(&size, st + 44, 8);
    CHECK_EQ(S_ISDIR(mode) ? 2 : 1, s->type);
    if (s->type != 1)
        return;
    CHECK_EQ(size, s->size);
    long fd = call(x->t, NR_OPEN, ustr(x, path, 0), O_RDONLY, 0);
    CHECK(fd >= 0);
    char got[64];
    CHECK_EQ(call(x->t, NR_READ, (uint32_t)fd, x->ubuf, 64), (long)s->size);
    CHECK_EQ(copy_from_user(x->t->mm, got, x->ubuf, s->size), 0);
    CHECK(!memcmp(got, s->data, s->size));
    call(x->t, NR_CLOSE, (uint32_t)fd, 0, 0);
}

static void check_name(struct st *x, int n)
{
    check_spelling(x, n, names[n]);
    if (parent_of(n) == 3)
        check_spelling(x, n, alias(n));     /* the same file through /s0 -> d0 */
}

/* getdents64 of directory d (-1: the root; spelled path) against the
 * shadow's children. */
static void check_listing_at(struct st *x, int d, const char *path)
{
    uint32_t p = x->ubuf + 2 * PG;
    CHECK_EQ(copy_to_user(x->t->mm, p, path, (uint32_t)strlen(path) + 1), 0);
    long fd = call(x->t, NR_OPEN, p, O_RDONLY | O_DIRECTORY, 0);
    if (d >= 0 && x->sh[d].type != 2) {
        CHECK(fd < 0);
        return;
    }
    CHECK(fd >= 0);
    int seen[NN] = { 0 }, other = 0;
    for (;;) {
        long got = call(x->t, NR_GETDENTS64, (uint32_t)fd, x->ubuf, PG);
        CHECK(got >= 0);
        if (got <= 0)
            break;
        uint8_t buf[PG];
        CHECK_EQ(copy_from_user(x->t->mm, buf, x->ubuf, (uint32_t)got), 0);
        for (long o = 0; o < got;) {
            uint16_t rl;
            memcpy(&rl, buf + o + 16, 2);
            const char *nm = (const char *)buf + o + 19;
            int hit = 0;
            for (int n = 0; n < NN; n++) {
                const char *last = strrchr(names[n], '/') + 1;
                if (parent_of(n) == d && !strcmp(last, nm))
                    seen[n]++, hit = 1;
            }
            if (!hit && strcmp(nm, ".") && strcmp(nm, "..") && (d >= 0 || strcmp(nm, "s0")))
                other++;
            o += rl;
        }
    }
    call(x->t, NR_CLOSE, (uint32_t)fd, 0, 0);
    for (int n = 0; n < NN; n++)
        if (parent_of(n) == d)
            CHECK_EQ(seen[n], (x->sh[n].type ? 1 : 0));
    CHECK_EQ(other, 0);
}

/* Inode-less upper entries: a whiteout of a host name, or a host directory. */
static void check_upper(struct st *x, const struct shmem_dentry *dir, const char *path,
                        int upper)
{
    for (const struct shmem_dentry *c = dir->child; c; c = c->next) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", path, c->name);
        struct stat st;
        int host = fstatat(x->t->root_fd, p + 1, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (!c->inode) {
            CHECK(!upper);                  /* an upper directory is opaque */
            CHECK(host);
            if (!c->whiteout)
                CHECK(host && S_ISDIR(st.st_mode));
        }
        if (!c->inode || S_ISDIR(c->inode->i_mode))
            check_upper(x, c, p, c->inode != NULL);
    }
}

static void check_all(struct st *x)
{
    for (int n = 0; n < NN; n++)
        check_name(x, n);
    check_listing_at(x, -1, "/");
    check_listing_at(x, 3, names[3]);
    check_listing_at(x, 3, "/s0/");         /* a symlinked spelling of d0 */
    check_listing_at(x, 4, names[4]);
    struct shmem_mounts *m = x->s.k.shmem;
    if (m)
        check_upper(x, &m->sb[OVL_SB].root, "", 0);
}

/* ---- operations ------------------------------------------------------------- */

static int parent_ok(const struct st *x, int n)
{
    return parent_of(n) < 0 || x->sh[parent_of(n)].type == 2;
}

static int has_children(const struct st *x, int d)
{
    for (int n = 0; n < NN; n++)
        if (parent_of(n) == d && x->sh[n].type)
            return 1;
    return 0;
}

static void op_create_or_append(struct st *x, uint32_t *seed)
{
    int n = (int)rnd(seed, NN), excl = (int)rnd(seed, 2), trunc = (int)rnd(seed, 3) == 0;
    struct node *s = &x->sh[n];
    uint32_t flags = O_WRONLY | O_CREAT | (excl ? O_EXCL : O_APPEND) | (trunc ? O_TRUNC : 0);
    long fd = call(x->t, NR_OPEN, upath(x, n, 0), flags, 0644);
    if (!parent_ok(x, n)) {
        CHECK(fd == -ENOENT || fd == -ENOTDIR);
        return;
    }
    if (s->type == 2) {
        CHECK_EQ(fd, excl ? -EEXIST : -EISDIR);
        return;
    }
    if (s->type && excl) {
        CHECK_EQ(fd, -EEXIST);
        return;
    }
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    if (!s->type || trunc)
        *s = (struct node){ .type = 1 };
    char c = (char)('a' + rnd(seed, 26));
    CHECK_EQ(copy_to_user(x->t->mm, x->ubuf, &c, 1), 0);
    if (s->size < sizeof s->data) {
        CHECK_EQ(call(x->t, NR_WRITE, (uint32_t)fd, x->ubuf, 1), 1);
        s->data[s->size++] = c;
    }
    CHECK_EQ(call(x->t, NR_CLOSE, (uint32_t)fd, 0, 0), 0);
}

static void op_unlink(struct st *x, uint32_t *seed)
{
    int n = (int)rnd(seed, NN), dir = (int)rnd(seed, 2);
    struct node *s = &x->sh[n];
    long r = call(x->t, dir ? NR_RMDIR : NR_UNLINK, upath(x, n, 0), 0, 0);
    if (!parent_ok(x, n) || !s->type) {
        CHECK(r == -ENOENT || r == -ENOTDIR);
        return;
    }
    if (dir && s->type != 2)
        CHECK_EQ(r, -ENOTDIR);
    else if (!dir && s->type == 2)
        CHECK_EQ(r, -EISDIR);
    else if (dir && has_children(x, n))
        CHECK_EQ(r, -ENOTEMPTY);
    else {
        CHECK_EQ(r, 0);
        s->type = 0;
    }
}

static void op_mkdir(struct st *x, uint32_t *seed)
{
    int n = 3 + (int)rnd(seed, 2);
    long r = call(x->t, NR_MKDIR, upath(x, n, 0), 0755, 0);
    if (x->sh[n].type)
        CHECK_EQ(r, -EEXIST);
    else {
        CHECK_EQ(r, 0);
        x->sh[n] = (struct node){ .type = 2 };
    }
}

/* rename of files only (a host directory's rename is EXDEV). */
static void op_rename(struct st *x, uint32_t *seed)
{
    static const int files[] = { 0, 1, 2, 5, 6, 7, 8, 9, 10 };
    int a = files[rnd(seed, 9)], b = files[rnd(seed, 9)];
    long r = call(x->t, NR_RENAME, upath(x, a, 0), upath(x, b, 1), 0);
    if (!parent_ok(x, a) || !x->sh[a].type) {
        CHECK(r == -ENOENT || r == -ENOTDIR);
        return;
    }
    if (!parent_ok(x, b)) {
        CHECK(r == -ENOENT || r == -ENOTDIR);
        return;
    }
    CHECK_EQ(r, 0);
    if (a != b) {
        x->sh[b] = x->sh[a];
        x->sh[a].type = 0;
    }
}

/* ---- the host tree ---------------------------------------------------------- */

static void host_put(const char *dir, const char *name, const char *data)
{
    char p[512];
    snprintf(p, sizeof p, "%s%s", dir, name);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(data, f);
        fclose(f);
    }
}

/* A fingerprint of the host tree: every name's type and bytes. */
static void host_print(const char *dir, char *out, size_t len)
{
    out[0] = 0;
    for (int n = 0; n < NN; n++) {
        char p[512], buf[64] = "";
        snprintf(p, sizeof p, "%s%s", dir, names[n]);
        struct stat st;
        int e = lstat(p, &st) == 0;
        FILE *f = e && S_ISREG(st.st_mode) ? fopen(p, "r") : NULL;
        if (f) {
            size_t k = fread(buf, 1, sizeof buf - 1, f);
            buf[k] = 0;
            fclose(f);
        }
        size_t o = strlen(out);
        snprintf(out + o, len - o, "%s:%d:%s;", names[n], e ? (int)(st.st_mode >> 12) : 0, buf);
    }
}

static void test_random(void)
{
    char dir[] = "memsim-test-overlay.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p[512];
    snprintf(p, sizeof p, "%s/d0", dir);
    CHECK_EQ(mkdir(p, 0755), 0);
    host_put(dir, "/f0", "host-f0");
    snprintf(p, sizeof p, "%s/s0", dir);
    CHECK_EQ(symlink("d0", p), 0);          /* /s0 -> d0: a second spelling */
    host_put(dir, "/d0/f1", "host-d0-f1");
    host_put(dir, "/d0/f2", "x");
    char before[2048], after[2048];
    host_print(dir, before, sizeof before);

    struct st *x = calloc(1, sizeof *x);
    if (!(x->t = boot_task(&x->s)))
        return;
    x->t->root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(x->t->root_fd >= 0);
    long u = do_mmap(x->t->mm, 0, 4 * PG, RW, MAP_PRIVATE_ | MAP_ANONYMOUS_, NULL, 0, 0, NULL);
    CHECK(u > 0);
    x->ubuf = (uint32_t)u;
    x->sh[0] = (struct node){ .type = 1, .size = 7, .data = "host-f0" };
    x->sh[3] = (struct node){ .type = 2 };
    x->sh[6] = (struct node){ .type = 1, .size = 10, .data = "host-d0-f1" };
    x->sh[7] = (struct node){ .type = 1, .size = 1, .data = "x" };
    check_all(x);
    uint32_t seed = 0x0e71a7u ^ (uint32_t)fixture_paging;
    for (int step = 0; step < 400; step++) {
        switch (rnd(&seed, 6)) {
        case 0: case 1: op_create_or_append(x, &seed); break;
        case 2: op_unlink(x, &seed); break;
        case 3: op_mkdir(x, &seed); break;
        default: op_rename(x, &seed); break;
        }
        check_all(x);
    }
    task_free(x->t);
    shmem_destroy(&x->s.k);                 /* the upper files' pages (exit's teardown) */
    sys_fini(&x->s);
    free(x);
    host_print(dir, after, sizeof after);
    CHECK(!strcmp(before, after));           /* the host was never written */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_EQ(system(cmd), 0);
}

int main(void)
{
    (void)user_page;
    run_in_every_paging_mode(test_random);
    return CHECK_DONE();
}
