/*
 * gfp.c — GFP flags as text, the way Linux 6.1 prints them (%pGg in
 * lib/vsprintf.c's format_flags over include/trace/events/mmflags.h's
 * __def_gfpflag_names; show_gfp_flags prints "none" for 0): walk the names
 * in table order, print every one whose bits are all still set and clear
 * them, so composite names (GFP_HIGHUSER_MOVABLE, GFP_KERNEL) win over the
 * single bits they contain; what no name covers is printed as 0x....
 */
#include "kernel-model/buddy.h"

#include <stdio.h>
#include <string.h>

static const struct { gfp_t mask; const char *name; } gfpflag_names[] = {
#define GFPNAME(f) { f, #f }
    GFPNAME(GFP_TRANSHUGE),    GFPNAME(GFP_TRANSHUGE_LIGHT), GFPNAME(GFP_HIGHUSER_MOVABLE),
    GFPNAME(GFP_HIGHUSER),     GFPNAME(GFP_USER),            GFPNAME(GFP_KERNEL_ACCOUNT),
    GFPNAME(GFP_KERNEL),       GFPNAME(GFP_NOFS),            GFPNAME(GFP_ATOMIC),
    GFPNAME(GFP_NOIO),         GFPNAME(GFP_NOWAIT),          GFPNAME(GFP_DMA),
    GFPNAME(__GFP_HIGHMEM),    GFPNAME(GFP_DMA32),           GFPNAME(__GFP_HIGH),
    GFPNAME(__GFP_ATOMIC),     GFPNAME(__GFP_IO),            GFPNAME(__GFP_FS),
    GFPNAME(__GFP_NOWARN),     GFPNAME(__GFP_RETRY_MAYFAIL), GFPNAME(__GFP_NOFAIL),
    GFPNAME(__GFP_NORETRY),    GFPNAME(__GFP_COMP),          GFPNAME(__GFP_ZERO),
    GFPNAME(__GFP_NOMEMALLOC), GFPNAME(__GFP_MEMALLOC),      GFPNAME(__GFP_HARDWALL),
    GFPNAME(__GFP_THISNODE),   GFPNAME(__GFP_RECLAIMABLE),   GFPNAME(__GFP_MOVABLE),
    GFPNAME(__GFP_ACCOUNT),    GFPNAME(__GFP_WRITE),         GFPNAME(__GFP_RECLAIM),
    GFPNAME(__GFP_DIRECT_RECLAIM), GFPNAME(__GFP_KSWAPD_RECLAIM), GFPNAME(__GFP_ZEROTAGS),
#undef GFPNAME
};

int gfp_flags_text(gfp_t gfp, char *buf, size_t buflen)
{
    size_t off = 0;
    char tmp[256];

    if (gfp == 0)
        return snprintf(buf, buflen, "none");
    tmp[0] = '\0';
    for (size_t i = 0; gfp && i < sizeof gfpflag_names / sizeof *gfpflag_names; i++) {
        gfp_t mask = gfpflag_names[i].mask;
        if ((gfp & mask) != mask)
            continue;
        gfp &= ~mask;
        off += (size_t)snprintf(tmp + off, sizeof tmp - off, "%s%s", gfpflag_names[i].name,
                                gfp ? "|" : "");
    }
    if (gfp)
        snprintf(tmp + off, sizeof tmp - off, "%#x", gfp);
    return snprintf(buf, buflen, "%s", tmp);
}

const char *gfp_name(struct pglist_data *pgdat, gfp_t gfp)
{
    for (unsigned i = 0; i < pgdat->nr_gfp_names; i++)
        if (pgdat->gfp_names[i].gfp == gfp)
            return pgdat->gfp_names[i].text;
    /* The model asks with a handful of masks; past the table's room (a
     * caller inventing masks) the row says so rather than lie. */
    if (pgdat->nr_gfp_names == sizeof pgdat->gfp_names / sizeof *pgdat->gfp_names)
        return "?";
    unsigned i = pgdat->nr_gfp_names++;
    pgdat->gfp_names[i].gfp = gfp;
    gfp_flags_text(gfp, pgdat->gfp_names[i].text, sizeof pgdat->gfp_names[i].text);
    return pgdat->gfp_names[i].text;
}
