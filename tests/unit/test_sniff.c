/* test_sniff.c - what a source judges from its first rows (sniff.c): the
 * form of the dates, mangled ids, category columns; and the column names
 * people export (columns.c), and --map given twice (cmd_common.c).
 *
 * Each date case lists its values ('|' between them) and the reading it
 * must get: the kind, the format (for AMBIGUOUS the day-first one) and
 * alt (for AMBIGUOUS the month-first one, for UNREADABLE the nearest
 * form).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdline.h"
#include "input/input.h"
#include "input/sniff.h"
#include "test.h"

/* Splits s at '|' into v/len (at most 64 values); returns the count. */
static size_t split(const char *s, char *buf, size_t cap, const char **v,
                    size_t *len)
{
    size_t n = 0;
    char *p;

    snprintf(buf, cap, "%s", s);
    for (p = buf; n < 64;) {
        char *bar = strchr(p, '|');
        v[n] = p;
        len[n] = bar ? (size_t)(bar - p) : strlen(p);
        n++;
        if (!bar)
            break;
        p = bar + 1;
    }
    return n;
}

static const struct {
    const char *name, *values, *given;
    int hint;
    ef_dates_kind kind;
    const char *format, *alt;
} date_cases[] = {
    {"ISO 8601 and Unix time", "2015-02-24T11:35:52Z|2015-02-24|1424777752",
     NULL, 0, EF_DATES_BUILTIN, "", ""},
    {"one bad value among ISO ones",
     "2015-02-24|2015-02-25|2015-02-26|yesterday", NULL, 0, EF_DATES_BUILTIN,
     "", ""},
    {"day first: 24 is no month", "03-02-2015 09:05|24-02-2015 11:35", NULL, 0,
     EF_DATES_FORMAT, "%d-%m-%Y %H:%M", ""},
    {"month first: 24 is no month", "02/03/2015 09:05|02/24/2015 11:35", NULL,
     0, EF_DATES_FORMAT, "%m/%d/%Y %H:%M", ""},
    {"dots, and 11.35", "24.02.2015 11.35|01.03.2015 08.00", NULL, 0,
     EF_DATES_FORMAT, "%d.%m.%Y %H.%M", ""},
    {"seconds", "24/02/2015 11:35:52|25/02/2015 00:00:01", NULL, 0,
     EF_DATES_FORMAT, "%d/%m/%Y %H:%M:%S", ""},
    {"date alone, two-digit year", "24/02/15|1/3/15", NULL, 0, EF_DATES_FORMAT,
     "%d/%m/%y", ""},
    {"AM and PM", "2/24/2015 11:35 PM|3/1/2015 9:05 AM", NULL, 0,
     EF_DATES_FORMAT, "%m/%d/%Y %I:%M %p", ""},
    {"year first with '/'", "2015/02/24 11:35:52|2015/03/01 08:00:00", NULL, 0,
     EF_DATES_FORMAT, "%Y/%m/%d %H:%M:%S", ""},
    {"Twitter's form",
     "Tue Feb 24 11:35:52 +0000 2015|Mon Feb 16 23:36:05 -0800 2015", NULL, 0,
     EF_DATES_FORMAT, "%a %b %d %H:%M:%S %z %Y", ""},
    {"RFC 2822",
     "Tue, 24 Feb 2015 11:35:52 +0000|Sun, 1 Mar 2015 08:00:00 +0100", NULL, 0,
     EF_DATES_FORMAT, "%a, %d %b %Y %H:%M:%S %z", ""},
    {"month names", "Feb 24, 2015|March 1, 2015", NULL, 0, EF_DATES_FORMAT,
     "%b %d, %Y", ""},
    {"ambiguous: no day or month above 12",
     "03/04/2015 10:00|01/02/2015 10:00|12/11/2015 10:00", NULL, 0,
     EF_DATES_AMBIGUOUS, "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"},
    {"ambiguous, the date column says day first",
     "03/04/2015 10:00|01/02/2015 10:00", NULL, 'd', EF_DATES_FORMAT,
     "%d/%m/%Y %H:%M", ""},
    {"ambiguous, the date column says month first",
     "03/04/2015 10:00|01/02/2015 10:00", NULL, 'm', EF_DATES_FORMAT,
     "%m/%d/%Y %H:%M", ""},
    {"mostly unreadable", "yesterday|n/a|soon|2015-02-03", NULL, 0,
     EF_DATES_UNREADABLE, "", ""},
    {"mostly unreadable, a near form", "24-02-2015|x|y|z|25-02-2015", NULL, 0,
     EF_DATES_UNREADABLE, "", "%d-%m-%Y"},
    {"year 15 is no year: not read as %Y", "24/02/15 10:00|25/02/15 10:00",
     NULL, 0, EF_DATES_FORMAT, "%d/%m/%y %H:%M", ""},
    {"--date-format that reads them", "24/02/2015|25/02/2015", "%d/%m/%Y", 0,
     EF_DATES_FORMAT, "%d/%m/%Y", ""},
    {"--date-format that does not: the form that would",
     "24-02-2015 11:35|25-02-2015 09:00|26-02-2015 10:00", "%Y-%m-%d", 0,
     EF_DATES_UNREADABLE, "%Y-%m-%d", "%d-%m-%Y %H:%M"},
};

