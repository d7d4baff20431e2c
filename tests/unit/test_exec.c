/*
 * test_exec.c — execve's kernel half (kernel-model/sys_exec.c,
 * binfmt_script.c) without an engine: the loader is a stand-in arch op
 * that records what it was given.  The E2BIG rule's bounds; a #! script's
 * argv (interpreter, its one argument with inner blanks, the script's
 * name, the caller's argv[1..]), a script of a script, /proc/self/exe and
 * AT_EXECFN's name; ELOOP past five rewrites; ENOEXEC and EACCES; an
 * empty argv made { "" }; then begin_new_exec's effects on the task.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel-model/binfmt.h"
#include "kernel-model/shmem.h"
#include "tests/unit/task_fixture.h"

#define NR_EXECVE_ 11u

static struct {
    int calls;
    int argc;
    char argv[6][64];
    char filename[64], exe[PATH_MAX_G];
} seen;

/* The loader: an ELF head is taken (and refused: ENOEXEC, so the call
 * returns) after recording the bprm. */
static int fake_exec_binary(void *ctx, struct task_struct *t, struct linux_binprm *bprm)
{
    (void)ctx;
    (void)t;
    if (memcmp(bprm->buf, "\177ELF", 4))
        return -ENOEXEC;
    seen.calls++;
    seen.argc = bprm->argc;
    for (int i = 0; i < bprm->argc && i < 6; i++)
        snprintf(seen.argv[i], sizeof seen.argv[i], "%s", bprm->argv[i]);
    snprintf(seen.filename, sizeof seen.filename, "%s", bprm->filename);
    snprintf(seen.exe, sizeof seen.exe, "%s", bprm->exe_path);
    return -ENOEXEC;
}

static void put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(fd >= 0);
    CHECK_EQ(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(path, mode);
}

static void test_limits(void)
{
    size_t limit;
    CHECK_EQ(exec_args_fit(8u << 20, 1, 0, (2u << 20) - 4, 10, &limit), 0);
    CHECK_EQ(limit, 2u << 20);
    CHECK_EQ(exec_args_fit(8u << 20, 1, 0, (2u << 20) - 3, 10, NULL), -E2BIG);
    CHECK_EQ(exec_args_fit(8u << 20, 0, 1, (2u << 20) - 8, 10, NULL), 0);   /* argc 0 counts 1 */
    CHECK_EQ(exec_args_fit(8u << 20, 1, 0, 100, MAX_ARG_STRLEN, NULL), 0);
    CHECK_EQ(exec_args_fit(8u << 20, 1, 0, 100, MAX_ARG_STRLEN + 1, NULL), -E2BIG);
    exec_args_fit(256u << 10, 1, 0, 0, 0, &limit);
    CHECK_EQ(limit, ARG_MAX_BYTES);                 /* never below ARG_MAX */
    exec_args_fit(64u << 20, 1, 0, 0, 0, &limit);
    CHECK_EQ(limit, 6u << 20);                      /* never above 3/4 of _STK_LIM */
}

/* execve(path, argv, { NULL }) with argv given as host strings. */
static long do_exec(struct task_struct *t, uint32_t ubuf, const char *path, const char *const *argv,
                    int argc)
{
    uint32_t at = ubuf + 1024, ptrs = ubuf;
    CHECK_EQ(copy_to_user(t->mm, at, path, (uint32_t)strlen(path) + 1), 0);
    uint32_t upath = at;
    at += (uint32_t)strlen(path) + 1;
    for (int i = 0; i < argc; i++) {
        CHECK_EQ(copy_to_user(t->mm, at, argv[i], (uint32_t)strlen(argv[i]) + 1), 0);
        CHECK_EQ(copy_to_user(t->mm, ptrs + 4u * (uint32_t)i, &at, 4), 0);
        at += (uint32_t)strlen(argv[i]) + 1;
    }
    uint32_t zero = 0;
    CHECK_EQ(copy_to_user(t->mm, ptrs + 4u * (uint32_t)argc, &zero, 4), 0);
    uint32_t a[6] = { upath, ptrs, ptrs + 4u * (uint32_t)argc, 0, 0, 0 };
    memset(&seen, 0, sizeof seen);
    return fixture_syscall(t, NR_EXECVE_, a);
}

