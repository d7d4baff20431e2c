/*
 * test_events_file.c — events files (trace/events_file.h): a file in the
 * canonical form loads and writes back to the same bytes (every value type:
 * bare and quoted text with escapes and UTF-8, hex and decimal integers, a
 * PAE entry with bit 63 set, reals, blobs, NULL as a left-out field), the
 * kernel selection survives a load, and every kind of bad input is refused
 * with one line naming the file and the line.
 */
#include "tests/unit/check.h"
#include "trace/events_file.h"
#include "trace/schema.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[] = "/tmp/test_events_file.XXXXXX.events";

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

/* Load text, write it back with sel: the bytes (malloc'd), or NULL. */
static char *roundtrip(const char *text, enum events_select sel)
{
    sqlite3 *db;
    char err[512], *buf = NULL;
    size_t len = 0;
    write_file(text);
    if (events_load(path, &db, err, sizeof err)) {
        fprintf(stderr, "load: %s\n", err);
        return NULL;
    }
    FILE *out = open_memstream(&buf, &len);
    if (events_write(db, sel, out, err, sizeof err))
        fprintf(stderr, "write: %s\n", err);
    fclose(out);
    events_close(db);
    return buf;
}

#define HEADER_ALL    "memsim-events format=1 schema_version=" TRACE_SCHEMA_VERSION " select=all\n"
#define HEADER_KERNEL "memsim-events format=1 schema_version=" TRACE_SCHEMA_VERSION " select=kernel\n"
#define RUN "run id=1 program=./a args=\"./a two\\twords \\\"q\\\" \\\\ \\xc3\\xa9\" " \
            "sha256=\"00ff\" exit_status=0 epoch=0 ram=268435456 paging=\"2level\"\n"

static const char canonical[] =
    HEADER_ALL
    "meta key=note value=\"\"\n"
    RUN
    "input run=1 kind=argv idx=0 value=./a\n"
    "input run=1 kind=envp idx=0 value=x=1\n"
    "input run=1 kind=auxv idx=0 a_type=6 a_val=0x00001000\n"
    "row table=stats pid=1000 name=cycles value=12\n"
    "row table=stats pid=1000 name=huge value=9223372036854775807\n"
    "seq=1 table=allocations cycle=5 allocator=bootmem op=reserve ord=0 pfn=0 zone=DMA purpose=firmware cause=0\n"
    "seq=3 table=translations cycle=9 pid=1000 vaddr=0x08048000 access=fetch user=1 levels=3"
    " l1_addr=0x01000000 l1_val=0x00000001 l2_addr=0x01001000 l2_val=0x01002067"
    " l3_addr=0x01002000 l3_val=0x8000000001003025 paddr=0x01003000 result=ok cause=0\n"
    "seq=4 table=translations pid=1000 vaddr=0x00000000 access=read user=0 levels=1 result=fault error_code=0 cause=2\n"
    "seq=5 table=faults pid=1000 eip=0x08048000 address=0x0804a000 error_code=4 access=read kind=anon"
    " resolution=zero-page pfn=64513 cause=0 begin_seq=4\n"
    "seq=6 table=segments pid=1000 eip=0x08048010 seg=gs selector=51 offset=0 size=4"
    " linear=0xb7ff0000 base=0xb7ff0000 seg_limit=0x000fffff access=read result=ok cause=0\n"
    "seq=7 table=syscalls pid=1000 nr=45 name=brk arg0=0x00000000 arg1=0xffffffff ret=-12 cause=0 enter_seq=6\n"
    "seq=8 table=vmas pid=1000 op=map start=0x08048000 stop=0x08049000 prot=5 prot_str=r-x flags=117 name=\"\" cause=0\n"
    "seq=8 table=tlb_flushes pid=1000 kind=cr3 cr3=0x0fc05000 cause=0\n";

/* A schema-7 file (what users have): it loads, with schema 7's REAL stats
 * and its boot allocator's old name (memblock), and exports back to the
 * same bytes, its own schema_version in the header (replay refuses it:
 * replay/divergence). */
