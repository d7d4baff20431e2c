/*
 * strace.h — the system calls of a run as strace prints them, one line
 * each: `name(arg, ...) = result`, an error as `-1 ENOENT (No such file or
 * directory)`.  A sink of the event stream (common/event.h): it formats
 * what the events say and decides nothing.
 *
 * Arguments are printed by the kinds the syscall table gives them
 * (kernel-model/syscalls.h): a string argument as the string the kernel
 * read (the EV_UACCESS string events inside the call), a descriptor as a
 * number (AT_FDCWD by name), flags in hex, pointers as addresses (NULL for
 * 0), lengths and numbers in decimal.
 */
#ifndef MEMSIM_STRACE_H
#define MEMSIM_STRACE_H

#include <stdint.h>
#include <stdio.h>
#include "common/event.h"

#define STRACE_STR_MAX 32           /* bytes of a string shown, as strace -s 32 */

struct strace {
    FILE *out;
    int in_call;                    /* between a syscall enter and its exit */
    struct syscall_event call;      /* that enter's call (nr, args) */
    uint32_t str_addr[6];           /* strings read during the call ... */
    char str[6][STRACE_STR_MAX + 8];  /* ... as printed, quoted */
    unsigned nstr;
};

void strace_init(struct strace *s, FILE *out);
/* The sink (ctx: struct strace). */
void strace_consume(void *ctx, const struct event *ev);

#endif
