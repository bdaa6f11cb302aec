/* replay.c - runs a libFuzzer target's entry point over saved inputs,
 * without libFuzzer, so that `make check` replays the seed corpora
 * (tests/fuzz/corpus/NAME) through every target in seconds.
 *
 *   replay PATH...   each PATH a file, or a folder whose files (not its
 *                    subfolders) are replayed in name order
 *
 * Built with ASan and UBSan (the Makefile's build/fuzz-replay/NAME): a
 * target's abort() or a sanitizer's report ends the run with an error.
 * Each input's path is printed before it runs, so the last line names the
 * input that failed. Exit 0 when every input ran; 1 when a path cannot
 * be read or names no input at all. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the whole file at path into a fresh buffer (*len bytes); NULL
 * when it cannot. The buffer is exactly *len bytes long, as libFuzzer's
 * are, so that ASan sees a read past the input. */
static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc(n > 0 ? (size_t)n : 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(f);
    return buf;
}

/* Runs the target over one file; 0, or -1 when it cannot be read. */
static int replay_file(const char *path)
{
    size_t len = 0;
    uint8_t *data = read_all(path, &len);

    if (data == NULL) {
        fprintf(stderr, "replay: %s: cannot read\n", path);
        return -1;
    }
    printf("replay %s (%zu bytes)\n", path, len);
    fflush(stdout);
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    return 0;
}

static int regular_entry(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* Runs the target over the regular files in dir, in name order; adds
 * their count to *ran. 0, or -1 on a file that cannot be read. */
static int replay_dir(const char *dir, size_t *ran)
{
    struct dirent **names;
    int n = scandir(dir, &names, regular_entry, alphasort), rc = 0;

    if (n < 0) {
        fprintf(stderr, "replay: %s: cannot list\n", dir);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        size_t k = strlen(dir) + strlen(names[i]->d_name) + 2;
        char *path = malloc(k);
        struct stat st;

        snprintf(path, k, "%s/%s", dir, names[i]->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(path) != 0)
                rc = -1;
            else
                ++*ran;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t ran = 0;
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (replay_dir(argv[i], &ran) != 0)
                rc = 1;
        } else if (replay_file(argv[i]) != 0) {
            rc = 1;
        } else {
            ran++;
        }
    }
    if (ran == 0) {
        fprintf(stderr, "replay: no input\n");
        rc = 1;
    }
    printf("replay: %zu inputs\n", ran);
    return rc;
}