static void dates(void)
{
    char buf[1024], what[200];
    const char *v[64];
    size_t len[64];

    for (size_t i = 0; i < EF_ARRAY_LEN(date_cases); i++) {
        ef_date_sniff ds;
        size_t n = split(date_cases[i].values, buf, sizeof buf, v, len);

        ef_sniff_dates(v, len, n, date_cases[i].given, NULL,
                       date_cases[i].hint, &ds);
        snprintf(what, sizeof what, "%s: kind", date_cases[i].name);
        INT_EQ(ds.kind, date_cases[i].kind, what);
        snprintf(what, sizeof what, "%s: format", date_cases[i].name);
        STR_EQ(ds.format, date_cases[i].format, what);
        snprintf(what, sizeof what, "%s: alt", date_cases[i].name);
        STR_EQ(ds.alt, date_cases[i].alt, what);
    }

    /* the messages name both readings, and the first bad values once */
    {
        ef_date_sniff ds;
        ef_err e = {EF_OK, ""};
        size_t n = split("03/04/2015 10:00|03/04/2015 11:00", buf, sizeof buf,
                         v, len);
        ef_sniff_dates(v, len, n, NULL, NULL, 0, &ds);
        INT_EQ(ef_sniff_dates_fail(&ds, v, len, NULL, "x.csv", "when", &e),
               EF_ERR_PARSE, "ambiguous: bad data");
        STR_EQ(e.msg,
               "x.csv: column 'when': dates like '03/04/2015 10:00' read two "
               "ways (no day or month in the first 2 is above 12): 3 April "
               "2015 with --date-format '%d/%m/%Y %H:%M' (day first), or 4 "
               "March 2015 with --date-format '%m/%d/%Y %H:%M' (month first)",
               "ambiguous: both readings and their formats");
        e.code = EF_OK;
        n = split("soon|soon|later|24-02-2015|never", buf, sizeof buf, v, len);
        ef_sniff_dates(v, len, n, NULL, NULL, 0, &ds);
        ef_sniff_dates_fail(&ds, v, len, NULL, "x.csv", "when", &e);
        STR_EQ(e.msg,
               "x.csv: column 'when': 4 of the first 5 dates cannot be read, "
               "such as 'soon', 'later', 'never'; the nearest form is "
               "--date-format '%d-%m-%Y' (reads 1)",
               "unreadable: the bad values once each, and a form");
    }
    INT_EQ(ef_sniff_order("%d/%m/%Y"), 'd', "order: day first");
    INT_EQ(ef_sniff_order("%m.%d.%y %H:%M"), 'm', "order: month first");
    INT_EQ(ef_sniff_order("%Y-%m"), 0, "order: no day");
}

/* ==== Ids ================================================================ */