static const char schema7[] =
    "memsim-events format=1 schema_version=7 select=all\n"
    RUN
    "row table=stats pid=1000 name=cpi value=1.5\n"
    "row table=stats pid=1000 name=cycles value=12.0\n"
    "row table=stats pid=1000 name=huge value=1e+300\n"
    "seq=1 table=allocations cycle=5 allocator=memblock op=reserve ord=0 pfn=0 zone=DMA purpose=firmware cause=0\n"
    "seq=7 table=syscalls pid=1000 nr=45 name=brk arg0=0x00000000 arg1=0xffffffff ret=-12 cause=0 enter_seq=6\n";

/* A schema-8 file: integer stats, memblock, purpose file, no gfp. */
static const char schema8[] =
    "memsim-events format=1 schema_version=8 select=all\n"
    RUN
    "row table=stats pid=1000 name=cycles value=12\n"
    "seq=1 table=allocations cycle=5 allocator=memblock op=reserve ord=0 pfn=0 zone=DMA purpose=firmware cause=0\n"
    "seq=2 table=allocations cycle=6 allocator=buddy op=alloc ord=0 pfn=7 zone=Normal purpose=file cause=0\n";

static void test_schema7(void)
{
    char *again = roundtrip(schema7, EVENTS_SELECT_ALL);
    CHECK_STR(again, schema7);
    free(again);
    again = roundtrip(schema8, EVENTS_SELECT_ALL);
    CHECK_STR(again, schema8);
    free(again);
}

static void test_roundtrip(void)
{
    char *all = roundtrip(canonical, EVENTS_SELECT_ALL);
    /* seq 8 twice: tables in name order, tlb_flushes before vmas */
    const char *vma = strstr(canonical, "seq=8 table=vmas"), *flush = strstr(canonical, "seq=8 table=tlb");
    char *want = malloc(sizeof canonical);
    size_t head = (size_t)(vma - canonical);
    memcpy(want, canonical, head);
    strcpy(want + head, flush);
    memcpy(want + head + strlen(flush), vma, (size_t)(flush - vma));
    want[sizeof canonical - 1] = '\0';
    CHECK(all != NULL);
    CHECK_STR(all, want);

    /* The kernel selection: no cycle, stats or segments, no uncaused walk;
     * once loaded, a file of the kernel selection stays one. */
    char *kernel = roundtrip(canonical, EVENTS_SELECT_KERNEL);
    CHECK(kernel && !strstr(kernel, "cycle=") && !strstr(kernel, "stats") &&
          !strstr(kernel, "segments") && !strstr(kernel, "seq=3 ") && strstr(kernel, "seq=4 "));
    CHECK(kernel && !strncmp(kernel, HEADER_KERNEL, strlen(HEADER_KERNEL)));
    char *again = kernel ? roundtrip(kernel, EVENTS_SELECT_ALL) : NULL;
    CHECK_STR(again, kernel);

    /* Decimal where hex is written, hex where decimal is: the same values. */
    char *loose = roundtrip(HEADER_ALL RUN "seq=2 table=tlb_flushes pid=0x3e8 kind=all cr3=264261632\n",
                            EVENTS_SELECT_ALL);
    CHECK(loose && strstr(loose, "seq=2 table=tlb_flushes pid=1000 kind=all cr3=0x0fc05000 \n") == NULL);
    CHECK(loose && strstr(loose, "seq=2 table=tlb_flushes pid=1000 kind=all cr3=0x0fc05000\n"));
    free(all);
    free(want);
    free(kernel);
    free(again);
    free(loose);
}

struct bad {
    const char *text;
    unsigned line;
    const char *says;
};

