/*
 * level.c — trace levels (trace.h): which event tables a trace records.
 *
 * `--trace LIST` is a comma-separated union of level names; `default`,
 * `all` and `none` are sets, and `accesses` brings TRACE_LEVEL_REPLAY with
 * it (a stream replay re-drives those events among the accesses).  The canonical text (runs.trace_level) names a
 * set as `default`, `all` or `none` when it is one, else lists the levels
 * in bit order, so equal sets always read the same.
 */
#include <string.h>
#include "common/errmsg.h"
#include "trace/trace.h"

static const char *const level_names[TRACE_NR_LEVELS] = {
    "syscalls", "faults", "walks", "allocs", "vmas", "tlb", "segments", "snapshots", "accesses",
};

static const struct { const char *name; uint32_t mask; } level_sets[] = {
    { "default", TRACE_LEVEL_DEFAULT }, { "all", TRACE_LEVEL_ALL }, { "none", TRACE_LEVEL_NONE },
};

static int lookup(const char *name, size_t len, uint32_t *mask)
{
    for (unsigned i = 0; i < TRACE_NR_LEVELS; i++)
        if (strlen(level_names[i]) == len && !strncmp(name, level_names[i], len)) {
            *mask = 1u << i;
            return 0;
        }
    for (size_t i = 0; i < sizeof level_sets / sizeof *level_sets; i++)
        if (strlen(level_sets[i].name) == len && !strncmp(name, level_sets[i].name, len)) {
            *mask = level_sets[i].mask;
            return 0;
        }
    return -1;
}

int trace_level_parse(const char *list, uint32_t *mask, char *err, size_t errlen)
{
    uint32_t m = 0;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        uint32_t one;
        if (lookup(p, len, &one)) {
            set_err(err, errlen, "'%.*s' is not a trace level (expected a comma-separated "
                    "list of %s)", (int)len, p, TRACE_LEVEL_NAMES);
            return -1;
        }
        m |= one;
        if (one == TRACE_ACCESSES)      /* the stream needs what places it */
            m |= TRACE_LEVEL_REPLAY;
        if (!p[len])
            break;
        p += len + 1;
    }
    *mask = m;
    return 0;
}

void trace_level_text(uint32_t mask, char *buf, size_t len)
{
    size_t used = 0;
    mask &= TRACE_LEVEL_ALL;
    for (size_t i = 0; i < sizeof level_sets / sizeof *level_sets; i++)
        if (mask == level_sets[i].mask) {
            snprintf(buf, len, "%s", level_sets[i].name);
            return;
        }
    if (len)
        buf[0] = '\0';
    for (unsigned i = 0; i < TRACE_NR_LEVELS; i++)
        if (mask & (1u << i) && used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                                     level_names[i]);
}
