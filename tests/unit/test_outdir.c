/* test_outdir.c - the output commit's contract (outdir.h): one pass of
 * renames in a fixed order (the outside file, then the files as
 * registered, metrics.json last); a crash after any rename leaves exactly
 * the files before it new and the rest old, and the next run removes what
 * the crash left; SIGTERM during the pass waits for its end. Each run is
 * a child process, stopped by outdir_commit_hook. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "util/outdir.h"

/* outdir.c's (EF_STATIC): called after each rename of a commit */
extern void (*outdir_commit_hook)(size_t renamed);

#define NFILES 4 /* book.xlsx (outside), a.txt, b.txt, metrics.json */

static char top[64], out[96], books[96];
static const char *const names[NFILES] = {"book.xlsx", "a.txt", "b.txt",
                                          "metrics.json"};
static size_t stop_at;  /* the hook's rename count to stop at */
static int stop_signal; /* 0: _exit there (a crash); else raise it */

static void hook(size_t renamed)
{
    if (renamed != stop_at)
        return;
    if (stop_signal)
        raise(stop_signal);
    else
        _exit(3);
}

static const char *final_path(int i, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/%s", i == 0 ? books : out, names[i]);
    return buf;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* 1 if file i holds text. */
static int holds(int i, const char *text)
{
    char path[160], got[16] = "";
    FILE *f = fopen(final_path(i, path, sizeof path), "r");
    size_t n;

    if (f == NULL)
        return 0;
    n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[n] = '\0';
    return strcmp(got, text) == 0;
}

/* The staging folders left in dir. */
static int staging_left(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    while (d && (de = readdir(d)) != NULL)
        n += strncmp(de->d_name, ".earful-tmp-", 12) == 0;
    if (d)
        closedir(d);
    return n;
}

/* The run of a report: "new" into each file, committed. */
static void child_run(void)
{
    ef_outdir *od;
    ef_err e = {0};
    const char *xlsx;
    char book[160];

    if (ef_outdir_open(out, &od, &e) != EF_OK ||
        ef_outdir_add_outside(od, final_path(0, book, sizeof book), &xlsx,
                              &e) != EF_OK)
        _exit(2);
    put(xlsx, "new");
    for (int i = 1; i < NFILES; i++)
        if (ef_outdir_write(od, names[i], "new", 3, &e) != EF_OK)
            _exit(2);
    outdir_commit_hook = hook;
    if (ef_outdir_commit(od, NULL, &e) != EF_OK)
        _exit(2);
    ef_outdir_free(od);
    _exit(0);
}

/* Runs child_run in a child; returns its wait status. */
static int run_child(void)
{
    int status = -1;
    pid_t pid = fork();

    if (pid == 0)
        child_run();
    if (pid > 0)
        waitpid(pid, &status, 0);
    return status;
}

static void reset_old(void)
{
    char path[160];

    for (int i = 0; i < NFILES; i++)
        put(final_path(i, path, sizeof path), "old");
}

void test_outdir(void)
{
    char what[96];
    int status;

    snprintf(top, sizeof top, "/tmp/ef-test-outdir-XXXXXX");
    if (mkdtemp(top) == NULL) {
        OK(0, "mkdtemp");
        return;
    }
    snprintf(out, sizeof out, "%s/report", top);
    snprintf(books, sizeof books, "%s/books", top);
    mkdir(out, 0777);
    mkdir(books, 0777);

    /* a crash after rename k: the first k files new, the others old */
    for (size_t k = 1; k < NFILES; k++) {
        reset_old();
        stop_at = k;
        stop_signal = 0;
        status = run_child();
        snprintf(what, sizeof what, "crash after rename %zu: exit 3", k);
        OK(WIFEXITED(status) && WEXITSTATUS(status) == 3, what);
        for (int i = 0; i < NFILES; i++) {
            snprintf(what, sizeof what, "crash after rename %zu: %s %s", k,
                     names[i], (size_t)i < k ? "new" : "old");
            OK(holds(i, (size_t)i < k ? "new" : "old"), what);
        }
        snprintf(what, sizeof what, "crash after rename %zu: staging left", k);
        OK(staging_left(out) == 1 && staging_left(books) == 1, what);
        /* the next run removes them, and commits whole */
        stop_at = 0;
        status = run_child();
        snprintf(what, sizeof what, "the run after crash %zu: exit 0", k);
        OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, what);
        for (int i = 0; i < NFILES; i++) {
            snprintf(what, sizeof what, "the run after crash %zu: %s new", k,
                     names[i]);
            OK(holds(i, "new"), what);
        }
        snprintf(what, sizeof what,
                 "the run after crash %zu: no staging "
                 "folder left",
                 k);
        OK(staging_left(out) == 0 && staging_left(books) == 0, what);
    }

    /* SIGTERM after the first rename: the pass ends, then the signal */
    reset_old();
    stop_at = 1;
    stop_signal = SIGTERM;
    status = run_child();
    OK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
       "SIGTERM during the commit: dies of it");
    for (int i = 0; i < NFILES; i++) {
        snprintf(what, sizeof what, "SIGTERM during the commit: %s new",
                 names[i]);
        OK(holds(i, "new"), what);
    }
    OK(staging_left(out) == 0 && staging_left(books) == 0,
       "SIGTERM during the commit: no staging folder left");

    {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
        if (system(cmd) != 0)
            OK(0, "rm -rf the test folder");
    }
}
