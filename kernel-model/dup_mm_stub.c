/* A stand-in for dup_mm until the mmfork branch is merged: no copy yet. */
#include "kernel-model/mm.h"

struct mm_struct *dup_mm(struct mm_struct *oldmm, uint32_t pid)
{
    (void)oldmm, (void)pid;
    return NULL;
}
