/*
 * cpu_config.c — the `key = value` config file: parsing and printing
 * (contract in cpu_config.h; the presets are in cpu_presets.c, the rules in
 * cpu_validate.c).
 *
 * Every key is one row of a table: a section ("l1d"), a field ("ways"),
 * how its value is spelled and where it lives in struct cpu_config.  The
 * parser, the printer and the error messages all walk that table, so a key
 * cannot be printed without being loadable or loadable without being
 * listed in "valid: ..." messages.
 *
 * cpu_config_load works on a copy and stores it only when the whole file
 * parsed and the result validated: a bad file leaves the caller's
 * configuration as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "common/errmsg.h"
#include "mmu/cpu_config.h"
#include "mmu/cpu_config_internal.h"

/* Append to buf at *n, never past len (snprintf-style truncation). */
static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
    va_list ap;

    if (*n >= len)
        return;
    va_start(ap, fmt);
    *n += (size_t)vsnprintf(buf + *n, len - *n, fmt, ap);
    va_end(ap);
}

/* ---- the key table ------------------------------------------------------ */



static const struct field tlb_fields[] = {
    { "entries",     V_U32,  TLB_F(entries) },
    { "ways",        V_U32,  TLB_F(ways) },
    { "latency",     V_U32,  TLB_F(latency) },
    { "replacement", V_REPL, TLB_F(repl) },
    { NULL, 0, 0 }
};

static const struct field cache_fields[] = {
    { "size",        V_SIZE, CACHE_F(size) },
    { "ways",        V_U32,  CACHE_F(ways) },
    { "line",        V_U32,  CACHE_F(line) },
    { "latency",     V_U32,  CACHE_F(latency) },
    { "replacement", V_REPL, CACHE_F(repl) },
    { NULL, 0, 0 }
};

static const struct field dram_fields[] = {
    { "latency", V_U32, CPU_F(dram_latency) },
    { NULL, 0, 0 }
};

const struct field cpu_cost_fields[] = {
    { "alu",        V_U32, CPU_F(insn_cost[INSN_ALU]) },
    { "mul",        V_U32, CPU_F(insn_cost[INSN_MUL]) },
    { "div",        V_U32, CPU_F(insn_cost[INSN_DIV]) },
    { "branch",     V_U32, CPU_F(insn_cost[INSN_BRANCH]) },
    { "fp",         V_U32, CPU_F(insn_cost[INSN_FP]) },
    { "simd",       V_U32, CPU_F(insn_cost[INSN_SIMD]) },
    { "string",     V_U32, CPU_F(insn_cost[INSN_STRING]) },
    { "system",     V_U32, CPU_F(insn_cost[INSN_SYSTEM]) },
    { "page_fault", V_U32, CPU_F(page_fault_cost) },
    { "syscall",    V_U32, CPU_F(syscall_cost) },
    { "page_zero",  V_U32, CPU_F(page_zero_cost) },
    { "page_copy",  V_U32, CPU_F(page_copy_cost) },
    { NULL, 0, 0 }
};

static const struct field cpu_fields[] = {
    { "hz", V_U64, CPU_F(hz) },
    { NULL, 0, 0 }
};

static const struct section sections[] = {
    { "itlb",      tlb_fields,   CPU_F(itlb) },
    { "dtlb",      tlb_fields,   CPU_F(dtlb) },
    { "stlb",      tlb_fields,   CPU_F(stlb) },
    { "pde_cache", tlb_fields,   CPU_F(pde_cache) },
    { "l1i",       cache_fields, CPU_F(l1i) },
    { "l1d",       cache_fields, CPU_F(l1d) },
    { "l2",        cache_fields, CPU_F(l2) },
    { "llc",       cache_fields, CPU_F(llc) },
    { "dram",      dram_fields,  0 },
    { "cost",      cpu_cost_fields,  0 },
    { "cpu",       cpu_fields,   0 },
};

#define NR_SECTIONS (sizeof sections / sizeof sections[0])

static const char *const repl_names[] = {
    [REPL_LRU] = "lru", [REPL_FIFO] = "fifo", [REPL_RANDOM] = "random",
};

static void *field_ptr(struct cpu_config *c, const struct section *s, const struct field *f)
{
    return (char *)c + s->off + f->off;
}

static const void *field_cptr(const struct cpu_config *c, const struct section *s,
                              const struct field *f)
{
    return (const char *)c + s->off + f->off;
}

/* "l1d.size, l1d.ways, ..." for one section. */
static void section_keys(const struct section *s, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (const struct field *f = s->fields; f->name; f++)
        append(buf, len, &n, "%s%s.%s", f == s->fields ? "" : ", ", s->name, f->name);
}

