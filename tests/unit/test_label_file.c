/* test_label_file.c - the CSV `earful label` writes into (label_file.c):
 * only the label changes, byte for byte; the refusals; saving. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "label_file.h"
#include "sentiment/sentiment.h"
#include "test.h"

static char dir[] = "/tmp/earful-test-lfile-XXXXXX";

static const char *put(const char *name, const char *body, size_t n)
{
    static char path[160];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    fwrite(body, 1, n, f);
    fclose(f);
    return path;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *b = ef_xmalloc(1 << 16);
    *n = f ? fread(b, 1, (1 << 16) - 1, f) : 0;
    b[*n] = '\0';
    if (f)
        fclose(f);
    return b;
}

/* Files in dir (the temporary ones must not stay). */
static int entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d)) != NULL)
        n += de->d_name[0] != '.' || strstr(de->d_name, "earful-") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void test_verbatim(void)
{
    /* a workbook sheet saved by a European spreadsheet: a BOM, ';', CR LF,
       notes above the header, a quoted field with a line end, a short
       row, the label column in the middle, one row labelled already */
    static const char in[] =
        "\xef\xbb\xbfLabel these items;;;\r\n"
        "\r\n"
        "key;label;date;text\r\n"
        "k1;;2025-01-01T00:00:00Z;\"first; with \"\"quotes\"\"\r\nand a "
        "line\"\r\n"
        "k2;positive;2025-01-02T00:00:00Z;second\r\n"
        "k3\r\n"
        "k4;;2025-01-04T00:00:00Z;fourth\r\n";
    static const char want[] =
        "\xef\xbb\xbfLabel these items;;;\r\n"
        "\r\n"
        "key;label;date;text\r\n"
        "k1;negative;2025-01-01T00:00:00Z;\"first; with \"\"quotes\"\"\r\nand "
        "a line\"\r\n"
        "k2;positive;2025-01-02T00:00:00Z;second\r\n"
        "k3\r\n"
        "k4;neutral;2025-01-04T00:00:00Z;fourth\r\n";
    const char *path = put("s.csv", in, sizeof in - 1);
    ef_lfile *f;
    ef_lfile_item it;
    ef_err e = {0};
    struct stat st;
    size_t n;
    char *got;

    chmod(path, 0640);
    INT_EQ(ef_lfile_open(path, NULL, &f, &e), EF_OK, "open");
    if (!f) {
        OK(0, e.msg);
        return;
    }
    INT_EQ(ef_lfile_count(f), 3, "3 items (k3 has no text)");
    ef_lfile_get(f, 0, &it);
    STR_EQ(it.text, "first; with \"quotes\"\r\nand a line", "text read");
    INT_EQ(it.line, 4, "its line");
    INT_EQ(ef_lfile_label(f, 1), EF_POSITIVE, "a label there already");
    INT_EQ(ef_lfile_next_unlabelled(f, 0), 0, "resumes at the first");
    INT_EQ(ef_lfile_next_unlabelled(f, 1), 2, "and after it");
    INT_EQ(ef_lfile_set(f, 0, EF_NEGATIVE, &e), EF_OK, "set 1");
    INT_EQ(ef_lfile_set(f, 2, EF_NEUTRAL, &e), EF_OK, "set 3");
    INT_EQ(ef_lfile_labelled(f), 3, "all labelled");
    INT_EQ(ef_lfile_next_unlabelled(f, 0), 3, "none left");
    got = slurp(path, &n);
    OK(n == sizeof want - 1 && memcmp(got, want, n) == 0,
       "only the labels changed, byte for byte");
    free(got);
    OK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640,
       "the file's mode kept");
    INT_EQ(entries(), 1, "no temporary file left");
    /* cleared again */
    INT_EQ(ef_lfile_set(f, 2, -1, &e), EF_OK, "clear");
    INT_EQ(ef_lfile_label(f, 2), -1, "cleared");
    ef_lfile_free(f);
    unlink(path);
}

static void test_sep_line(void)
{
    /* a sample saved for Excel with its "sep=;" first line: the line is
       no header, and stays */
    static const char in[] = "sep=;\r\nkey;date;text;label\r\n"
                             "k1;2025-01-01;first;\r\n";
    static const char want[] = "sep=;\r\nkey;date;text;label\r\n"
                               "k1;2025-01-01;first;positive\r\n";
    const char *path = put("sep.csv", in, sizeof in - 1);
    ef_lfile *f;
    ef_lfile_item it;
    ef_err e = {0};
    size_t n;
    char *got;

    INT_EQ(ef_lfile_open(path, NULL, &f, &e), EF_OK, "sep=: open");
    if (!f) {
        OK(0, e.msg);
        return;
    }
    INT_EQ(ef_lfile_count(f), 1, "sep=: one item");
    ef_lfile_get(f, 0, &it);
    INT_EQ(it.line, 3, "sep=: its line");
    INT_EQ(ef_lfile_set(f, 0, EF_POSITIVE, &e), EF_OK, "sep=: set");
    got = slurp(path, &n);
    OK(n == sizeof want - 1 && memcmp(got, want, n) == 0,
       "sep=: the line kept, only the label changed");
    free(got);
    ef_lfile_free(f);
    unlink(path);
}

