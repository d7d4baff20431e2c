/*
 * check.h — the unit tests' assertion macros.  A failed CHECK prints the
 * expression and location and counts a failure; the test goes on so one run
 * shows every broken rule.  CHECK_DONE() prints "N passed, N failed" and
 * returns the process status.
 */
#ifndef MEMSIM_CHECK_H
#define MEMSIM_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(expr) do {                                                     \
    if (expr) check_passed++;                                                \
    else { check_failed++;                                                   \
        fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr); } \
} while (0)

#define CHECK_EQ(a, b) do {                                                  \
    unsigned long long check_a_ = (unsigned long long)(a);                   \
    unsigned long long check_b_ = (unsigned long long)(b);                   \
    if (check_a_ == check_b_) check_passed++;                                \
    else { check_failed++;                                                   \
        fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (0x%llx != 0x%llx)\n", \
                __FILE__, __LINE__, #a, #b, check_a_, check_b_); }          \
} while (0)

#define CHECK_STR(a, b) do {                                                 \
    const char *check_a_ = (a), *check_b_ = (b);                             \
    if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) check_passed++; \
    else { check_failed++;                                                   \
        fprintf(stderr, "%s:%d: CHECK_STR failed: %s == %s (\"%s\" != \"%s\")\n", \
                __FILE__, __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",  \
                check_b_ ? check_b_ : "(null)"); }                          \
} while (0)

#define CHECK_DONE() (printf("%d passed, %d failed\n", check_passed, check_failed), \
                      check_failed ? 1 : 0)

#endif
