/* alloc_mix.c linked dynamically: glibc's malloc from libc.so.6, or
 * whichever malloc LD_PRELOAD puts first. */
#include "../alloc_mix.c"
