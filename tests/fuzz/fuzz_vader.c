/* fuzz_vader.c - libFuzzer target for the scorer: any bytes, no crash, no
 * undefined behaviour, scores in range, and the same scores from every
 * path: for an all-ASCII text, the bitmask tokenizer with each vector
 * path the CPU has (AVX-512, AVX2, the base one) and the byte-by-byte
 * tokenizer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment/sentiment.h"

/* EF_STATIC in vader.c (built with EF_TESTING) */
extern int vader_ascii_path, vader_vector_max;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ef_vader *v;
    static ef_vader_scratch *s1, *s2;
    ef_scores a, b;
    ef_err err = {0};

    if (v == NULL) {
        if (ef_vader_new(&v, &err) != EF_OK)
            abort();
        s1 = ef_vader_scratch_new();
        s2 = ef_vader_scratch_new();
    }
    vader_ascii_path = 0;
    ef_vader_score(v, s2, (const char *)data, size, &a);
    vader_ascii_path = 1;
    for (vader_vector_max = 0; vader_vector_max <= 2; vader_vector_max++) {
        ef_vader_score(v, s1, (const char *)data, size, &b);
        if (memcmp(&a, &b, sizeof a) != 0)
            abort();
    }
    if (!(a.compound >= -1 && a.compound <= 1) || a.neg < 0 || a.neu < 0 ||
        a.pos < 0 || a.neg > 1 || a.neu > 1 || a.pos > 1)
        abort();
    /* the proportions add up to 1 (to rounding), or are all 0 */
    double sum = a.neg + a.neu + a.pos;
    if (!(sum == 0 || (sum > 0.997 && sum < 1.003)))
        abort();
    return 0;
}
