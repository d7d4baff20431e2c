/*
 * mm_context.c — the engine's side of one address space: a Unicorn engine
 * (its physical space is the guest's linear space, so translated code and
 * regions cannot be shared between address spaces), the host window that
 * backs its regions, and the decode cache of its instructions.
 *
 * Host mappings of every window are counted by the machine's one
 * accountant (window.h), so a second address space takes its pages from
 * the same vm.max_map_count budget.
 */
#include <stdio.h>
#include <stdlib.h>
#include "emu/machine.h"

struct mm_context *mm_context_create(struct machine *m, char *err, size_t errlen)
{
    struct mm_context *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    c->m = m;
    if (decode_init(&c->dc)) {
        snprintf(err, errlen, "cannot start the Capstone decoder");
        free(c);
        return NULL;
    }
    if (window_init(&c->win, &m->host_maps, err, errlen)) {
        decode_destroy(&c->dc);
        free(c);
        return NULL;
    }
    uc_err e = uc_open(UC_ARCH_X86, UC_MODE_32, &c->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot set up the emulator: %s", uc_strerror(e));
        c->uc = NULL;
        mm_context_destroy(c);
        return NULL;
    }
    return c;
}

/* The mm exec built: its changes reach this context through the notifier. */
void mm_context_attach(struct mm_context *c, struct mm_struct *mm)
{
    c->mm = mm;
    mm->context = c;
    hostmap_notifier(c, &mm->notifier);
}

void mm_context_detach(struct mm_context *c)
{
    if (c->mm) {
        c->mm->notifier = (struct mm_notifier){ 0 };
        c->mm->context = NULL;
        c->mm = NULL;
    }
}

void mm_context_destroy(struct mm_context *c)
{
    if (!c)
        return;
    mm_context_detach(c);       /* the host side goes away whole: no notifier calls in teardown */
    if (c->uc)
        uc_close(c->uc);
    window_destroy(&c->win);
    decode_destroy(&c->dc);
    free(c->regions);
    free(c);
}
