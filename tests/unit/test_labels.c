/* test_labels.c - human labels joined to their items (labels.c): keys
 * with and without ids, ids that are not unique, keys a spreadsheet
 * mangled, disagreeing labels, and the files' errors. Items are made
 * here; labels files are written to a temporary folder. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/labels.h"
#include "test.h"

const char *ef_labels_clean_key(const char *s, size_t *n);
int ef_labels_key_range(const char *s, size_t n, long double *lo,
                        long double *hi);
uint64_t ef_labels_text_fp(const char *s, size_t n);

static char dir[] = "/tmp/earful-test-labels-XXXXXX";

/* Writes a labels file; returns its path (static buffer per call). */
static const char *write_file(const char *name, const char *body)
{
    static char path[8][128];
    static int k;
    char *p = path[k++ % 8];
    FILE *f;

    snprintf(p, 128, "%s/%s", dir, name);
    f = fopen(p, "wb");
    fputs(body, f);
    fclose(f);
    return p;
}

static ef_item item(const char *id, const char *text, int64_t date)
{
    ef_item it;
    memset(&it, 0, sizeof it);
    it.id = id;
    it.text = text;
    it.text_len = strlen(text);
    it.date = date;
    it.channel = "twitter";
    it.author = "@someone";
    it.url = it.segment = "";
    it.label = -1;
    return it;
}

/* Loads one labels file, scans the items as input 0, settles; returns
 * the settle status; *l is the labels (free it). */
