/*
 * tls.c — __thread variables in a static binary.
 *
 * Static glibc sets up the main thread's TLS block at start-up: it allocates
 * the block (brk), copies the .tdata initialisers and zeroes .tbss, then calls
 * set_thread_area() to install a GDT descriptor whose base is the thread
 * pointer, and loads %gs with its selector.  Every access to a __thread
 * variable below is a %gs:offset access, so this exercises the segmentation
 * model (descriptor base added to the offset) as well as the syscall.
 *
 * Variables: an initialised int and array (.tdata), a zeroed counter and
 * struct (.tbss).  They are updated in a loop through both direct accesses
 * and pointers (taking the address of a __thread variable computes
 * %gs:0 + offset, a linear address that must alias the same bytes).
 *
 * Single-threaded on purpose: threads would need clone(); this sample is
 * about the TLS mechanism only.  Expected: deterministic values, exit 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static __thread int initialised = 42;                 /* .tdata */
static __thread uint32_t table[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static __thread unsigned counter;                     /* .tbss */
static __thread struct {
    char name[16];
    uint64_t total;
} record;

/* noinline: force real %gs-relative accesses from another function. */
__attribute__((noinline)) static void bump(unsigned by)
{
    counter += by;
    initialised -= 1;
    table[counter % 8] ^= counter * 2654435761u;
    record.total += (uint64_t)counter * counter;
}

__attribute__((noinline)) static int *addr_of_initialised(void)
{
    return &initialised;
}

int main(void)
{
    printf("start: initialised=%d counter=%u table[7]=%u record.total=%llu name=\"%s\"\n",
           initialised, counter, table[7], (unsigned long long)record.total, record.name);

    for (unsigned i = 1; i <= 1000; i++)
        bump(i % 7);

    /* A pointer to a TLS variable must see the same storage. */
    int *pi = addr_of_initialised();
    *pi += 1000;
    strcpy(record.name, "tls-record");

    uint32_t x = 0;
    for (int i = 0; i < 8; i++)
        x = x * 31 + table[i];

    printf("end: initialised=%d counter=%u table-hash=%08x record.total=%llu name=\"%s\"\n",
           initialised, counter, (unsigned)x, (unsigned long long)record.total, record.name);
    printf("pointer and direct access agree: %s\n", *pi == initialised ? "yes" : "no");
    return *pi == initialised ? 0 : 1;
}
