/* columns.c - maps an input's column names to earful's fields. */
#include <ctype.h>
#include <string.h>

#include "input/input.h"

/* Each field's accepted names, best first; names are compared after
 * normalising (lower case, spaces and '-' as '_', trimmed). "*_created"
 * stands for any name that ends in "_created" ("tweet_created"), and the
 * first such column is taken. A name with '*' further in, such as
 * "*likely*recommend*", is a question asked in words ("How likely are
 * you to recommend us to a friend or colleague?"): it is taken only when
 * one column matches it, as a survey may ask two questions alike. A weak
 * name ("name", "user", "description") comes after the names it must not
 * take the place of: a body before a title ("Review Content" before
 * "Review Title", which is no synonym), the customer's words before the
 * brand's ("Reply", "Response" and "Developer Reply Text" are none).
 *
 * From the documented exports: Trustpilot ("Review Content", "Review
 * Created (UTC)", "Review Stars", "Review Id", "Company Reply Date
 * (UTC)"), Google Play ("Review Text", "Review Submit Date and Time",
 * "Star Rating", "Review Link", "Developer Reply Date and Time"), app
 * review tools ("Review", "Reviewer Nickname", "Reply Date"), Zendesk
 * ("Description", "Created at", "Requester", "Via"), surveys (Typeform "Submit
 * Date (UTC)", SurveyMonkey "End Date", Qualtrics "RecordedDate" and
 * "ResponseId", the NPS question, "What is the primary reason for your
 * score?"), social listening (Brandwatch "Full Text" and "Page Type",
 * Talkwalker "extra_author_attributes.name" and "source_type", "Date
 * (UTC)", "Message", "Mention", "Permalink"), Twitter's API ("full_text",
 * "user.screen_name", "id_str"). Not taken: "Reference Id" (Trustpilot's
 * order reference, which two reviews may share), a "Sentiment" column
 * (a tool's guess, no human label), dates in a named local zone ("Date
 * (ET)": read as --tz, they would be wrong by hours), a survey's "Start
 * Date" (its "End Date" or "Submit Date" says when it was answered). */
static const char *const synonyms[EF_F_COUNT][48] = {
    [EF_F_TEXT] =
        {"text",        "comment",     "comments",     "message",
         "body",        "review",      "review_text",  "review_content",
         "review_body", "full_text",   "content",      "feedback",
         "verbatim",    "tweet",       "message_text", "post_text",
         "mention",     "description", "snippet",      "*reason_for_*score*",
         NULL},
    [EF_F_DATE] = {"date",
                   "created_at",
                   "timestamp",
                   "time",
                   "posted_at",
                   "datetime",
                   "created",
                   "published_at",
                   "date_time",
                   "created_time",
                   "published",
                   "posted",
                   "review_date",
                   "submitted_at",
                   "date_(utc)",
                   "date_(gmt)",
                   "timestamp_(utc)",
                   "created_at_(utc)",
                   "review_created_(utc)",
                   "review_created",
                   "review_submit_date_and_time",
                   "submit_date_(utc)",
                   "submit_date",
                   "submission_date",
                   "recordeddate",
                   "recorded_date",
                   "enddate",
                   "end_date",
                   "*_created",
                   NULL},
    [EF_F_ID] = {"id_str", "id", "feedback_id", "review_id", "post_id",
                 "message_id", "uuid", "tweet_id", "comment_id", "response_id",
                 "responseid", "respondent_id", "mention_id", "ticket_id",
                 NULL},
    [EF_F_CHANNEL] = {"channel", "source", "platform", "network", "medium",
                      "page_type", "source_type", "via", NULL},
    [EF_F_AUTHOR] = {"author",
                     "user",
                     "username",
                     "user_name",
                     "handle",
                     "customer_id",
                     "screen_name",
                     "user.screen_name",
                     "customer",
                     "reviewer",
                     "reviewer_nickname",
                     "consumer_name",
                     "reviewer_name",
                     "author_name",
                     "author_handle",
                     "extra_author_attributes.short_name",
                     "extra_author_attributes.name",
                     "requester",
                     "user.name",
                     "full_name",
                     "name",
                     NULL},
    [EF_F_RATING] = {"rating", "stars", "star_rating", "review_rating",
                     "review_stars", NULL},
    [EF_F_NPS] = {"nps", "likelihood_to_recommend", "ltr", "nps_score",
                  "*likely*recommend*", NULL},
    [EF_F_RESPONDED_AT] = {"responded_at", "reply_at", "replied_at",
                           "first_response_at", "response_at",
                           "first_reply_at", "company_reply_date_(utc)",
                           "company_reply_date",
                           "developer_reply_date_and_time", "reply_date",
                           NULL},
    [EF_F_LABEL] = {"label", "human_label", "sentiment_label", NULL},
    [EF_F_URL] = {"url", "link", "permalink", "review_link", "review_url",
                  NULL},
};

const char *ef_field_name(ef_field f)
{
    static const char *const names[EF_F_COUNT] = {
        "text",   "date", "id",           "channel", "author",
        "rating", "nps",  "responded_at", "label",   "url"};
    return f < EF_F_COUNT ? names[f] : "?";
}

/* Writes the normalised form of s (n bytes) into out (cap bytes). */
static void normalise(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;

    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        out[o++] = (char)(c == ' ' || c == '-' ? '_' : tolower(c));
    }
    out[o] = '\0';
}

/* The first column named want, or -1; with suffix, the first whose name
 * ends in want and is longer. */
