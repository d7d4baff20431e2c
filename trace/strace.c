/*
 * strace.c — a run's system calls, printed as strace prints them.
 */
#include <string.h>
#include "kernel-model/sched.h"
#include "kernel-model/syscalls.h"
#include "trace/strace.h"

#define AT_FDCWD_ 0xffffff9cu

void strace_init(struct strace *s, FILE *out)
{
    memset(s, 0, sizeof *s);
    s->out = out;
}

/* A string as strace quotes it: C escapes, at most STRACE_STR_MAX bytes,
 * "..." after a cut one. */
static void quote(char *dst, const uint8_t *src, uint32_t len)
{
    static const char hex[] = "0123456789abcdef";
    char *p = dst;
    uint32_t n = len && !src[len - 1] ? len - 1 : len;      /* without its NUL */
    *p++ = '"';
    for (uint32_t i = 0; i < n; i++) {
        uint8_t c = src[i];
        if (p - dst >= STRACE_STR_MAX) {
            strcpy(p, "\"...");
            return;
        }
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c == '\n') {
            *p++ = '\\';
            *p++ = 'n';
        } else if (c == '\t') {
            *p++ = '\\';
            *p++ = 't';
        } else if (c < 0x20 || c >= 0x7f) {
            *p++ = '\\';
            *p++ = 'x';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        } else {
            *p++ = (char)c;
        }
    }
    strcpy(p, "\"");
}

static const char *string_at(const struct strace *s, uint32_t addr)
{
    for (unsigned i = 0; i < s->nstr; i++)
        if (s->str_addr[i] == addr)
            return s->str[i];
    return NULL;
}

static void put_arg(const struct strace *s, enum syscall_arg kind, uint32_t v)
{
    const char *str;
    switch (kind) {
    case SA_INT:
        fprintf(s->out, "%d", (int32_t)v);
        break;
    case SA_FD:
        if (v == AT_FDCWD_)
            fputs("AT_FDCWD", s->out);
        else
            fprintf(s->out, "%d", (int32_t)v);
        break;
    case SA_UINT: case SA_SIZE:
        fprintf(s->out, "%u", v);
        break;
    case SA_FLAGS:
        fprintf(s->out, "%#x", v);
        break;
    case SA_STR:
        if ((str = string_at(s, v))) {
            fputs(str, s->out);
            break;
        }
        /* not read (a bad pointer, or the call failed first): its address */
        __attribute__((fallthrough));
    default:
        if (v)
            fprintf(s->out, "0x%08x", v);
        else
            fputs("NULL", s->out);
        break;
    }
}

static int named(const struct syscall_entry *e, const char *const *names)
{
    for (; e && e->name && *names; names++)
        if (!strcmp(e->name, *names))
            return 1;
    return 0;
}

/* The result: an error as -1 ENAME (message); an address in hex for the
 * calls that return one; "?" for the calls that do not return, and for a
 * call the task died in (returned 0). */
static void put_result(const struct strace *s, const struct syscall_entry *e, int32_t ret,
                       int returned)
{
    static const char *const no_return[] = { "exit", "exit_group", NULL };
    static const char *const address[] = { "brk", "mmap", "mmap2", "mremap", "shmat", NULL };
    if (!returned || named(e, no_return)) {
        fputc('?', s->out);
    } else if (ret < 0 && ret >= -4095) {
        const char *name = strerrorname_np(-ret);
        if (name)
            fprintf(s->out, "-1 %s (%s)", name, strerror(-ret));
        else
            fprintf(s->out, "-1 errno %d", -ret);
    } else if (named(e, address)) {
        fprintf(s->out, "0x%08x", (uint32_t)ret);
    } else {
        fprintf(s->out, "%d", ret);
    }
}

static void print_call(struct strace *s, const struct syscall_event *c, int returned)
{
    const struct syscall_entry *e = syscall_entry(c->nr);
    unsigned nargs = e && e->name ? e->nargs : 6;
    if (e && e->name)
        fprintf(s->out, "%s(", e->name);
    else
        fprintf(s->out, "syscall_%u(", c->nr);
    for (unsigned i = 0; i < nargs && i < 6; i++) {
        if (i)
            fputs(", ", s->out);
        put_arg(s, e && e->name ? (enum syscall_arg)e->arg[i] : SA_UINT, c->args[i]);
    }
    fputs(") = ", s->out);
    put_result(s, e, c->ret, returned);
    fputc('\n', s->out);
}

void strace_consume(void *ctx, const struct event *ev)
{
    struct strace *s = ctx;
    switch (ev->type) {
    case EV_SYSCALL_ENTER:
        s->in_call = 1;
        s->call = ev->u.syscall;
        s->nstr = 0;
        break;
    case EV_UACCESS: {
        const struct uaccess_event *u = &ev->u.uaccess;
        if (s->in_call && u->dir == UA_STRING && u->data && !u->result && s->nstr < 6) {
            s->str_addr[s->nstr] = u->addr;
            quote(s->str[s->nstr++], u->data, u->len);
        }
        break;
    }
    case EV_SYSCALL_EXIT:
        if (s->in_call)                 /* else printed when the task died in it */
            print_call(s, &ev->u.syscall, 1);
        s->in_call = 0;
        break;
    case EV_PROCESS_EXIT:
        /* the task died inside a call (exit_group, a kill while blocked):
         * the call first, unfinished, as strace prints it */
        if (s->in_call)
            print_call(s, &s->call, 0);
        s->in_call = 0;
        /* the status as the shell sees it: 128 + the signal that killed it */
        if (ev->u.proc.status > 128 && ev->u.proc.status < 128 + 65)
            fprintf(s->out, "+++ killed by %s +++\n", signal_name(ev->u.proc.status - 128));
        else
            fprintf(s->out, "+++ exited with %d +++\n", ev->u.proc.status);
        break;
    default:
        break;
    }
}