static void test_added_column(void)
{
    static const char in[] = "text,date\nhello,2025-01-01\nmaybe,x\n";
    const char *path = put("t.csv", in, sizeof in - 1);
    ef_lfile *f;
    ef_err e = {0};
    size_t n;
    char *got;

    INT_EQ(ef_lfile_open(path, NULL, &f, &e), EF_OK, "open, no label");
    if (!f)
        return;
    INT_EQ(ef_lfile_label(f, 0), -1, "no label column: none");
    INT_EQ(ef_lfile_set(f, 1, EF_POSITIVE, &e), EF_OK, "set");
    got = slurp(path, &n);
    STR_EQ(got, "text,date,label\nhello,2025-01-01\nmaybe,x,positive\n",
           "a label column added, LF kept");
    free(got);
    ef_lfile_free(f);

    /* a cell that is no label is not one: shown, and resumed at */
    path = put("u.csv", "text,date,label\na,x,maybe\n", 26);
    INT_EQ(ef_lfile_open(path, NULL, &f, &e), EF_OK, "open, bad label");
    if (f) {
        INT_EQ(ef_lfile_label(f, 0), -2, "'maybe' is not a label");
        INT_EQ(ef_lfile_next_unlabelled(f, 0), 0, "so it is resumed at");
        ef_lfile_free(f);
    }
}

static void test_refusals(void)
{
    ef_lfile *f = NULL;
    ef_err e = {0};
    const char *path;

    path = put("bad.csv", "text,date\ncaf\xe9,x\n", 16);
    INT_EQ(ef_lfile_open(path, NULL, &f, &e), EF_ERR_PARSE,
           "invalid UTF-8 refused (it would not come back)");
    OK(strstr(e.msg, "not valid UTF-8") != NULL, e.msg);
    e = (ef_err){0};
    path = put("nott.csv", "a,b\n1,2\n", 8);
    INT_EQ(ef_lfile_open(path, NULL, &f, &e), EF_ERR_PARSE, "no text column");
    OK(strstr(e.msg, "nott.csv") != NULL, e.msg);
    e = (ef_err){0};
    path = put("empty.csv", "text,date\n", 10);
    INT_EQ(ef_lfile_open(path, NULL, &f, &e), EF_ERR_PARSE, "no item");
    e = (ef_err){0};
    INT_EQ(ef_lfile_open("/nonexistent/x.csv", NULL, &f, &e), EF_ERR_NOINPUT,
           "missing file");

    /* changed on disk meanwhile (saved from a spreadsheet): not
       overwritten, and the label not set */
    path = put("c.csv", "text,date\na,x\nb,y\n", 18);
    e = (ef_err){0};
    INT_EQ(ef_lfile_open(path, NULL, &f, &e), EF_OK, "open c");
    if (!f)
        return;
    INT_EQ(ef_lfile_set(f, 0, EF_NEGATIVE, &e), EF_OK, "first save");
    sleep(0); /* the rewrite below gets a new inode or size anyway */
    put("c.csv", "text,date\na,x,edited elsewhere\nb,y\n", 36);
    INT_EQ(ef_lfile_set(f, 1, EF_POSITIVE, &e), EF_ERR_IO,
           "changed on disk: refused");
    OK(strstr(e.msg, "changed on disk") != NULL, e.msg);
    INT_EQ(ef_lfile_label(f, 1), -1, "the refused label is not set");
    {
        size_t n;
        char *got = slurp(path, &n);
        OK(strstr(got, "edited elsewhere") != NULL, "the other edit kept");
        free(got);
    }
    ef_lfile_free(f);
}

void test_label_file(void)
{
    if (mkdtemp(dir) == NULL) {
        OK(0, "mkdtemp");
        return;
    }
    test_verbatim();
    test_sep_line();
    test_added_column();
    test_refusals();
    {
        static const char *const names[] = {"t.csv",    "u.csv",     "bad.csv",
                                            "nott.csv", "empty.csv", "c.csv"};
        char p[200];
        for (size_t i = 0; i < EF_ARRAY_LEN(names); i++) {
            snprintf(p, sizeof p, "%s/%s", dir, names[i]);
            unlink(p);
        }
    }
    rmdir(dir);
}