static void test_scripts(struct task_struct *t, uint32_t ubuf, const char *dir)
{
    put_file(dir, "elf", "\177ELF not really", 0755);
    put_file(dir, "s1", "#! /elf  -a  -b \t\nrest\n", 0755);
    put_file(dir, "s2", "#!/s1\n", 0755);
    put_file(dir, "text", "echo hi\n", 0755);
    put_file(dir, "noexec", "\177ELF", 0644);
    put_file(dir, "loop", "#!/loop\n", 0755);
    const char *args[] = { "zero", "one", "two" };

    CHECK_EQ(do_exec(t, ubuf, "/s1", args, 3), -ENOEXEC);
    CHECK_EQ(seen.calls, 1);
    CHECK_EQ(seen.argc, 5);
    CHECK(!strcmp(seen.argv[0], "/elf") && !strcmp(seen.argv[1], "-a  -b"));
    CHECK(!strcmp(seen.argv[2], "/s1") && !strcmp(seen.argv[3], "one") &&
          !strcmp(seen.argv[4], "two"));
    CHECK(!strcmp(seen.filename, "/s1"));           /* AT_EXECFN, comm: the script */
    CHECK(!strcmp(seen.exe, "/elf"));               /* /proc/self/exe: what runs */

    CHECK_EQ(do_exec(t, ubuf, "/s2", args, 1), -ENOEXEC);      /* s2 -> s1 -> elf */
    CHECK_EQ(seen.argc, 4);
    CHECK(!strcmp(seen.argv[0], "/elf") && !strcmp(seen.argv[1], "-a  -b") &&
          !strcmp(seen.argv[2], "/s1") && !strcmp(seen.argv[3], "/s2"));

    CHECK_EQ(do_exec(t, ubuf, "/loop", args, 1), -ELOOP);
    CHECK_EQ(seen.calls, 0);
    CHECK_EQ(do_exec(t, ubuf, "/text", args, 1), -ENOEXEC);
    CHECK_EQ(seen.calls, 0);
    CHECK_EQ(do_exec(t, ubuf, "/noexec", args, 1), -EACCES);
    CHECK_EQ(do_exec(t, ubuf, "/missing", args, 1), -ENOENT);
    CHECK_EQ(do_exec(t, ubuf, "/elf", args, 0), -ENOEXEC);     /* argv {} is { "" } */
    CHECK_EQ(seen.argc, 1);
    CHECK(!strcmp(seen.argv[0], ""));
}

static void test_new_exec(struct task_struct *t)
{
    t->sighand->action[10].handler = 0x8048000u;    /* caught */
    t->sighand->action[10].flags = 0x4000000u;
    t->sighand->action[10].mask = 0xffu;
    t->sighand->action[12].handler = 1u;            /* ignored */
    t->sig.blocked = 1u << 27;
    t->sig.altstack = (struct sig_altstack){ 0x1000, 8192, 0 };
    memset(t->tls_array, 0xab, sizeof t->tls_array);
    t->clear_child_tid = 0x1234;
    t->robust_list = 0x5678;
    long a = fs_open_guest(t, G_AT_FDCWD, "/elf", G_O_CLOEXEC, 0);
    long b = fs_open_guest(t, G_AT_FDCWD, "/elf", 0, 0);
    CHECK(a >= 0 && b >= 0);
    struct linux_binprm bprm = { 0 };
    bprm.filename = "/some/dir/newname";
    snprintf(bprm.exe_path, sizeof bprm.exe_path, "/elf");
    CHECK_EQ(begin_new_exec(t, &bprm), 0);
    CHECK(t->mm == NULL);                           /* the loader builds the new one */
    CHECK(fdget(t->files, (uint32_t)a) == NULL);
    CHECK(fdget(t->files, (uint32_t)b) != NULL);
    CHECK_EQ(t->sighand->action[10].handler, 0u);
    CHECK_EQ(t->sighand->action[10].flags, 0u);
    CHECK_EQ(t->sighand->action[10].mask, 0u);
    CHECK_EQ(t->sighand->action[12].handler, 1u);
    CHECK_EQ(t->sig.blocked, 1u << 27);
    CHECK_EQ(t->sig.altstack.size, 0u);
    CHECK_EQ(t->tls_array[1][3], 0);
    CHECK_EQ(t->clear_child_tid, 0u);
    CHECK_EQ(t->robust_list, 0u);
    CHECK(!strcmp(t->comm, "newname"));
    CHECK(!strcmp(t->exe_guest_path, "/elf"));
    close_fd(t->files, (uint32_t)b);
}

static void test_all(void)
{
    char dir[] = "/tmp/memsim-test-exec.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    struct sys s;
    struct task_struct *t = boot_task(&s);
    if (!t)
        return;
    t->k->arch.exec_binary = fake_exec_binary;
    t->root_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CHECK(t->root_fd >= 0);
    long u = do_mmap(t->mm, 0, 4 * PG, RW, MAP_PRIVATE_ | MAP_ANONYMOUS_, NULL, 0, 0, NULL);
    CHECK(u > 0);
    test_limits();
    test_scripts(t, (uint32_t)u, dir);
    test_new_exec(t);
    close(t->root_fd);
    t->root_fd = -1;
    task_free(t);
    shmem_destroy(&s.k);
    sys_fini(&s);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_EQ(system(cmd), 0);
}

int main(void)
{
    (void)user_page;
    run_in_every_paging_mode(test_all);
    return CHECK_DONE();
}
