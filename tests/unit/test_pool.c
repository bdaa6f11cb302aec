/* test_pool.c - the thread pool: every task runs once, on a worker index
 * in range, whatever the number of threads and jobs in flight. */
#include <stdatomic.h>
#include <stdlib.h>

#include "test.h"
#include "util/pool.h"

#define TASKS 1000
#define JOBS 6

typedef struct {
    atomic_int runs[TASKS];
    atomic_int bad_worker;
    int nthreads;
    size_t order[TASKS]; /* the order tasks ran in (one thread only) */
    atomic_size_t nrun;
} tally;

static void count_task(void *ctx, size_t task, int worker)
{
    tally *t = ctx;
    atomic_fetch_add(&t->runs[task], 1);
    if (worker < 0 || worker >= t->nthreads)
        atomic_fetch_add(&t->bad_worker, 1);
    t->order[atomic_fetch_add(&t->nrun, 1) % TASKS] = task;
}

static int all_once(tally *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (atomic_load(&t->runs[i]) != 1)
            return 0;
    return atomic_load(&t->bad_worker) == 0;
}

static void case_threads(int threads)
{
    char what[80];
    ef_pool *p = ef_pool_new(threads);
    tally *t = calloc(JOBS, sizeof *t);
    ef_job j[JOBS];

    for (int k = 0; k < JOBS; k++) {
        t[k].nthreads = ef_pool_threads(p);
        j[k] = EF_JOB(count_task, &t[k], (size_t)(TASKS - 97 * k));
        ef_pool_submit(p, &j[k]);
    }
    /* waited for out of the order submitted */
    for (int k = JOBS - 1; k >= 0; k--) {
        ef_pool_wait(p, &j[k]);
        snprintf(what, sizeof what, "%d threads: job %d: every task once",
                 threads, k);
        OK(all_once(&t[k], (size_t)(TASKS - 97 * k)), what);
    }
    /* a job submitted again once waited for */
    memset(&t[0], 0, sizeof t[0]);
    t[0].nthreads = ef_pool_threads(p);
    ef_pool_run(p, &j[0]);
    snprintf(what, sizeof what, "%d threads: a job run twice", threads);
    OK(all_once(&t[0], TASKS), what);
    ef_pool_free(p);
    free(t);
}

void test_pool(void)
{
    ef_pool *p;
    tally *t = calloc(1, sizeof *t);
    ef_job j;

    /* one thread: no thread started, tasks run on the caller in order */
    p = ef_pool_new(1);
    INT_EQ(ef_pool_threads(p), 1, "one thread: worker 0 only");
    t->nthreads = 1;
    j = EF_JOB(count_task, t, 10);
    ef_pool_submit(p, &j);
    INT_EQ(atomic_load(&t->nrun), 0, "one thread: nothing runs at submit");
    ef_pool_wait(p, &j);
    OK(all_once(t, 10), "one thread: every task once");
    OK(t->order[0] == 0 && t->order[9] == 9, "one thread: in task order");
    ef_pool_free(p);

    /* a job of no tasks is done at once */
    p = ef_pool_new(2);
    j = EF_JOB(count_task, t, 0);
    ef_pool_run(p, &j);
    OK(1, "no tasks: wait returns");
    INT_EQ(ef_pool_threads(p), 2, "two threads");
    ef_pool_free(p);

    case_threads(1);
    case_threads(2);
    case_threads(7);

    /* freeing a pool finishes what was submitted */
    memset(t, 0, sizeof *t);
    p = ef_pool_new(3);
    t->nthreads = 3;
    j = EF_JOB(count_task, t, TASKS);
    ef_pool_submit(p, &j);
    ef_pool_free(p);
    OK(all_once(t, TASKS), "free: submitted tasks all ran");
    free(t);
}
