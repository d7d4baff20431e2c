/*
 * test_sha256.c — trace/sha256.c against the FIPS 180-4 example digests
 * and its two block functions (the SHA instructions when the CPU has them,
 * the portable code always) against each other on data fed in uneven
 * pieces, so the portable code is tested on a machine that would never
 * choose it.
 */
#include "tests/unit/check.h"
#include "trace/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void hex_of(const uint8_t d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* The digest of len bytes at p, in pieces of step bytes (0: one piece). */
static void digest(const void *p, size_t len, size_t step, int use_ni, char out[65])
{
    struct sha256_ctx c;
    uint8_t d[32];
    sha256_init(&c);
    int has_ni = c.use_ni;
    c.use_ni = use_ni && has_ni;
    const uint8_t *b = p;
    if (!step)
        step = len ? len : 1;
    for (size_t off = 0; off < len; off += step)
        sha256_update(&c, b + off, len - off < step ? len - off : step);
    sha256_final(&c, d);
    hex_of(d, out);
}

static void test_vectors(int use_ni)
{
    static const char *const abc56 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char out[65];
    digest("", 0, 0, use_ni, out);
    CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest("abc", 3, 0, use_ni, out);
    CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest(abc56, strlen(abc56), 0, use_ni, out);
    CHECK_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    CHECK(million != NULL);
    if (!million)
        return;
    memset(million, 'a', 1000000);
    digest(million, 1000000, 0, use_ni, out);
    CHECK_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    digest(million, 1000000, 4099, use_ni, out);        /* pieces that straddle blocks */
    CHECK_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

/* Both block functions give the same digest of pseudo-random data of
 * every length near a block boundary. */
static void test_paths_agree(void)
{
    uint8_t buf[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    int differ = 0;
    for (size_t len = 0; len < sizeof buf; len += len < 200 ? 1 : 61) {
        char a[65], b[65];
        digest(buf, len, 0, 0, a);
        digest(buf, len, 7, 1, b);
        differ += strcmp(a, b) != 0;
    }
    CHECK_EQ(differ, 0);
}

int main(void)
{
    test_vectors(0);
    test_vectors(1);
    test_paths_agree();
    return CHECK_DONE();
}
