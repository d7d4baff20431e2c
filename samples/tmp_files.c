/*
 * tmp_files.c — temp files in /tmp: write, read back, append, truncate,
 * rename, list, delete, with the errors Linux gives on the way.
 *
 * Everything happens inside a fresh directory made with mkdtemp, whose
 * name is never printed: the expected output is a native run's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/tmp_files.XXXXXX";

static const char *in(const char *name)
{
    static char buf[2][128];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void result(const char *what, int r)
{
    printf("%-32s %s\n", what, r == 0 ? "0" : strerror(errno));
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(void)
{
    DIR *d = opendir(dir);
    char *names[16];
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 16)
        names[n++] = strdup(e->d_name);
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp);
    printf("listing:");
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    FILE *f = fopen(in("a.txt"), "w");
    if (!f) {
        perror("fopen");
        return 1;
    }
    for (int i = 1; i <= 3; i++)
        fprintf(f, "line %d of a\n", i);
    fclose(f);

    char line[64];
    f = fopen(in("a.txt"), "r");
    while (f && fgets(line, sizeof line, f))
        printf("read back: %s", line);
    if (f)
        fclose(f);

    errno = 0;
    int fd = open(in("a.txt"), O_WRONLY | O_CREAT | O_EXCL, 0600);
    printf("O_EXCL on an existing file: %d %s\n", fd, strerror(errno));

    fd = open(in("a.txt"), O_WRONLY | O_APPEND);
    if (write(fd, "appended\n", 9) != 9)
        perror("append");
    printf("size after append: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    close(fd);

    fd = open(in("a.txt"), O_RDWR);
    result("ftruncate to 10", ftruncate(fd, 10));
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    printf("after truncate: %zd bytes: %.*s|\n", n, (int)n, buf);
    result("ftruncate to 8192", ftruncate(fd, 8192));
    struct stat st;
    fstat(fd, &st);
    printf("size %lld, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    n = pread(fd, buf, 4, 8000);
    printf("a hole reads %zd bytes, zeros: %d\n", n, !buf[0] && !buf[1] && !buf[2] && !buf[3]);
    close(fd);

    fd = open(in("O_TRUNC"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (write(fd, "0123456789", 10) != 10 || pwrite(fd, "AB", 2, 4) != 2)
        perror("write");
    close(fd);
    fd = open(in("O_TRUNC"), O_RDONLY);
    n = read(fd, buf, sizeof buf - 1);
    printf("pwrite in the middle: %.*s\n", (int)n, buf);
    close(fd);
    fd = open(in("O_TRUNC"), O_RDWR | O_TRUNC);
    fstat(fd, &st);
    printf("O_TRUNC: size %lld\n", (long long)st.st_size);
    close(fd);

    result("mkdir sub", mkdir(in("sub"), 0755));
    result("mkdir sub again", mkdir(in("sub"), 0755));
    result("rename a.txt -> sub/b.txt", rename(in("a.txt"), in("sub/b.txt")));
    result("stat a.txt", stat(in("a.txt"), &st));
    result("stat sub/b.txt", stat(in("sub/b.txt"), &st));
    printf("sub/b.txt: %lld bytes, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    result("rename sub/b.txt -> c.txt", rename(in("sub/b.txt"), in("c.txt")));
    list();
    result("rmdir a non-empty directory", rmdir(dir));
    result("unlink a directory", unlink(in("sub")));
    result("rmdir sub", rmdir(in("sub")));
    result("unlink c.txt", unlink(in("c.txt")));
    result("unlink c.txt again", unlink(in("c.txt")));
    result("unlink O_TRUNC", unlink(in("O_TRUNC")));
    list();
    result("rmdir the directory", rmdir(dir));
    result("stat it", stat(dir, &st));
    return 0;
}
