/* fpu_precision.c — double and long double results as Linux computes them.
 * Linux starts a task with FCW 0x037f (64-bit precision, round to nearest):
 * 1/3, sqrt(2) and exp(1) in double and long double, before and after an
 * (int) cast, which loads a truncating control word with fldcw and then
 * restores the old one.  With FCW 0 (24-bit precision) the doubles after
 * the first fldcw printed 0.3333333432674408.  The inputs are volatile so
 * that the compiler folds nothing.  Native Linux and qemu-i386 agree.
 * expl() is left out: Unicorn 2.0.1 (QEMU 5.0) computes the x87
 * transcendentals (f2xm1, fyl2x) in double precision, so its long double
 * exp(1) is 2.7182818284590450908 where Linux prints 2.71828182845904523543. */
#include <math.h>
#include <stdio.h>

static volatile double one = 1.0, two = 2.0, three = 3.0, thirty = 30.0;
static volatile long double lone = 1.0L, ltwo = 2.0L, lthree = 3.0L;

static void print_all(const char *when)
{
    printf("%s: 1/3 %.17g %.21Lg\n", when, one / three, lone / lthree);
    printf("%s: sqrt(2) %.17g %.21Lg\n", when, sqrt(two), sqrtl(ltwo));
    printf("%s: exp(1) %.17g\n", when, exp(one));
}

int main(void)
{
    unsigned short fcw;
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    printf("fcw %04x\n", fcw);
    print_all("before");
    int i = (int)(one / three * thirty);          /* fldcw, fistp, fldcw */
    long long j = (long long)(lone / lthree * 3e18L);
    printf("(int) 10/3*3 = %d, (long long) 1/3*3e18 = %lld\n", i, j);
    print_all("after");
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    printf("fcw %04x\n", fcw);
    return 0;
}