/*
 * Every key, sections that share a field list grouped:
 * "{itlb,dtlb,stlb,pde_cache}.{entries,ways,latency,replacement}, ...".
 * Fifty keys spelled out would not fit the CLI's error buffer.
 */
static void all_keys(char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0, j; i < NR_SECTIONS; i = j + 1) {
        const struct field *f = sections[i].fields;

        for (j = i; j + 1 < NR_SECTIONS && sections[j + 1].fields == f; j++)
            ;
        append(buf, len, &n, "%s", n ? ", " : "");
        if (j > i)
            for (size_t k = i; k <= j; k++)
                append(buf, len, &n, "%s%s%s", k == i ? "{" : ",", sections[k].name,
                       k == j ? "}" : "");
        else
            append(buf, len, &n, "%s", sections[i].name);
        if (!f[1].name) {
            append(buf, len, &n, ".%s", f->name);
            continue;
        }
        for (const struct field *g = f; g->name; g++)
            append(buf, len, &n, "%s%s%s", g == f ? ".{" : ",", g->name, g[1].name ? "" : "}");
    }
}

/* ---- parsing ------------------------------------------------------------ */

enum parse_result { PARSE_OK, PARSE_NOT_NUMBER, PARSE_RANGE };

/* Decimal or 0x hex, no sign, nothing after it; *end gets the first
 * character after the digits (the caller decides what may follow). */
static enum parse_result parse_digits(const char *s, uint64_t *out, const char **end)
{
    unsigned base = 10;
    uint64_t v = 0;
    const char *p = s;
    int any = 0, over = 0;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    for (;; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9')
            d = (unsigned)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (unsigned)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (unsigned)(*p - 'A' + 10);
        else
            break;
        if (v > (UINT64_MAX - d) / base)
            over = 1;
        else
            v = v * base + d;
        any = 1;
    }
    *end = p;
    if (!any)
        return PARSE_NOT_NUMBER;
    *out = v;
    return over ? PARSE_RANGE : PARSE_OK;
}

static enum parse_result parse_number(const char *s, uint64_t max, uint64_t *out)
{
    const char *end;
    enum parse_result r = parse_digits(s, out, &end);

    if (r == PARSE_NOT_NUMBER || *end)
        return PARSE_NOT_NUMBER;
    return r == PARSE_OK && *out <= max ? PARSE_OK : PARSE_RANGE;
}

/* Bytes, or a number followed by K or M (KiB, KB, MiB, MB: the same). */
static enum parse_result parse_size(const char *s, uint64_t *out)
{
    const char *end;
    uint64_t unit = 1;
    enum parse_result r = parse_digits(s, out, &end);

    if (r == PARSE_NOT_NUMBER)
        return r;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end == 'K' || *end == 'k')
        unit = KiB;
    else if (*end == 'M' || *end == 'm')
        unit = MiB;
    if (unit != 1) {
        end++;
        if (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)
            end += strlen(end);
    }
    if (*end)
        return PARSE_NOT_NUMBER;
    if (r == PARSE_RANGE || *out > UINT32_MAX / unit)
        return PARSE_RANGE;
    *out *= unit;
    return PARSE_OK;
}

/* Store value (already trimmed) into the field, or explain why not. */
static int set_field(struct cpu_config *c, const struct section *s, const struct field *f,
                     const char *value, char *err, size_t errlen)
{
    void *p = field_ptr(c, s, f);
    uint64_t v = 0;
    uint32_t v32;
    enum parse_result r;

    switch (f->type) {
    case V_REPL:
        for (size_t i = 0; i < sizeof repl_names / sizeof repl_names[0]; i++) {
            if (strcmp(value, repl_names[i]) == 0) {
                enum cache_repl repl = (enum cache_repl)i;
                memcpy(p, &repl, sizeof repl);
                return 0;
            }
        }
        set_err(err, errlen, "%s.%s: '%s' (valid: lru, fifo, random)", s->name, f->name, value);
        return -1;
    case V_U64:
        r = parse_number(value, UINT64_MAX, &v);
        if (r == PARSE_OK) {
            memcpy(p, &v, sizeof v);
            return 0;
        }
        break;
    case V_SIZE:
        r = parse_size(value, &v);
        if (r == PARSE_NOT_NUMBER) {
            set_err(err, errlen, "%s.%s: '%s' is not a size (bytes, or a number with K or M)",
                    s->name, f->name, value);
            return -1;
        }
        if (r == PARSE_RANGE) {
            set_err(err, errlen, "%s.%s: '%s' is out of range (at most 4294967295 bytes)",
                    s->name, f->name, value);
            return -1;
        }
        v32 = (uint32_t)v;
        memcpy(p, &v32, sizeof v32);
        return 0;
    case V_U32:
    default:
        r = parse_number(value, UINT32_MAX, &v);
        if (r == PARSE_OK) {
            v32 = (uint32_t)v;
            memcpy(p, &v32, sizeof v32);
            return 0;
        }
        break;
    }
    if (r == PARSE_NOT_NUMBER)
        set_err(err, errlen, "%s.%s: '%s' is not a number", s->name, f->name, value);
    else
        set_err(err, errlen, "%s.%s: '%s' is out of range (at most %" PRIu64 ")", s->name,
                f->name, value, f->type == V_U64 ? UINT64_MAX : (uint64_t)UINT32_MAX);
    return -1;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' || *s == '\f')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n' ||
                     e[-1] == '\v' || e[-1] == '\f'))
        *--e = '\0';
    return s;
}

