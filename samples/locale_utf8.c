/* setlocale(LC_ALL, "") under LANG=C.UTF-8 (samples.list sets it): static
 * glibc loads the locale from the host's files (C.UTF-8 is built into glibc
 * 2.35+; older ones read /usr/lib/locale/C.utf8), and its once-only
 * initialisation ends in futex(FUTEX_WAKE_PRIVATE).  Then multibyte
 * conversions of UTF-8 text. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int main(void)
{
    const char *l = setlocale(LC_ALL, "");
    printf("setlocale: %s\n", l ? l : "(null)");
    printf("MB_CUR_MAX: %d\n", (int)MB_CUR_MAX);
    const char *s = "na\xc3\xafve \xe2\x82\xac";       /* "naïve €" */
    wchar_t w[32];
    size_t n = mbstowcs(w, s, 32);
    printf("bytes %zu, wide chars %zu:", strlen(s), n);
    for (size_t i = 0; i < n && n != (size_t)-1; i++)
        printf(" U+%04X", (unsigned)w[i]);
    printf("\n");
    return 0;
}