static void ids(void)
{
    const char *v[40];
    size_t len[40];
    uint64_t content[40];
    char store[40][32], why[160];

    /* a spreadsheet's round trip: %.5E of 18-digit ids */
    for (int i = 0; i < 40; i++) {
        snprintf(store[i], sizeof store[i], "%.5E",
                 570301130888122368.0 + i * 977.0);
        v[i] = store[i];
        len[i] = strlen(store[i]);
        content[i] = (uint64_t)i;
    }
    OK(ef_sniff_ids(v, len, content, 40, why, sizeof why),
       "scientific notation: mangled");
    STR_EQ(why, "in scientific notation, such as '5.70301E+17'",
           "scientific notation: why");
    /* cut to 15 significant digits */
    for (int i = 0; i < 40; i++) {
        snprintf(store[i], sizeof store[i], "%llu",
                 570301130888122000ULL + (unsigned long long)i * 1000);
        len[i] = strlen(store[i]);
    }
    OK(ef_sniff_ids(v, len, content, 40, why, sizeof why),
       "15 significant digits: mangled");
    /* real 18-digit ids */
    for (int i = 0; i < 40; i++) {
        snprintf(store[i], sizeof store[i], "%llu",
                 570301130888122368ULL + (unsigned long long)i * 977);
        len[i] = strlen(store[i]);
    }
    OK(!ef_sniff_ids(v, len, content, 40, why, sizeof why),
       "18-digit ids: fine");
    /* one id per two rows of other content */
    for (int i = 0; i < 40; i++) {
        snprintf(store[i], sizeof store[i], "t%d", i / 3);
        len[i] = strlen(store[i]);
    }
    OK(ef_sniff_ids(v, len, content, 40, why, sizeof why),
       "ids shared by other content: mangled");
    /* the same rows twice (an export appended to itself): fine */
    for (int i = 0; i < 40; i++) {
        snprintf(store[i], sizeof store[i], "t%d", i % 20);
        len[i] = strlen(store[i]);
        content[i] = (uint64_t)(i % 20);
    }
    OK(!ef_sniff_ids(v, len, content, 40, why, sizeof why),
       "duplicate rows: ids fine");
}

/* ==== Categories ========================================================= */

static void categories(void)
{
    char buf[2048];
    const char *v[64];
    size_t len[64], n, distinct;
    int labels;

    n = split("United|Delta|Virgin America|United|US Airways|Delta|United|"
              "Delta|United|Virgin America|United|Delta",
              buf, sizeof buf, v, len);
    OK(ef_sniff_category(v, len, n, &distinct, &labels), "airline");
    INT_EQ(distinct, 4, "airline: 4 values");
    INT_EQ(labels, 0, "airline: not labels");
    n = split("negative|neutral|positive|negative|negative|neutral|negative|"
              "positive|negative|negative",
              buf, sizeof buf, v, len);
    OK(ef_sniff_category(v, len, n, &distinct, &labels) && labels,
       "sentiment labels");
    n = split("0|1|2|0|0|1|3|0|0|1|2|0", buf, sizeof buf, v, len);
    OK(!ef_sniff_category(v, len, n, &distinct, &labels), "numbers: no");
    n = split("ann|bob|cy|dee|eve|fay|gus|hal|ivy|jo|kim|lu", buf, sizeof buf,
              v, len);
    OK(!ef_sniff_category(v, len, n, &distinct, &labels),
       "values that never repeat: no");
    n = split("a|b|a|b|a", buf, sizeof buf, v, len);
    OK(!ef_sniff_category(v, len, n, &distinct, &labels),
       "fewer than 10 values: no");
    n = split("2015-02-24|2015-02-24|2015-02-25|2015-02-25|2015-02-24|"
              "2015-02-25|2015-02-24|2015-02-24|2015-02-25|2015-02-25",
              buf, sizeof buf, v, len);
    OK(!ef_sniff_category(v, len, n, &distinct, &labels), "dates: no");
}

/* ==== Column names ======================================================= */

