/*
 * hello.c — the smallest guest: one printf, exit status 0.
 *
 * Mechanism: ELF loading, the initial stack (argc/argv/envp/auxv), static
 * glibc start-up (TLS set-up through set_thread_area, brk probing for the
 * stdio buffer) and the write/exit_group system calls.  If this does not
 * print, nothing else will.
 *
 * Expected: "hello, world" on stdout, exit status 0.
 */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    return 0;
}
