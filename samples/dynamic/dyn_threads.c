/*
 * dyn_threads.c — a dynamically linked program's own machinery: four
 * pthreads allocating in their own malloc arenas, a dlopen of libm.so.6
 * and a call through dlsym, thread-local storage of the initial-exec and
 * dynamic models, and the auxiliary vector a dynamic program gets (an
 * interpreter base, the program's entry, no vDSO).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

static __thread int tls_counter = 7;
extern void _start(void);

static void *work(void *a)
{
    long n = (long)a, sum = 0;
    unsigned char *p = malloc((size_t)n * 1000);
    if (!p)
        return NULL;
    memset(p, (int)n, (size_t)n * 1000);
    for (long i = 0; i < n * 1000; i++)
        sum += p[i];
    free(p);
    tls_counter += (int)n;
    return (void *)(sum + tls_counter);
}

/* Objects ld.so loaded, the vDSO left out: Linux maps one (linux-gate.so.1),
 * memsim and qemu-i386 give none (docs/ARCHITECTURE.md, the ELF loader). */
static int count_objects(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    if (!strstr(info->dlpi_name, "linux-gate") && !strstr(info->dlpi_name, "linux-vdso"))
        ++*(int *)data;
    return 0;
}

int main(void)
{
    pthread_t t[4];
    long sum = 0;
    for (long i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, work, (void *)(i + 1)))
            return 1;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    void *h = dlopen("libm.so.6", RTLD_NOW);
    double (*cosine)(double) = h ? (double (*)(double))dlsym(h, "cos") : NULL;
    printf("threads sum %ld, main tls %d, cos(0.5) %.6f\n", sum, tls_counter,
           cosine ? cosine(0.5) : -1.0);
    int objects = 0;
    dl_iterate_phdr(count_objects, &objects);
    printf("loaded objects %d (the program, libc, libm, ld.so)\n", objects);
    printf("AT_BASE set %d, AT_ENTRY is _start %d, AT_PHDR phnum %lu, AT_SECURE %lu\n",
           getauxval(AT_BASE) != 0, getauxval(AT_ENTRY) == (unsigned long)_start,
           getauxval(AT_PHNUM), getauxval(AT_SECURE));
    if (h)
        dlclose(h);
    return 0;
}
