/*
 * size.c — parse_size (size.h).
 */
#include <errno.h>
#include <stdlib.h>
#include "common/size.h"

int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || v > (4ull << 30))   /* also keeps v << 30 from wrapping */
        return -1;
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end == 'i' || *end == 'B')
        end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
    if (*end || v < (4ull << 20) || v > (4ull << 30))
        return -1;
    *out = v;
    return 0;
}
