/* pool.c - the thread pool (see pool.h). One lock guards the queue and
 * every job's counters: tasks are chunks of thousands of items, so a
 * lock per task costs nothing measurable, and one lock keeps the hand-off
 * easy to check. */
#include "util/pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/util.h"

#define POOL_MAX 256 /* threads at most (ef_parse_threads' limit) */

typedef struct {
    ef_pool *pool;
    int index;
    pthread_t tid;
} worker;

struct ef_pool {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a job was queued, or quit */
    pthread_cond_t done; /* a job's last task finished */
    ef_job *head, *tail; /* jobs with tasks not yet handed out */
    int quit;
    int nthreads; /* started */
    worker w[];
};

static void *worker_main(void *arg)
{
    worker *w = arg;
    ef_pool *p = w->pool;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        ef_job *j = p->head;
        size_t task;

        if (j == NULL) {
            if (p->quit)
                break;
            pthread_cond_wait(&p->work, &p->mu);
            continue;
        }
        task = j->next++;
        if (j->next == j->ntasks) { /* all handed out: off the queue */
            p->head = j->queue;
            if (p->head == NULL)
                p->tail = NULL;
        }
        pthread_mutex_unlock(&p->mu);
        j->fn(j->ctx, task, w->index);
        pthread_mutex_lock(&p->mu);
        if (++j->done == j->ntasks)
            pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

ef_pool *ef_pool_new(int threads)
{
    int want = threads > 1 ? (threads < POOL_MAX ? threads : POOL_MAX) : 0;
    ef_pool *p = ef_xcalloc(1, sizeof *p + (size_t)want * sizeof(worker));

    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int k = 0; k < want; k++) {
        p->w[k].pool = p;
        p->w[k].index = k;
        if (pthread_create(&p->w[k].tid, NULL, worker_main, &p->w[k]) != 0)
            break; /* run with the threads we have (or none) */
        p->nthreads++;
    }
    return p;
}

int ef_pool_threads(const ef_pool *p)
{
    return p->nthreads > 0 ? p->nthreads : 1;
}

void ef_pool_submit(ef_pool *p, ef_job *j)
{
    j->next = j->done = 0;
    j->queue = NULL;
    if (p->nthreads == 0 || j->ntasks == 0)
        return; /* ef_pool_wait runs it, or there is nothing to run */
    pthread_mutex_lock(&p->mu);
    if (p->tail)
        p->tail->queue = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void ef_pool_wait(ef_pool *p, ef_job *j)
{
    if (p->nthreads == 0) {
        for (; j->next < j->ntasks; j->next++, j->done++)
            j->fn(j->ctx, j->next, 0);
        return;
    }
    pthread_mutex_lock(&p->mu);
    while (j->done < j->ntasks)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void ef_pool_run(ef_pool *p, ef_job *j)
{
    ef_pool_submit(p, j);
    ef_pool_wait(p, j);
}

void ef_pool_free(ef_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int k = 0; k < p->nthreads; k++)
        pthread_join(p->w[k].tid, NULL);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