static ef_status join(const char *body, const ef_item *items, size_t n,
                      ef_labels **l, ef_err *e)
{
    ef_status rc;
    *l = ef_labels_new();
    if ((rc = ef_labels_load(*l, write_file("labels.csv", body), e)) != EF_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        ef_labels_scan_item(*l, &items[i]);
    return ef_labels_settle(*l, e);
}

static const ef_label_stats *stats(const ef_labels *l)
{
    size_t n;
    return ef_labels_stats(l, &n);
}

static void test_keys(void)
{
    long double lo, hi;
    size_t n;
    const char *s;

    n = 6;
    s = ef_labels_clean_key("'=abc ", &n);
    OK(n == 4 && memcmp(s, "=abc", 4) == 0, "formula apostrophe taken off");
    n = 4;
    s = ef_labels_clean_key("'abc", &n);
    OK(n == 4 && s[0] == '\'', "other apostrophes stay");
    n = 5;
    s = ef_labels_clean_key("'-123", &n);
    OK(n == 4 && memcmp(s, "-123", 4) == 0, "apostrophe before '-'");
    /* an id is read without ="...": so is its key, also with the
       apostrophe a sample written before that put in front */
    n = 9;
    s = ef_labels_clean_key("'=\"00123\"", &n);
    OK(n == 5 && memcmp(s, "00123", 5) == 0, "'=\"00123\" is 00123");
    n = 10;
    s = ef_labels_clean_key(" =\"00123\" ", &n);
    OK(n == 5 && memcmp(s, "00123", 5) == 0, "=\"00123\" is 00123");

    /* 6 significant digits, E+17: the last digit is 10^12, so the key
       was within half of that: 570300500000000000 .. 570301500000000000 */
    OK(ef_labels_key_range("5.70301E+17", 11, &lo, &hi) == 0,
       "scientific: a number");
    OK(lo <= 570300500000000000.0L && hi >= 570301499999999999.0L &&
           lo > 570300400000000000.0L && hi < 570301600000000000.0L,
       "5.70301E+17: half of 10^12 either side");
    /* LibreOffice: 15 digits, a three-digit exponent */
    OK(ef_labels_key_range("5.70301412369602E+017", 21, &lo, &hi) == 0 &&
           lo <= 570301412369601984.0L && hi >= 570301412369601984.0L &&
           hi - lo < 3000, /* 1000, and the slack of a binary double */
       "5.70301412369602E+017: half of 10^3 either side");
    /* 18 digits written in full: only 15 were kept, 10^3 */
    OK(ef_labels_key_range("570301412369602000", 18, &lo, &hi) == 0 &&
           lo <= 570301412369601984.0L && hi >= 570301412369601984.0L,
       "18 digits in full: the last 3 lost");
    /* up to 15 digits a spreadsheet keeps: exact, but a lost leading
       zero is still found by value */
    OK(ef_labels_key_range("123", 3, &lo, &hi) == 0 && lo > 122.5L - 1e-9L &&
           hi < 123.5L + 1e-9L && lo < 123 && hi > 123,
       "123: exactly 123");
    OK(ef_labels_key_range("1.234567890123E+057", 19, &lo, &hi) == 0,
       "hex key 1234567890123e45 as a spreadsheet writes it");
    OK(ef_labels_key_range("236a262858668083", 16, &lo, &hi) < 0,
       "a hash with letters is no number");
    OK(ef_labels_key_range("fb-000001", 9, &lo, &hi) < 0, "an id");
    OK(ef_labels_key_range("1e", 2, &lo, &hi) < 0, "no exponent digits");

    OK(ef_labels_text_fp("Hello, World!", 13) ==
           ef_labels_text_fp("hello world", 11),
       "fingerprint: case and punctuation aside");
    OK(ef_labels_text_fp("caf\xc3\xa9 ok", 8) ==
           ef_labels_text_fp("caf\xc3\x83\xc2\xa9 ok", 10),
       "fingerprint: mojibake aside");
    OK(ef_labels_text_fp("hello", 5) != ef_labels_text_fp("hullo", 5),
       "fingerprint: another text");
    INT_EQ(ef_labels_text_fp("\xe4\xb8\xad !", 5), 0,
           "fingerprint: none without ASCII letters or digits");
}

static void test_join(void)
{
    char k0[EF_KEY_SIZE], k1[EF_KEY_SIZE], k2[EF_KEY_SIZE];
    char body[1024];
    ef_labels *l;
    ef_err e = {0};
    ef_item noid[3] = {item("", "first", 1741082400),
                       item("", "second", 1741082401),
                       item("", "third", 1741082402)};

    /* no ids: the content hash joins, in the file's order or not */
    ef_item_key(&noid[0], k0);
    ef_item_key(&noid[1], k1);
    ef_item_key(&noid[2], k2);
    snprintf(body, sizeof body,
             "key,date,label\n%s,x,negative\n"
             "%s,x,\n%s,x,pos\n",
             k2, k1, k0);
    INT_EQ(join(body, noid, 3, &l, &e), EF_OK, "no ids: settles");
    /* asked in another order than scanned: by key, not position */
    INT_EQ(ef_labels_find(l, &noid[2]), EF_NEGATIVE, "no ids: third item");
    INT_EQ(ef_labels_find(l, &noid[0]), EF_POSITIVE, "no ids: first item");
    INT_EQ(ef_labels_find(l, &noid[1]), -1, "no ids: an empty label is none");
    INT_EQ(stats(l)->labels, 2, "no ids: 2 labels");
    INT_EQ(stats(l)->unlabelled, 1, "no ids: 1 row not labelled yet");
    INT_EQ(stats(l)->joined, 2, "no ids: both joined");
    ef_labels_free(l);

    /* unique ids; an old "id,label" file; a mojibake BOM before "key" */
    ef_item ids[2] = {item("fb-1", "a", 1), item("fb-2", "b", 2)};
    INT_EQ(join("id,label\nfb-2,neutral\nfb-1,-1\n", ids, 2, &l, &e), EF_OK,
           "old id,label file");
    INT_EQ(ef_labels_find(l, &ids[0]), EF_NEGATIVE, "ids: -1 is negative");
    INT_EQ(ef_labels_find(l, &ids[1]), EF_NEUTRAL, "ids: second");
    ef_labels_free(l);
    INT_EQ(join("\xc3\xaf\xc2\xbb\xc2\xbfkey,label\nfb-1,1\n", ids, 2, &l, &e),
           EF_OK, "a BOM read as Latin-1 before 'key'");
    INT_EQ(ef_labels_find(l, &ids[0]), EF_POSITIVE, "mojibake BOM: joined");
    ef_labels_free(l);

    /* ids that are not unique: "x" names two items of different
       content, so neither gets its label; rows of the same content are
       one item told twice, and both get theirs */
    ef_item dup[4] = {item("x", "one text", 1), item("x", "another", 2),
                      item("y", "same", 3), item("y", "same", 3)};
    INT_EQ(join("key,label\nx,negative\ny,positive\n", dup, 4, &l, &e), EF_OK,
           "colliding ids: settles (one label joined)");
    INT_EQ(ef_labels_find(l, &dup[0]), -1, "colliding id: first gets none");
    INT_EQ(ef_labels_find(l, &dup[1]), -1, "colliding id: second gets none");
    INT_EQ(ef_labels_find(l, &dup[2]), EF_POSITIVE, "repeated row: first");
    INT_EQ(ef_labels_find(l, &dup[3]), EF_POSITIVE, "repeated row: second");
    INT_EQ(stats(l)->several, 1, "colliding id counted");
    INT_EQ(stats(l)->joined, 1, "the other joined");
    INT_EQ(stats(l)->items, 2, "two rows got a label");
    ef_labels_free(l);

    /* two labels for one item that disagree: neither is used */
    INT_EQ(join("key,label\nfb-1,negative\nfb-2,neutral\nfb-1,positive\n", ids,
                2, &l, &e),
           EF_OK, "disagreeing labels: settles");
    INT_EQ(ef_labels_find(l, &ids[0]), -1, "disagreeing labels: none");
    INT_EQ(ef_labels_find(l, &ids[1]), EF_NEUTRAL, "the other one stands");
    INT_EQ(stats(l)->conflicting, 2, "both rows counted");
    ef_labels_free(l);
    /* the same label twice is no disagreement */
    INT_EQ(join("key,label\nfb-1,negative\nfb-1,neg\n", ids, 2, &l, &e), EF_OK,
           "the same label twice");
    INT_EQ(ef_labels_find(l, &ids[0]), EF_NEGATIVE, "same label twice: used");
    ef_labels_free(l);

    /* the formula apostrophe a CSV writer or a spreadsheet put there */
    ef_item odd[2] = {item("=cmd", "a", 1), item("@brand", "b", 2)};
    INT_EQ(
        join("key,label\n'=cmd,negative\n'@brand,positive\n", odd, 2, &l, &e),
        EF_OK, "apostrophes");
    INT_EQ(ef_labels_find(l, &odd[0]), EF_NEGATIVE, "'=cmd joins =cmd");
    INT_EQ(ef_labels_find(l, &odd[1]), EF_POSITIVE, "'@brand joins @brand");
    ef_labels_free(l);
}

static void test_mangled(void)
{
    ef_labels *l;
    ef_err e = {0};
    /* two tweets whose ids a spreadsheet prints alike with 6 digits:
       their text tells them apart */
    ef_item tw[3] = {item("570301130888122368", "Battery died again!", 1),
                     item("570301130999999999", "Love the new buds", 2),
                     item("00123", "Leading zeros", 3)};

    INT_EQ(join("key,text,label\n5.70301E+17,\"battery died again\",neg\n"
                "5.70301E+17,Love the new buds!,positive\n"
                "123,leading zeros,neutral\n",
                tw, 3, &l, &e),
           EF_OK, "mangled keys: settles");
    INT_EQ(ef_labels_find(l, &tw[0]), EF_NEGATIVE, "recovered by number+text");
    INT_EQ(ef_labels_find(l, &tw[1]), EF_POSITIVE, "the other one too");
    INT_EQ(ef_labels_find(l, &tw[2]), EF_NEUTRAL, "a lost leading zero");
    INT_EQ(stats(l)->recovered, 3, "3 recovered");
    INT_EQ(stats(l)->joined, 3, "recovered ones are joined");
    ef_labels_free(l);

    /* another item under the same id, with another text: the label is
     * the first one's (its text), never the other's; and the main pass
     * may ask in any order, or skip items (a dedup) */
    ef_item same[2] = {item("570301130888122368", "Another text", 9), tw[0]};
    INT_EQ(join("key,text,label\n5.70301E+17,\"battery died again\",neg\n",
                same, 2, &l, &e),
           EF_OK, "a shared id: settles");
    INT_EQ(ef_labels_find(l, &same[1]), EF_NEGATIVE, "the item read");
    INT_EQ(ef_labels_find(l, &same[0]), -1, "not the other under its id");
    ef_labels_free(l);

    /* without a text column, two items fit 5.70301E+17: neither */
    INT_EQ(join("key,label\n5.70301E+17,neg\n123,neutral\n", tw, 3, &l, &e),
           EF_OK, "mangled, no text: settles");
    INT_EQ(ef_labels_find(l, &tw[0]), -1, "ambiguous: none");
    INT_EQ(ef_labels_find(l, &tw[1]), -1, "ambiguous: none either");
    INT_EQ(stats(l)->several, 1, "ambiguous counted as several");
    ef_labels_free(l);

    /* 15 digits kept: one item fits */
    INT_EQ(join("key,label\n570301130888122000,pos\n", tw, 3, &l, &e), EF_OK,
           "15 digits: settles");
    INT_EQ(ef_labels_find(l, &tw[0]), EF_POSITIVE, "15 digits: the item");
    ef_labels_free(l);

    /* an exact key wins over a number: the inputs' own ids are mangled,
       and a label naming them names every such item */
    ef_item bad[2] = {item("5.70301E+17", "one", 1),
                      item("5.70301E+17", "two", 2)};
    INT_EQ(join("key,label\n5.70301E+17,neg\n", bad, 2, &l, &e), EF_ERR_PARSE,
           "mangled inputs: no label joined is an error");
    OK(strstr(e.msg, "1 name several") != NULL, e.msg);
    ef_labels_free(l);
}

static void test_errors(void)
{
    ef_labels *l;
    ef_err e = {0};
    ef_item ids[2] = {item("fb-1", "a", 1), item("fb-2", "b", 2)};

    INT_EQ(join("key,label\nfb-1,maybe\n", ids, 2, &l, &e), EF_ERR_PARSE,
           "a value that is no label");
    OK(strstr(e.msg, "labels.csv:2: label 'maybe'") != NULL, e.msg);
    ef_labels_free(l);
    e = (ef_err){0};
    INT_EQ(join("key,label\nfb-1,neg\nfb-2,4\n", ids, 2, &l, &e), EF_ERR_PARSE,
           "4 is no label");
    OK(strstr(e.msg, "labels.csv:3: label '4'") != NULL, e.msg);
    ef_labels_free(l);
    e = (ef_err){0};
    INT_EQ(join("key,label\n,negative\n", ids, 2, &l, &e), EF_ERR_PARSE,
           "a label without a key");
    OK(strstr(e.msg, "labels.csv:2: a label without a key") != NULL, e.msg);
    ef_labels_free(l);
    e = (ef_err){0};
    INT_EQ(join("text,label\nx,negative\n", ids, 2, &l, &e), EF_ERR_PARSE,
           "no key column");
    OK(strstr(e.msg, "no key column") != NULL, e.msg);
    ef_labels_free(l);
    e = (ef_err){0};
    /* labels made from other inputs: none joins */
    INT_EQ(join("key,label\nab12,neg\ncd34,pos\n", ids, 2, &l, &e),
           EF_ERR_PARSE, "labels of other inputs");
    OK(strstr(e.msg, "none of its 2 labels names an item") &&
           strstr(e.msg, "'ab12', line 2"),
       e.msg);
    ef_labels_free(l);
    e = (ef_err){0};
    INT_EQ(join("id,label\nexport.csv:88,neg\n", ids, 2, &l, &e), EF_ERR_PARSE,
           "FILE:LINE keys of earlier versions");
    OK(strstr(e.msg, "come from an earlier earful") != NULL, e.msg);
    ef_labels_free(l);
    e = (ef_err){0};
    /* notes above the header (a workbook sheet saved as CSV) */
    INT_EQ(join("Label these items,,\n1. choose,,\n\nkey,label,date\n"
                "fb-1,positive,x\n",
                ids, 2, &l, &e),
           EF_OK, "notes above the header");
    INT_EQ(ef_labels_find(l, &ids[0]), EF_POSITIVE, "notes: joined");
    ef_labels_free(l);
}

void test_labels(void)
{
    if (mkdtemp(dir) == NULL) {
        OK(0, "mkdtemp");
        return;
    }
    test_keys();
    test_join();
    test_mangled();
    test_errors();
    unlink(write_file("labels.csv", ""));
    rmdir(dir);
}
