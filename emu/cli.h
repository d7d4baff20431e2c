/*
 * cli.h — the memsim command line's verbs (emu/main.c dispatches them):
 * each takes the verb's own argc/argv (argv[0] the verb) and returns the
 * process's exit status.  The trace verbs (cli_trace.c) read a TRACE, a
 * trace database or an events file; bad input is EXIT_BAD_INPUT with one
 * line on stderr.
 */
#ifndef MEMSIM_EMU_CLI_H
#define MEMSIM_EMU_CLI_H

#include <stdio.h>

#define EXIT_BAD_INPUT 2                /* not a trace, or a malformed events file */

/* The usage text (main.c). */
void usage(FILE *f);
/* 0 and one line on stderr when a file option's value looks like an option. */
int  file_value_ok(const char *opt, const char *value);

int cmd_query(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_proc(int argc, char **argv);

#endif
