/* pool.h - the one thread pool: every stage that runs work in parallel
 * (scoring, preparing items, drawing charts, importing) hands it jobs.
 *
 *   ef_pool *p = ef_pool_new(threads);
 *   ef_job j = EF_JOB(fn, ctx, ntasks);
 *   ef_pool_submit(p, &j);         // returns at once
 *   ...                            // the caller reads, writes, folds
 *   ef_pool_wait(p, &j);           // every fn(ctx, task, worker) has run
 *   ef_pool_free(p);
 *
 * A job is n tasks, fn(ctx, 0) .. fn(ctx, n - 1), run in any order on
 * any of the pool's threads. Jobs are served in the order submitted: a
 * thread takes the next task of the oldest job that has one left, so
 * while the caller waits for one job the threads are already on the
 * next (that is how `earful score` keeps several batches in flight).
 *
 * `worker` tells fn which thread runs it (0 .. ef_pool_threads() - 1), so
 * that fn can use per-thread scratch memory without a lock.
 *
 * With threads <= 1 no thread is started: ef_pool_wait runs the job's
 * tasks on the calling thread (worker 0), in task order. The same holds
 * when the system refuses to start any thread. So a caller never needs
 * a second code path for one thread.
 *
 * The caller owns the ef_job: it must stay valid, unchanged, from
 * ef_pool_submit until ef_pool_wait returns, and may then be submitted
 * again. Jobs need not be waited for in the order submitted. fn must not
 * submit or wait on the same pool.
 */
#ifndef EF_POOL_H
#define EF_POOL_H

#include <stddef.h>

typedef struct ef_pool ef_pool;

typedef struct ef_job {
    void (*fn)(void *ctx, size_t task, int worker);
    void *ctx;
    size_t ntasks;
    /* the pool's, under its lock */
    size_t next;          /* tasks handed out */
    size_t done;          /* tasks finished */
    struct ef_job *queue; /* the next job submitted after this one */
} ef_job;

#define EF_JOB(fn, ctx, n) ((ef_job){(fn), (ctx), (n), 0, 0, NULL})

/* A pool of `threads` threads (none when threads <= 1). Free with
 * ef_pool_free. */
ef_pool *ef_pool_new(int threads);

/* Worker indices fn sees run from 0 to this minus 1 (at least 1). */
int ef_pool_threads(const ef_pool *p);

/* Queues j (its tasks from 0); the threads start on it at once. */
void ef_pool_submit(ef_pool *p, ef_job *j);

/* Returns once every task of j has run (runs them here when the pool has
 * no threads). */
void ef_pool_wait(ef_pool *p, ef_job *j);

/* Submits j and waits for it. */
void ef_pool_run(ef_pool *p, ef_job *j);

/* Lets the threads finish what was submitted, ends them, frees p. */
void ef_pool_free(ef_pool *p);

#endif
