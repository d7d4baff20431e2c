/*
 * scratch.h — for the samples that work on a scratch tree given as
 * argv[1] (overlay_files, writable_root): names inside it, and one
 * result line per call.  Header-only; each sample sets `base`.
 */
#ifndef MEMSIM_SAMPLES_SCRATCH_H
#define MEMSIM_SAMPLES_SCRATCH_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *base;

/* base/name, in one of four rotating buffers (a call may take two). */
static const char *in(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", base, name);
    return buf[k];
}

/* "what   0" or "what   <strerror(errno)>" for a call's result r. */
static void result(const char *what, long r)
{
    printf("%-36s %s\n", what, r >= 0 ? "0" : strerror(errno));
}

#endif