/* Find key; on failure explain, listing the keys that would have worked. */
static int find_key(const char *key, const struct section **sp, const struct field **fp,
                    char *err, size_t errlen)
{
    const char *dot = strchr(key, '.');
    char list[512];

    for (const struct section *s = sections; dot && s < sections + NR_SECTIONS; s++) {
        if (strlen(s->name) != (size_t)(dot - key) || strncmp(key, s->name, (size_t)(dot - key)))
            continue;
        for (const struct field *f = s->fields; f->name; f++) {
            if (strcmp(dot + 1, f->name) == 0) {
                *sp = s;
                *fp = f;
                return 0;
            }
        }
        section_keys(s, list, sizeof list);
        set_err(err, errlen, "unknown key '%s' (valid: %s)", key, list);
        return -1;
    }
    all_keys(list, sizeof list);
    set_err(err, errlen, "unknown key '%s' (valid: %s)", key, list);
    return -1;
}

/* One line: blank, comment, or key = value.  0, or -1 with the reason. */
static int parse_line(struct cpu_config *c, char *line, int *key_line, int lineno,
                      char *err, size_t errlen)
{
    char *hash = strchr(line, '#'), *eq, *key, *value;
    const struct section *s;
    const struct field *f;

    if (hash)
        *hash = '\0';
    line = trim(line);
    if (!*line)
        return 0;
    eq = strchr(line, '=');
    if (!eq) {
        set_err(err, errlen, "expected 'key = value', got '%s'", line);
        return -1;
    }
    *eq = '\0';
    key = trim(line);
    value = trim(eq + 1);
    if (!*key) {
        set_err(err, errlen, "missing key before '='");
        return -1;
    }
    if (find_key(key, &s, &f, err, errlen))
        return -1;
    if (!*value) {
        set_err(err, errlen, "%s: missing value", key);
        return -1;
    }
    if (set_field(c, s, f, value, err, errlen))
        return -1;
    key_line[s->off + f->off] = lineno;
    return 0;
}

/* The latest line that set any of the blamed fields, or 0. */
static int blamed_line(const struct blame *b, const int *key_line)
{
    int line = 0;

    for (int i = 0; i < b->n; i++)
        if (key_line[b->off[i]] > line)
            line = key_line[b->off[i]];
    return line;
}

/*
 * The whole file at path, NUL-terminated, in *buf (*len bytes).  Only a
 * regular file of at most CPU_CONFIG_MAX_BYTES is read: /dev/zero would grow
 * memsim without end and a FIFO nobody writes would block it, so the file is
 * opened non-blocking and checked before the first read.
 */
static int read_config_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    ssize_t n = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

    *buf = NULL;
    if (fd < 0) {
        set_err(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s: %s", path, S_ISDIR(st.st_mode) ? "is a directory"
                : "not a regular file (a CPU config must be a file of key = value lines)");
        close(fd);
        return -1;
    }
    if (st.st_size > CPU_CONFIG_MAX_BYTES ||
        !(*buf = malloc(CPU_CONFIG_MAX_BYTES + 2))) {
        set_err(err, errlen, "%s: larger than %u bytes", path, CPU_CONFIG_MAX_BYTES);
        close(fd);
        return -1;
    }
    for (ssize_t r; (size_t)n <= CPU_CONFIG_MAX_BYTES; n += r) {   /* it may grow meanwhile */
        r = read(fd, *buf + n, CPU_CONFIG_MAX_BYTES + 1 - (size_t)n);
        if (r == 0)
            break;
        if (r < 0) {
            set_err(err, errlen, "%s: %s", path, strerror(errno));
            n = -1;
            break;
        }
    }
    close(fd);
    if (n > CPU_CONFIG_MAX_BYTES)
        set_err(err, errlen, "%s: larger than %u bytes", path, CPU_CONFIG_MAX_BYTES);
    if (n < 0 || n > CPU_CONFIG_MAX_BYTES) {
        free(*buf);
        *buf = NULL;
        return -1;
    }
    (*buf)[n] = '\0';
    *len = (size_t)n;
    return 0;
}

