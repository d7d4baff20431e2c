/*
 * cpu_config_internal.h — what the config loader and the validator share
 * (internal to mmu/).
 */
#ifndef MEMSIM_CPU_CONFIG_INTERNAL_H
#define MEMSIM_CPU_CONFIG_INTERNAL_H

#include <stddef.h>
#include "mmu/cpu_config.h"

/* A key of the config file: its spelling, value type and place. */
enum vtype {
    V_U32,          /* decimal or 0x hex */
    V_SIZE,         /* bytes, or a number with K or M */
    V_U64,
    V_REPL,         /* lru, fifo, random */
};

struct field {
    const char *name;
    enum vtype type;
    size_t off;     /* within the section's struct */
};

struct section {
    const char *name;
    const struct field *fields;
    size_t off;     /* of the section's struct within struct cpu_config */
};

/* cost.<class> and the kernel costs (the validator checks each is >= 1). */
extern const struct field cpu_cost_fields[];

/* Field offsets: keys and validation rules name fields by them. */
#define TLB_F(f) offsetof(struct tlb_config, f)
#define CACHE_F(f) offsetof(struct cache_config, f)
#define CPU_F(f) offsetof(struct cpu_config, f)

#define KiB 1024u
#define MiB (1024u * 1024u)

/*
 * The rule that failed names the fields it involves (offsets within struct
 * cpu_config), so that cpu_config_load can point at the line that set them.
 */
struct blame {
    size_t off[3];
    int n;
};

/* cpu_config_validate, recording in *b (may be NULL) the fields of the
 * rule that failed. */
int cpu_config_check(const struct cpu_config *c, char *err, size_t errlen, struct blame *b);

#endif
