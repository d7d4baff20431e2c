/*
 * seq_file.c — the text of a /proc file as it is rendered (Linux's
 * seq_file: a growing buffer, seq_printf/seq_putc/seq_write, and
 * seq_setwidth/seq_pad for maps' name column).  Contract: procfs.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel-model/procfs.h"

int seq_reserve(struct seq_file *m, size_t more)
{
    if (m->failed)
        return -1;
    if (m->count + more + 1 <= m->size)
        return 0;
    size_t size = m->size ? m->size : 4096;
    while (size < m->count + more + 1)
        size *= 2;
    char *b = realloc(m->buf, size);
    if (!b) {
        m->failed = 1;
        return -1;
    }
    m->buf = b;
    m->size = size;
    return 0;
}

void seq_write(struct seq_file *m, const void *data, size_t len)
{
    if (seq_reserve(m, len) == 0) {
        memcpy(m->buf + m->count, data, len);
        m->count += len;
    }
}

void seq_putc(struct seq_file *m, char c) { seq_write(m, &c, 1); }

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || seq_reserve(m, (size_t)n) < 0)
        return;
    va_start(ap, fmt);
    vsnprintf(m->buf + m->count, (size_t)n + 1, fmt, ap);
    va_end(ap);
    m->count += (size_t)n;
}

void seq_setwidth(struct seq_file *m, size_t width) { m->pad_until = m->count + width; }

void seq_pad(struct seq_file *m, char c)
{
    while (m->count < m->pad_until && !m->failed)
        seq_putc(m, ' ');
    if (c)
        seq_putc(m, c);
}
