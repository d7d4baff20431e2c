/*
 * errmsg.h — the one way memsim's libraries report an error: a one-line
 * reason formatted into the caller's buffer (err may be NULL).  Header-only
 * so every module can use it without a link dependency.
 */
#ifndef MEMSIM_ERRMSG_H
#define MEMSIM_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

#endif
