/* test.h - a small unit-test harness: counts checks, reports failures.
 *
 * A test group is a function `void test_NAME(void)` in tests/unit/test_*.c;
 * the Makefile finds them and tests/unit/main.c runs them all.
 */
#ifndef EF_TEST_H
#define EF_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

extern int ef_test_passed, ef_test_failed;

#define EF_CHECK_(cond, ...)                                                  \
    do {                                                                      \
        if (cond) {                                                           \
            ef_test_passed++;                                                 \
        } else {                                                              \
            ef_test_failed++;                                                 \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);              \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

#define OK(cond, what) EF_CHECK_((cond), "%s", (what))
#define INT_EQ(got, want, what)                                               \
    do {                                                                      \
        long long g_ = (long long)(got), w_ = (long long)(want);              \
        EF_CHECK_(g_ == w_, "%s: got %lld, want %lld", (what), g_, w_);       \
    } while (0)
#define STR_EQ(got, want, what)                                               \
    do {                                                                      \
        const char *g_ = (got), *w_ = (want);                                 \
        EF_CHECK_(g_ &&w_ &&strcmp(g_, w_) == 0,                              \
                  "%s: got \"%s\", want \"%s\"", (what), g_ ? g_ : "(null)",  \
                  w_ ? w_ : "(null)");                                        \
    } while (0)
#define DBL_NEAR(got, want, tol, what)                                        \
    do {                                                                      \
        double g_ = (got), w_ = (want);                                       \
        EF_CHECK_(fabs(g_ - w_) <= (tol), "%s: got %.10g, want %.10g",        \
                  (what), g_, w_);                                            \
    } while (0)

#endif