static const struct {
    const char *name, *header, *map;
    int text, date, id, author;
} column_cases[] = {
    {"Twitter airline export", "tweet_id|airline|name|text|tweet_created",
     NULL, 3, 4, 0, 2},
    {"'user' beats 'name'", "name|text|date|user", NULL, 1, 2, -1, 3},
    {"'name' after a handle", "Name|Message|Created Time|Screen Name", NULL, 1,
     2, -1, 3},
    {"reviews", "review_date|reviewer|review|review_id", NULL, 2, 0, 3, 1},
    {"survey", "Submitted At|Feedback|Username", NULL, 1, 0, -1, 2},
    {"published", "published|content", NULL, 1, 0, -1, -1},
    {"posted", "posted|body|handle", NULL, 1, 0, -1, 2},
    {"created_at before *_created", "user_created|created_at|text", NULL, 2, 1,
     -1, -1},
    {"Trustpilot: the body, not the title",
     "Review Id|Review Created (UTC)|Review Title|Review Content|Reply "
     "Content|Reference Id",
     NULL, 3, 1, 0, -1},
    {"Google Play", "Review Submit Date and Time|Review Title|Review Text",
     NULL, 2, 0, -1, -1},
    {"Zendesk", "Id|Requester|Subject|Description|Created at", NULL, 3, 4, 0,
     1},
    {"Twitter API: id_str before id",
     "id|id_str|created_at|full_text|user."
     "name|user.screen_name",
     NULL, 3, 2, 1, 5},
    {"a question: the reason for the score",
     "#|What is the main reason for your score?|Submit Date (UTC)", NULL, 1, 2,
     -1, -1},
    {"Date (UTC), Message, Author", "Network|Date (UTC)|Author|Message", NULL,
     3, 1, -1, 2},
    {"--map takes 'name' from author", "name|text|date|author", "author=name",
     1, 2, -1, 0},
    {"--map merged", "Body|When|Who|text", "text=Body,date=When,author=Who", 0,
     1, -1, 2},
};

static void columns(void)
{
    char buf[512], what[160];
    const char *v[64];
    size_t len[64];

    for (size_t i = 0; i < EF_ARRAY_LEN(column_cases); i++) {
        char *names[64];
        size_t n = split(column_cases[i].header, buf, sizeof buf, v, len);
        ef_columns c;
        ef_err e = {EF_OK, ""};

        for (size_t k = 0; k < n; k++)
            names[k] = ef_xstrndup(v[k], len[k]);
        snprintf(what, sizeof what, "%s: mapped", column_cases[i].name);
        INT_EQ(ef_columns_map((const char *const *)names, n,
                              column_cases[i].map, NULL, "t.csv", &c, &e),
               EF_OK, what);
        snprintf(what, sizeof what, "%s: text", column_cases[i].name);
        INT_EQ(c.col[EF_F_TEXT], column_cases[i].text, what);
        snprintf(what, sizeof what, "%s: date", column_cases[i].name);
        INT_EQ(c.col[EF_F_DATE], column_cases[i].date, what);
        snprintf(what, sizeof what, "%s: id", column_cases[i].name);
        INT_EQ(c.col[EF_F_ID], column_cases[i].id, what);
        snprintf(what, sizeof what, "%s: author", column_cases[i].name);
        INT_EQ(c.col[EF_F_AUTHOR], column_cases[i].author, what);
        for (size_t k = 0; k < n; k++)
            free(names[k]);
    }

    /* a repeated --map merges; a field given twice takes the last */
    {
        char *m = NULL;
        ef_map_merge(&m, "text=Body");
        ef_map_merge(&m, "date=When,author=Who");
        STR_EQ(m, "text=Body,date=When,author=Who", "--map twice: merged");
        ef_map_merge(&m, "author=Body");
        {
            const char *names[] = {"Body", "When", "Who"};
            ef_columns c;
            ef_err e = {EF_OK, ""};
            ef_columns_map(names, 3, m, NULL, "t.csv", &c, &e);
            INT_EQ(c.col[EF_F_AUTHOR], 0, "--map: the last for a field");
        }
        free(m);
    }
}

/* A question taken by a pattern only when one column asks it. */
static void question_columns(void)
{
    const char *one[] = {"Date", "Comment",
                         "How likely are you to recommend us to a friend or "
                         "colleague?"};
    const char *two[] = {"Date", "Comment",
                         "How likely are you to recommend us to a friend or "
                         "colleague?",
                         "After this, how likely are you to recommend us?"};
    ef_columns c;
    ef_err e = {EF_OK, ""};

    INT_EQ(ef_columns_map(one, 3, NULL, NULL, "t.csv", &c, &e), EF_OK,
           "NPS question: mapped");
    INT_EQ(c.col[EF_F_NPS], 2, "NPS question: the nps");
    INT_EQ(ef_columns_map(two, 4, NULL, NULL, "t.csv", &c, &e), EF_OK,
           "two NPS questions: mapped");
    INT_EQ(c.col[EF_F_NPS], -1, "two NPS questions: neither");
}

void test_sniff(void)
{
    dates();
    ids();
    categories();
    columns();
    question_columns();
}