static int find_name(const char *const *names, size_t n, const char *want,
                     int suffix)
{
    char a[128], b[128];
    size_t la, lb;

    normalise(want, strlen(want), a, sizeof a);
    la = strlen(a);
    for (size_t i = 0; i < n; i++) {
        normalise(names[i], strlen(names[i]), b, sizeof b);
        lb = strlen(b);
        if (suffix ? lb > la && strcmp(b + lb - la, a) == 0
                   : strcmp(a, b) == 0)
            return (int)i;
    }
    return -1;
}

static int find_column(const char *const *names, size_t n, const char *want)
{
    return find_name(names, n, want, 0);
}

/* 1 when s[0..n) matches the pattern p, where '*' is any run of bytes. */
static int glob(const char *p, const char *s, size_t n)
{
    if (*p == '\0')
        return n == 0;
    if (*p == '*') {
        for (size_t i = 0; i <= n; i++)
            if (glob(p + 1, s + i, n - i))
                return 1;
        return 0;
    }
    return n > 0 && *p == *s && glob(p + 1, s + 1, n - 1);
}

/* The one column whose name matches the pattern, or -1 (none, or more
 * than one). */
static int find_unique(const char *const *names, size_t n, const char *pat)
{
    char b[128];
    int found = -1;

    for (size_t i = 0; i < n; i++) {
        normalise(names[i], strlen(names[i]), b, sizeof b);
        if (glob(pat, b, strlen(b))) {
            if (found >= 0)
                return -1;
            found = (int)i;
        }
    }
    return found;
}

/* A synonym: a name, "*suffix", or a pattern with '*' further in. */
static int find_synonym(const char *const *names, size_t n, const char *syn)
{
    if (syn[0] == '*' && strchr(syn + 1, '*'))
        return find_unique(names, n, syn);
    return syn[0] == '*' ? find_name(names, n, syn + 1, 1)
                         : find_name(names, n, syn, 0);
}

/* "a, b, c" for messages, cut short if long. */
static void list_names(const char *const *names, size_t n, char *out,
                       size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o + 8 < cap; i++) {
        int k = snprintf(out + o, cap - o, "%s'%s'", i ? ", " : "", names[i]);
        if (k < 0 || (size_t)k >= cap - o) {
            snprintf(out + (cap > 5 ? cap - 5 : 0), 5, "...");
            break;
        }
        o += (size_t)k;
    }
}

static ef_status apply_map(const char *const *names, size_t n, const char *map,
                           const char *what, ef_columns *c, ef_err *e)
{
    char buf[1024], found[400];
    char *save = NULL, *tok;

    if (strlen(map) >= sizeof buf)
        return ef_fail(e, EF_ERR_USAGE, "option --map: too long");
    strcpy(buf, map);
    for (tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '='), field[64];
        int f, col;

        if (eq == NULL || eq == tok || eq[1] == '\0')
            return ef_fail(e, EF_ERR_USAGE,
                           "option --map: expected field=Column, got '%s'",
                           tok);
        *eq = '\0';
        normalise(tok, strlen(tok), field, sizeof field);
        for (f = 0; f < EF_F_COUNT; f++)
            if (strcmp(field, ef_field_name((ef_field)f)) == 0)
                break;
        if (f == EF_F_COUNT)
            return ef_fail(e, EF_ERR_USAGE,
                           "option --map: unknown field '%s' (text, date, "
                           "id, channel, author, rating, nps, responded_at, "
                           "label, url)",
                           tok);
        col = find_column(names, n, eq + 1);
        if (col < 0) {
            list_names(names, n, found, sizeof found);
            return ef_fail(e, EF_ERR_PARSE,
                           "%s: --map %s=%s: no such column (found %s)", what,
                           field, eq + 1, found);
        }
        c->col[f] = col;
        c->given[f] = 1;
    }
    return EF_OK;
}

ef_status ef_columns_map(const char *const *names, size_t n, const char *map,
                         const char *segment, const char *what,
                         ef_columns *out, ef_err *e)
{
    ef_status rc;
    char found[400];
    int f;

    for (f = 0; f < EF_F_COUNT; f++) {
        out->col[f] = -1;
        out->given[f] = 0;
    }
    out->segment = -1;
    if (map && *map && (rc = apply_map(names, n, map, what, out, e)) != EF_OK)
        return rc;
    for (f = 0; f < EF_F_COUNT; f++) {
        if (out->col[f] >= 0)
            continue;
        for (int k = 0; synonyms[f][k] && out->col[f] < 0; k++) {
            int col = find_synonym(names, n, synonyms[f][k]);
            /* a column already taken by another field stays with it */
            for (int g = 0; col >= 0 && g < EF_F_COUNT; g++)
                if (g != f && out->col[g] == col)
                    col = -1;
            out->col[f] = col;
        }
    }
    if (segment && *segment) {
        out->segment = find_column(names, n, segment);
        if (out->segment < 0) {
            list_names(names, n, found, sizeof found);
            return ef_fail(e, EF_ERR_PARSE,
                           "%s: --segment %s: no such column (found %s)", what,
                           segment, found);
        }
    }
    if (out->col[EF_F_TEXT] < 0 || out->col[EF_F_DATE] < 0) {
        list_names(names, n, found, sizeof found);
        for (size_t i = 0; i < n; i++)
            if (strchr(names[i], '\r')) /* the file's lines end in CR */
                return ef_fail(e, EF_ERR_PARSE,
                               "%s: the header runs on past a CR (found "
                               "%s): are the lines ended by CR alone, as "
                               "old Mac tools wrote them? Turn them into "
                               "line feeds first (tr '\\r' '\\n')",
                               what, found);
        return ef_fail(e, EF_ERR_PARSE,
                       "%s: no %s column (found %s); name one with "
                       "--map %s=COLUMN",
                       what, out->col[EF_F_TEXT] < 0 ? "text" : "date", found,
                       out->col[EF_F_TEXT] < 0 ? "text" : "date");
    }
    return EF_OK;
}
