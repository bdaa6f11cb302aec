/* test_oom.c - ef_oom_handler: a host that cannot exit (the PostgreSQL
 * extension) gets control when memory runs out, instead of exit(70). */
#include <setjmp.h>
#include <stdint.h>

#include "test.h"
#include "util/util.h"

static jmp_buf back;
static int calls;

static void handler(void)
{
    calls++;
    longjmp(back, 1); /* as ereport(ERROR) leaves: never returning */
}

void test_oom(void)
{
    ef_buf b = EF_BUF_INIT;
    volatile int reached_end = 0;

    ef_buf_put(&b, "x", 1);
    ef_oom_handler = handler;
    if (setjmp(back) == 0) {
        /* len + SIZE_MAX + 1 wraps around: ef_buf_grow's overflow check
         * calls the out-of-memory path without asking malloc for it */
        ef_buf_grow(&b, SIZE_MAX);
        reached_end = 1;
    }
    ef_oom_handler = NULL;
    INT_EQ(calls, 1, "oom: the handler ran once");
    INT_EQ(reached_end, 0, "oom: the failing call did not return");
    STR_EQ(ef_buf_cstr(&b), "x", "oom: the buffer is as it was");
    ef_buf_reset(&b);
}
