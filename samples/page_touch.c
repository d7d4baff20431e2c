/*
 * page_touch.c — anonymous demand paging, one page at a time.
 *
 * The fault pattern is fixed and checked by tests/guest/check-page-touch-trace.sh:
 *
 *   1. mmap(NULL, 64 pages, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
 *      — nothing is populated yet (this is the only 256 KiB mapping the
 *      program makes, which is how the trace test finds it).
 *   2. Read one byte of each of the first 16 pages, in order.
 *      -> 16 faults, kind 'anon', resolution 'zero-page': a read fault on an
 *         untouched anonymous page maps the shared zero page read-only.
 *   3. Write one byte at the start of each of the 64 pages, in order.
 *      -> pages 0..15:  16 faults, kind 'cow', resolution 'cow-zero'
 *         (write to the read-only zero page: a new zeroed frame replaces it);
 *      -> pages 16..63: 48 faults, kind 'anon', resolution 'demand-zero'
 *         (write fault on a not-present page: a new zeroed frame).
 *   4. Read every page back and check it: no faults (all pages are present
 *      and writable now).
 *   5. munmap the region, exit 0.
 *
 * So exactly 80 faults hit the region: 16 zero-page, 16 cow-zero, 48
 * demand-zero.  Every access goes through a volatile pointer so the compiler
 * keeps each one, once, in this order.  Only counts and sums are printed.
 * Expected: a three-line summary, exit status 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096u
#define NPAGES 64u
#define NREAD 16u

int main(void)
{
    uint8_t *base = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    volatile uint8_t *p = base;

    /* Step 2: zero-page read faults. */
    unsigned read_sum = 0;
    for (unsigned i = 0; i < NREAD; i++)
        read_sum += p[i * PAGE + 100];

    /* Step 3: one write per page (COW of the zero page, then demand-zero). */
    for (unsigned i = 0; i < NPAGES; i++)
        p[i * PAGE] = (uint8_t)(i + 1);

    /* Step 4: read back; the written byte must be there and the rest of
     * the page (sampled) still zero. */
    unsigned bad = 0, sum = 0;
    for (unsigned i = 0; i < NPAGES; i++) {
        bad += p[i * PAGE] != (uint8_t)(i + 1);
        bad += p[i * PAGE + 100] != 0;
        bad += p[i * PAGE + PAGE - 1] != 0;
        sum += p[i * PAGE];
    }

    printf("read %u pages before writing: byte sum %u\n", NREAD, read_sum);
    printf("wrote %u pages: byte sum %u, bad bytes %u\n", NPAGES, sum, bad);
    if (munmap(base, NPAGES * PAGE) != 0) {
        perror("munmap");
        return 1;
    }
    printf("%s\n", bad == 0 && read_sum == 0 ? "ok" : "FAILED");
    return bad == 0 && read_sum == 0 ? 0 : 1;
}