/* Parse every line of text (len bytes) into tmp; 0, or -1 with "path:line: ...". */
static int parse_text(struct cpu_config *tmp, int *key_line, const char *path, char *text,
                      size_t len, char *err, size_t errlen)
{
    char reason[512];
    int lineno = 0;

    for (char *line = text, *end = text + len; line < end; ) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        char *stop = nl ? nl : end;

        lineno++;
        if ((size_t)(stop - line) > CPU_CONFIG_MAX_LINE) {
            set_err(err, errlen, "%s:%d: line longer than %u bytes", path, lineno,
                    CPU_CONFIG_MAX_LINE);
            return -1;
        }
        if (memchr(line, '\0', (size_t)(stop - line))) {
            set_err(err, errlen, "%s:%d: contains a NUL byte", path, lineno);
            return -1;
        }
        *stop = '\0';
        if (parse_line(tmp, line, key_line, lineno, reason, sizeof reason)) {
            set_err(err, errlen, "%s:%d: %s", path, lineno, reason);
            return -1;
        }
        line = stop + 1;
    }
    return 0;
}

int cpu_config_load(struct cpu_config *cfg, const char *path, char *err, size_t errlen)
{
    struct cpu_config tmp;
    int key_line[sizeof(struct cpu_config)] = { 0 };    /* by field offset */
    struct blame b = { .n = 0 };
    char reason[512], *text;
    size_t len;
    int rc;

    if (read_config_file(path, &text, &len, err, errlen))
        return -1;
    memcpy(&tmp, cfg, sizeof tmp);
    rc = parse_text(&tmp, key_line, path, text, len, err, errlen);
    free(text);
    if (rc)
        return rc;

    if (cpu_config_check(&tmp, reason, sizeof reason, &b)) {
        int at = blamed_line(&b, key_line);
        if (at)
            set_err(err, errlen, "%s:%d: %s", path, at, reason);
        else
            set_err(err, errlen, "%s: %s", path, reason);
        return -1;
    }
    memcpy(cfg, &tmp, sizeof tmp);
    return 0;
}

/* ---- printing ----------------------------------------------------------- */

static void print_value(FILE *out, const struct cpu_config *c, const struct section *s,
                        const struct field *f)
{
    const void *p = field_cptr(c, s, f);
    uint32_t v32;
    uint64_t v64;
    enum cache_repl repl;

    switch (f->type) {
    case V_REPL:
        memcpy(&repl, p, sizeof repl);
        if ((unsigned)repl <= REPL_RANDOM)
            fputs(repl_names[repl], out);
        else
            fprintf(out, "%d", (int)repl);      /* invalid: loading it fails loudly */
        break;
    case V_U64:
        memcpy(&v64, p, sizeof v64);
        fprintf(out, "%" PRIu64, v64);
        break;
    case V_SIZE:
        memcpy(&v32, p, sizeof v32);
        if (v32 && v32 % MiB == 0)
            fprintf(out, "%" PRIu32 "M", v32 / MiB);
        else if (v32 && v32 % KiB == 0)
            fprintf(out, "%" PRIu32 "K", v32 / KiB);
        else
            fprintf(out, "%" PRIu32, v32);
        break;
    case V_U32:
    default:
        memcpy(&v32, p, sizeof v32);
        fprintf(out, "%" PRIu32, v32);
        break;
    }
}

void cpu_config_print(const struct cpu_config *cfg, FILE *out)
{
    fprintf(out, "# memsim CPU configuration: %s\n", cfg->name);
    if (cfg->description[0])
        fprintf(out, "# %s\n", cfg->description);
    fputs("# Load with --cpu-config; every key is listed (docs/CPU_PRESETS.md).\n", out);
    for (const struct section *s = sections; s < sections + NR_SECTIONS; s++) {
        fputc('\n', out);
        for (const struct field *f = s->fields; f->name; f++) {
            fprintf(out, "%s.%s = ", s->name, f->name);
            print_value(out, cfg, s, f);
            fputc('\n', out);
        }
    }
}
