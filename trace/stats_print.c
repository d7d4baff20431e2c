/*
 * stats_print.c — the counters of a run as `perf stat` prints them
 * (stats_print.h).
 */
#include <stdio.h>
#include <string.h>
#include "trace/stats_print.h"

static const struct timing_stat *find(const struct timing_stat *s, unsigned n, const char *name)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(s[i].name, name))
            return &s[i];
    return NULL;
}

/* "# 3.12% of l1d accesses" after a .misses line, "# per instruction" etc. */
static void annotate(const struct timing_stat *all, unsigned n, const struct timing_stat *s, FILE *out)
{
    const char *dot = strrchr(s->name, '.');
    if (dot && !strcmp(dot, ".misses")) {
        char hits[40];
        snprintf(hits, sizeof hits, "%.*s.hits", (int)(dot - s->name), s->name);
        const struct timing_stat *h = find(all, n, hits);
        double lookups = (h ? h->value : 0) + s->value;
        if (lookups > 0)
            fprintf(out, "  #  %6.2f%% of %.*s lookups", 100.0 * s->value / lookups,
                    (int)(dot - s->name), s->name);
    } else if (!strcmp(s->name, "cycles") || !strcmp(s->name, "walk_cycles") ||
               !strcmp(s->name, "fault_cycles") || !strcmp(s->name, "syscall_cycles")) {
        const struct timing_stat *c = find(all, n, "cycles");
        if (c && c->value > 0 && s != c)
            fprintf(out, "  #  %6.2f%% of cycles", 100.0 * s->value / c->value);
    }
}

void stats_print(const struct timing_stat *all, unsigned n, FILE *out)
{
    stats_print_titled(all, n, NULL, out);
}

void stats_print_titled(const struct timing_stat *all, unsigned n, const char *title, FILE *out)
{
    fprintf(out, "\n Performance counter stats (modelled%s%s):\n\n", title ? ", " : "",
            title ? title : "");
    for (unsigned i = 0; i < n; i++) {
        const struct timing_stat *s = &all[i];
        if (!strcmp(s->name, "cpi"))
            fprintf(out, "%20.3f      %-22s", s->value, s->name);
        else
            fprintf(out, "%20.0f      %-22s", s->value, s->name);
        annotate(all, n, s, out);
        fputc('\n', out);
    }
    fputc('\n', out);
}
