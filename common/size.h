/*
 * size.h — a machine size on a command line ("64M", "1GiB", "4194304"):
 * memsim run --ram and memsim replay --ram read it the one way.
 */
#ifndef MEMSIM_COMMON_SIZE_H
#define MEMSIM_COMMON_SIZE_H

#include <stdint.h>

/* Decimal with an optional k/M/G (i, iB, B) suffix, 4 MiB .. 4 GiB, into
 * *out: 0, or -1 when s is no such size. */
int parse_size(const char *s, uint64_t *out);

#endif
