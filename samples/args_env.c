/*
 * args_env.c — the initial process stack: argc, argv and envp.
 *
 * The loader builds the stack the kernel way: argc, argv[] pointers, NULL,
 * envp[] pointers, NULL, the auxiliary vector, then the strings themselves.
 * This prints argc, argv[1..] (argv[0] only by its basename, since the path
 * differs between runs) and the value of MEMSIM_TEST_VAR, which the tests set
 * (it prints "(unset)" otherwise).  It also walks envp to its NULL terminator
 * and checks it meets getenv(), but does not print the count: the host
 * environment is not deterministic.
 *
 * Expected: deterministic given the same arguments and MEMSIM_TEST_VAR; exit 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv, char **envp)
{
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    printf("argc = %d\n", argc);
    printf("argv[0] basename = %s\n", base);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");

    /* envp must be the array getenv() searches. */
    const char *found = NULL;
    for (char **e = envp; *e; e++)
        if (strncmp(*e, "MEMSIM_TEST_VAR=", 16) == 0)
            found = *e + 16;
    const char *v = getenv("MEMSIM_TEST_VAR");
    printf("MEMSIM_TEST_VAR = %s\n", v ? v : "(unset)");
    printf("envp agrees with getenv: %s\n", found == v ? "yes" : "no");
    return found == v ? 0 : 1;
}