static const struct bad bad_inputs[] = {
    { "", 0, "empty file" },
    { "hello world\n", 1, "not a memsim events file" },
    { "memsim-events format=2 schema_version=" TRACE_SCHEMA_VERSION " select=all\n", 1, "unsupported events format" },
    { "memsim-events format=1 schema_version=5 select=all\n", 1, "schema_version is not supported" },
    { "memsim-events format=1 schema_version=13 select=all\n", 1, "reads 7 to 12" },
    { HEADER_ALL "row table=stats pid=1 name=cpi value=1.5\n", 2, "INTEGER column given a real" },
    { HEADER_ALL "seq=1 table=faults pid=1 kind=huge\n", 2, "CHECK constraint failed" },
    { "memsim-events format=1 schema_version=" TRACE_SCHEMA_VERSION "\n", 1, "exactly format=" },
    { "memsim-events format=1 schema_version=" TRACE_SCHEMA_VERSION " select=some\n", 1, "select=some" },
    { HEADER_ALL RUN "seq=3 table=nosuch pid=1\n", 3, "unknown table 'nosuch'" },
    { HEADER_ALL RUN "seq=3 table=faults pid=1 colour=red\n", 3, "unknown field 'colour'" },
    { HEADER_ALL RUN "seq=3 table=faults pid=1 pid=2\n", 3, "given twice" },
    { HEADER_ALL RUN "seq=3 table=faults pid=12x\n", 3, "malformed number" },
    { HEADER_ALL RUN "seq=3 table=faults kind=\"anon\n", 3, "unterminated" },
    { HEADER_ALL RUN "seq=3 table=faults kind=\"a\\qb\"\n", 3, "bad escape" },
    { HEADER_ALL RUN "seq=3 table=faults kind=x'0g'\n", 3, "malformed blob" },
    { HEADER_ALL RUN "seq=3 table=faults kind=\n", 3, "empty value" },
    { HEADER_ALL RUN "seq=3 table=faults kind=anon junk\n", 3, "malformed field" },
    { HEADER_ALL RUN "seq=3 table=faults kind=\"a\"b\n", 3, "junk after the value" },
    { HEADER_ALL RUN "seq=5 table=faults pid=1\nseq=4 table=faults pid=1\n", 4, "seq order" },
    { HEADER_ALL RUN "seq=5 table=faults pid=1\nseq=5 table=faults pid=1\n", 4, "UNIQUE" },
    { HEADER_ALL RUN "seq=5 pid=1 table=faults\n", 3, "starts 'seq=N table=T'" },
    { HEADER_ALL RUN "seq=5 table=stats pid=1\n", 3, "no seq column" },
    { HEADER_ALL RUN "row table=faults pid=1\n", 3, "event table" },
    { HEADER_ALL RUN "row table=runs id=2\n", 3, "its own line kind" },
    { HEADER_ALL RUN "event seq=1\n", 3, "unknown line kind 'event'" },
    { HEADER_ALL RUN "seq=3 table=faults pid=one\n", 3, "INTEGER column given text" },
    { HEADER_ALL RUN "seq=3 table=faults kind=7\n", 3, "TEXT column given an integer" },
    { HEADER_ALL "meta key=schema_version value=\"7\"\n", 2, "UNIQUE" },
};

static void test_bad_input(void)
{
    for (size_t i = 0; i < sizeof bad_inputs / sizeof bad_inputs[0]; i++) {
        const struct bad *b = &bad_inputs[i];
        sqlite3 *db = (sqlite3 *)1;
        char err[512], want[600];
        write_file(b->text);
        CHECK(events_load(path, &db, err, sizeof err) == -1);
        CHECK(db == NULL);
        snprintf(want, sizeof want, "%s:%u: ", path, b->line);
        if (strncmp(err, want, strlen(want)) || !strstr(err, b->says) || strchr(err, '\n')) {
            fprintf(stderr, "case %zu: got \"%s\", want \"%s...%s\"\n", i, err, want, b->says);
            CHECK(0);
        }
    }
    sqlite3 *db;
    char err[512];
    CHECK(events_load("/nonexistent/x.events", &db, err, sizeof err) == -1);
    CHECK(strstr(err, "/nonexistent/x.events: ") == err);
    CHECK(events_load("/tmp", &db, err, sizeof err) == -1);
    CHECK(strstr(err, "not a regular file") != NULL);
}

int main(void)
{
    int fd = mkstemps(path, 7);
    if (fd < 0)
        return 1;
    close(fd);
    test_roundtrip();
    test_schema7();
    test_bad_input();
    unlink(path);
    return CHECK_DONE();
}
