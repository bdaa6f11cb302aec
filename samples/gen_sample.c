/*
 * gen_sample.c - deterministic generator of a realistic feedback CSV.
 *
 * Prints to stdout one year (52 weeks) of made-up feedback about
 * Pebblewave, a fictional maker of wireless earbuds (Buds, Buds Pro), a
 * smart speaker (Home) and their companion app. The output is the sample
 * input of earful: RFC 4180 CSV, UTF-8, LF, one header row
 *
 *   id,date,channel,author,text,rating,nps,responded_at,url
 *
 * and it carries a planted story for the report to find (samples/README.md):
 * a battery crisis in week 13 after the start (ISO 2025-W14 with the
 * default start), a few loud repeat complainers, authors who turn around
 * after a brand response, and a slow improvement over the year.
 *
 * Usage: gen_sample [-n ROWS] [-s SEED] [--start YYYY-MM-DD]
 *
 * libc, libm and earful's random numbers (src/metrics/stats.c); the same
 * arguments give byte-identical output (xoshiro256** seeded by
 * splitmix64, no rand(), no clock, no locale).
 * All texts are composed here from small parts, none is copied.
 */

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/stats.h"

/* ==== Constants ========================================================== */

#define NDAYS 364      /* 52 weeks */
#define CRISIS_WEEK 12 /* 0-based: 2025-03-31 for the default */
#define DEFAULT_ROWS 20000
#define MAX_ROWS 50000000LL
#define UNASSIGNED (-2)
#define ANONYMOUS (-1)

enum {
    CH_TWITTER,
    CH_FACEBOOK,
    CH_REVIEWS,
    CH_FORUM,
    CH_BLOG,
    CH_SURVEY,
    NCHANNEL
};
enum { POS, NEU, NEG };
enum { FAM_BUDS, FAM_PRO, FAM_HOME, FAM_APP, NFAM };
enum {
    T_CONN,
    T_APP,
    T_BATT,
    T_CARE,
    T_SHIP,
    T_PRICE,
    T_BUILD,
    T_SOUND,
    NTOPIC
};

/* slot flags */
#define F_CRISIS 0x01 /* about the week-13 battery problem */
#define F_LOUD 0x02   /* written by a loud repeat complainer */
#define F_FOLLOW 0x04 /* a turned-around author's happy update */
#define F_FORCE 0x08  /* the brand answers this one for sure */
#define F_FIXED 0x10  /* praises the 3.2.1 battery fix */

static const char *const channel_name[NCHANNEL] = {
    "twitter", "facebook", "reviews", "forum", "blog", "survey"};

/* ==== Random numbers: earful's ef_rng (splitmix64 seeds xoshiro256**) == */

/* uniform in [0, n), n > 0 (multiply-shift; the bias is below 2^-32) */
static uint32_t rng_below(ef_rng *r, uint32_t n)
{
    return (uint32_t)(((ef_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static int rng_chance(ef_rng *r, double p)
{
    return ef_rng_uniform(r) < p;
}

/* standard normal, Box-Muller without caching (keeps the stream simple) */
static double rng_normal(ef_rng *r)
{
    double u = ef_rng_uniform(r), v = ef_rng_uniform(r);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* index drawn from non-negative weights */
static int rng_weighted(ef_rng *r, const double *w, int n)
{
    double sum = 0.0, x;
    for (int i = 0; i < n; i++)
        sum += w[i];
    x = ef_rng_uniform(r) * sum;
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[rng_below((r), (uint32_t)NELEM(a))])

/* ==== Small helpers ====================================================== */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("gen_sample: out of memory\n", stderr);
        exit(70);
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        fputs("gen_sample: out of memory\n", stderr);
        exit(70);
    }
    return p;
}

/* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant) */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ISO 8601 UTC, "2025-03-04T14:22:05Z"; out holds TIME_LEN bytes (more
 * than the 21 needed, so that the compiler can prove nothing is cut) */
#define TIME_LEN 64
static void format_time(int64_t t, char *out)
{
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t sec = t - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, TIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", y % 10000, m, d,
             (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001B3ULL;
    return h ? h : 1;
}

/* ==== Text buffer and template expansion ================================= */

/*
 * Templates: "[a|b|c]" picks one alternative (nesting allowed, "[a|]" is
 * optional text), "$X" inserts a context variable, "$$" a dollar sign.
 */

typedef struct {
    char s[2048];
    size_t n;
} tbuf;

static void put(tbuf *t, const char *x)
{
    size_t k = strlen(x);
    if (t->n + k >= sizeof t->s)
        k = sizeof t->s - 1 - t->n;
    memcpy(t->s + t->n, x, k);
    t->n += k;
    t->s[t->n] = '\0';
}

static void putc_(tbuf *t, char c)
{
    if (t->n + 1 < sizeof t->s) {
        t->s[t->n++] = c;
        t->s[t->n] = '\0';
    }
}

static void putf(tbuf *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void putf(tbuf *t, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put(t, tmp);
}

typedef struct {
    int fam;              /* FAM_* */
    int topic;            /* T_* for complaints */
    int week;             /* 0..51 */
    const char *prod;     /* "the Buds Pro" */
    const char *bare;     /* "Buds Pro" */
    const char *feat;     /* "noise cancelling" */
    const char *feat2;    /* another feature */
    const char *ver;      /* firmware in force this week */
    const char *next_ver; /* the one after */
} ctx;

static const char *const weekday_name[] = {"Monday",   "Tuesday", "Wednesday",
                                           "Thursday", "Friday",  "Saturday",
                                           "Sunday"};

static void expand(ef_rng *r, tbuf *t, const char *s, size_t n, const ctx *c);

static void expand_var(ef_rng *r, tbuf *t, char v, const ctx *c)
{
    int plural = c->fam == FAM_BUDS || c->fam == FAM_PRO;
    switch (v) {
    case '$': putc_(t, '$'); break;
    case 'P': put(t, c->prod); break;
    case 'p': put(t, c->bare); break;
    case 'F': put(t, c->feat); break;
    case 'G': put(t, c->feat2); break;
    case 'I': put(t, plural ? "they" : "it"); break;
    case 'M': put(t, plural ? "them" : "it"); break;
    case 'A': put(t, plural ? "are" : "is"); break;
    case 'S': put(t, plural ? "" : "s"); break; /* verb ending */
    case 'O': put(t, c->fam == FAM_APP ? "in" : "on"); break;
    case 'V': put(t, c->ver); break;
    case 'U': put(t, c->next_ver); break;
    case 'N': putf(t, "%u", 2 + rng_below(r, 8)); break;
    case 'K': putf(t, "%u", 3 + rng_below(r, 12)); break;
    case 'W': put(t, PICK(r, weekday_name)); break;
    case 'X': {
        static const char *const price[] = {"129", "149", "179",
                                            "199", "229", "249"};
        putc_(t, '$');
        put(t, PICK(r, price));
        break;
    }
    case 'C': {
        static const char *const color[] = {"black", "sand",  "sage",
                                            "navy",  "white", "coral"};
        put(t, PICK(r, color));
        break;
    }
    case 'D': {
        static const char *const dev[] = {
            "a Pixel 8",    "an iPad",      "a Windows laptop",
            "a Peloton",    "the Switch",   "an older iPhone",
            "Linux",        "a Galaxy S23", "a Chromebook",
            "a MacBook Air"};
        put(t, PICK(r, dev));
        break;
    }
    default: putc_(t, v); break;
    }
}

static void expand(ef_rng *r, tbuf *t, const char *s, size_t n, const ctx *c)
{
    size_t i = 0;
    while (i < n) {
        char ch = s[i];
        if (ch == '[') {
            /* find the matching ']' and the top-level '|' separators */
            size_t j = i + 1, start[24], len[24];
            int depth = 0, nalt = 0;
            start[0] = j;
            for (; j < n; j++) {
                if (s[j] == '[') {
                    depth++;
                } else if (s[j] == ']') {
                    if (depth == 0)
                        break;
                    depth--;
                } else if (s[j] == '|' && depth == 0 && nalt < 23) {
                    len[nalt] = j - start[nalt];
                    start[++nalt] = j + 1;
                }
            }
            len[nalt] = j - start[nalt];
            nalt++;
            int k = (int)rng_below(r, (uint32_t)nalt);
            expand(r, t, s + start[k], len[k], c);
            i = j + 1;
        } else if (ch == '$' && i + 1 < n) {
            expand_var(r, t, s[i + 1], c);
            i += 2;
        } else {
            putc_(t, ch);
            i++;
        }
    }
}

static void emit(ef_rng *r, tbuf *t, const char *tmpl, const ctx *c)
{
    expand(r, t, tmpl, strlen(tmpl), c);
}

/* pick one template of a list and expand it */
#define EMIT_ONE(r, t, list, c) emit((r), (t), PICK((r), (list)), (c))

/* ==== Products =========================================================== */

static const char *const prod_buds[] = {
    "the Buds", "my Buds", "my Pebblewave Buds", "the Pebblewave Buds"};
static const char *const prod_pro[] = {"the Buds Pro", "my Buds Pro",
                                       "the new Buds Pro"};
static const char *const prod_home[] = {
    "the Home speaker", "my Pebblewave Home", "the Pebblewave Home speaker"};
static const char *const prod_app[] = {"the Pebblewave app", "the app",
                                       "the new app"};
static const char *const feat_buds[] = {"sound",
                                        "noise cancelling",
                                        "battery life",
                                        "fit",
                                        "call quality",
                                        "charging case",
                                        "transparency mode",
                                        "bass",
                                        "comfort",
                                        "mic",
                                        "touch control"};
static const char *const feat_pro[] = {"sound",
                                       "noise cancelling",
                                       "battery life",
                                       "fit",
                                       "call quality",
                                       "spatial audio",
                                       "wireless charging",
                                       "bass",
                                       "transparency mode",
                                       "comfort"};
static const char *const feat_home[] = {
    "sound",          "bass",         "voice assistant", "Wi-Fi setup",
    "multiroom mode", "volume range", "design"};
static const char *const feat_app[] = {
    "EQ",     "update process", "Find My Buds map",
    "layout", "dark mode",      "sleep timer"};

/* firmware by week: 3.2 shipped on the crisis Monday */
static const char *firmware(int week)
{
    if (week < 6)
        return "3.0";
    if (week < 12)
        return "3.1";
    if (week < 13)
        return "3.2";
    if (week < 14)
        return "3.2.1";
    if (week < 25)
        return "3.3";
    if (week < 36)
        return "3.4";
    if (week < 46)
        return "4.0";
    return "4.1";
}

static const char *firmware_next(int week)
{
    if (week < 6)
        return "3.1";
    if (week < 12)
        return "3.2";
    if (week < 14)
        return "3.3";
    if (week < 25)
        return "3.4";
    if (week < 36)
        return "4.0";
    if (week < 46)
        return "4.1";
    return "4.2";
}

/* topics that make no sense for a family fall back to the Buds */
static void ctx_init(ef_rng *r, ctx *c, int week, int topic)
{
    static const double famw[NFAM] = {0.50, 0.27, 0.11, 0.12};
    int fam = rng_weighted(r, famw, NFAM);
    if (topic == T_APP && rng_chance(r, 0.6))
        fam = FAM_APP;
    if (fam == FAM_APP && (topic == T_BATT || topic == T_BUILD ||
                           topic == T_SOUND || topic == T_CONN))
        fam = FAM_BUDS;
    if (fam == FAM_HOME && (topic == T_BATT || topic == T_BUILD))
        fam = FAM_BUDS;
    c->fam = fam;
    c->topic = topic;
    c->week = week;
    c->ver = firmware(week);
    c->next_ver = firmware_next(week);
    switch (fam) {
    case FAM_BUDS:
        c->prod = PICK(r, prod_buds);
        c->bare = "Buds";
        c->feat = PICK(r, feat_buds);
        c->feat2 = PICK(r, feat_buds);
        break;
    case FAM_PRO:
        c->prod = PICK(r, prod_pro);
        c->bare = "Buds Pro";
        c->feat = PICK(r, feat_pro);
        c->feat2 = PICK(r, feat_pro);
        break;
    case FAM_HOME:
        c->prod = PICK(r, prod_home);
        c->bare = "Home speaker";
        c->feat = PICK(r, feat_home);
        c->feat2 = PICK(r, feat_home);
        break;
    default:
        c->prod = PICK(r, prod_app);
        c->bare = "app";
        c->feat = PICK(r, feat_app);
        c->feat2 = PICK(r, feat_app);
        break;
    }
    if (c->feat2 == c->feat)
        c->feat2 = fam == FAM_APP ? "widget" : "price";
    /* nobody praised the battery that week */
    if (week == CRISIS_WEEK && !strcmp(c->feat, "battery life"))
        c->feat = "sound";
}

/* ==== Phrase banks: positive ============================================= */

/* these fit every product, the app included */
static const char *const pos_main[] = {
    "[I|Honestly I|I absolutely|I really] [love|LOVE|love love love] the $F "
    "$O $P",
    "The $F $O $P is [great|amazing|excellent|fantastic|awesome|superb|"
    "brilliant|AMAZING]",
    "[Really|So|Very] [happy|pleased|impressed] with the $F $O $P",
    "[Three|Two|Six|Four] [weeks|months] with $P and [I still love $M|"
    "still loving $M|still impressed]",
    "The $F is [amazing|excellent|great], [and|plus] the $G is [solid|nice|"
    "good] too",
    "[Wow|Okay wow|Oh wow], the $F $O $P [is something else|blew me away|is "
    "great]",
    "[Great|Nice|Good] job on [firmware|version] $V, the $F is [so much "
    "better|great] now",
    "Shoutout to [Priya|Marco|Jess|Tom|Aiko|Sam] on the [customer care|chat]"
    " team, sorted out my [pairing|order|warranty] question in [ten|five|"
    "fifteen] minutes. Thanks",
    "Gave $P to my [dad|sister|partner|roommate] and now [they want|we both "
    "want] another pair. [Great|Lovely] [gift|product]",
    "[Loving|Enjoying] the $F $O $P[| so far]",
    "[Pebblewave|This team] nailed the $F $O $P, [great|excellent|brilliant|"
    "awesome] work",
};

/* these need something you can hold */
static const char *const pos_hw[] = {
    "$P [arrived|showed up] [a day early|on time|two days early] and the $F "
    "is [great|amazing|excellent|lovely]",
    "[Best|Easily the best|Honestly the best] [purchase I made|thing I "
    "bought] this year",
    "Switched from [my old wired pair|another brand|some cheap earbuds] to "
    "$P and the $F is [a huge upgrade|so much better|great]",
};

static const char *const pos_detail_buds[] = {
    "Wore $M on a [six|nine|twelve]-hour flight[| and forgot $I were in].",
    "The battery lasts my whole commute[| and then some].",
    "Pairing with my laptop took [seconds|ten seconds].",
    "$I stay in even on [long runs|the treadmill|bumpy bike rides].",
    "Calls sound [clear|crisp] on both ends.",
    "The case slips right into my coin pocket.",
    "Noise cancelling on the train is [superb|excellent].",
    "Switching between phone and laptop just works.",
};

static const char *const pos_detail_home[] = {
    "It fills the whole living room without any distortion.",
    "Setup took [two|five] minutes with the app.",
    "The bass is [deep|punchy] [even at low volume|without rattling the "
    "shelf].",
    "Grouping it with the kitchen speaker took one tap.",
};

static const char *const pos_detail_app[] = {
    "The new layout is [clean|tidy] and quick.",
    "Firmware updates install [in the background|overnight] now.",
    "Found a bud under the couch thanks to the map.",
    "The EQ presets make a real difference.",
};

static const char *const pos_closer[] = {
    "Thanks Pebblewave!",  "Highly recommend.",
    "Worth every penny.",  "Would buy again.",
    "Great job, team.",    "Happy customer here.",
    "Five stars from me.", "10/10.",
    "Keep it up!",         "Love it.",
    "Thank you!",          "Really glad I got $M.",
    "Money well spent.",
};

static const char *const pos_survey[] = {
    "[Great|Amazing|Excellent] sound and easy setup.",
    "Love the $F.",
    "Comfortable, great battery life.",
    "[Good|Great] product, [good|great|friendly] customer service.",
    "The $F is excellent.",
    "Easy to use and [the app is great|sounds great|looks great].",
    "Best earbuds I have owned.",
    "Quality sound for the price, love them.",
    "[Fast|Quick] delivery and a great product.",
    "Happy with $P.",
    "Reliable and comfortable. Thanks!",
};

static const char *const pos_title[] = {
    "Great buy",    "Love them",      "Excellent",  "Best purchase this year",
    "Really happy", "Amazing sound",  "Five stars", "Impressed",
    "Great value",  "So comfortable",
};

static const char *const pos_blog_open[] = {
    "I spent [two|three|four] weeks with $P before writing this.",
    "This is my long-term review of $P after [two|three|six] months.",
    "A reader asked what I use on my commute, so here is a proper write-up "
    "of $P.",
    "I bought $P with my own money, nobody sent them to me.",
};

static const char *const pos_follow[] = {
    "Update: [customer care|the Pebblewave team|your team] [sent a "
    "replacement|replaced my case|walked me through a reset|pushed a fix] "
    "and [everything works now|the $F is back to normal|it is all good "
    "now]. Thanks for [sorting it out|the quick reply|following up]!",
    "Following up on my earlier post: [the replacement|the new firmware|the "
    "reset they suggested] [solved|sorted] it. [Great|Really kind|Very "
    "helpful] people on the [customer care|chat] team, thank you.",
    "Credit where it is due, Pebblewave [replied|got back to me] and "
    "[fixed|sorted] my problem[| within a day]. Happy again with $P!",
};

static const char *const pos_follow_review[] = {
    "Updating my review to [4|5] stars. [The replacement|The new "
    "firmware|The fix] [sorted|solved] it and the team was [great|very "
    "helpful|really kind] about it.",
    "Changed my rating: after my complaint [customer care|the team] "
    "[replaced $M|helped me] [quickly|within two days]. Great service!",
};

static const char *const pos_follow_crisis[] = {
    "Battery is back to normal after [3.2.1|the patch]. Thanks for replying "
    "so fast, [really appreciate it|great job].",
    "Update: 3.2.1 fixed the battery[| drain], back to [seven|eight] hours. "
    "Thanks for the quick help!",
    "Happy to report the battery is fine again with 3.2.1. Thank you for "
    "the [quick|kind] reply!",
};

static const char *const pos_fixed[] = {
    "3.2.1 fixed the battery on my Buds, [back to normal|all good again]. "
    "Thanks for the quick patch!",
    "Battery life is great again after 3.2.1. Good job on the fast fix.",
    "Installed 3.2.1 and the battery [lasts|held up] all day. Thanks, "
    "Pebblewave!",
};

/* ==== Phrase banks: neutral ============================================== */

static const char *const neu_main[] = {
    "Will the $p work with $D?",
    "When will firmware $U be out for the $p?",
    "Is there a way to [remap the touch controls|turn off the wear sensor|"
    "rename my earbuds|export my EQ presets|change the language|see the "
    "case battery level] in the app?",
    "Ordered the $p on $W, tracking says it arrives $W.",
    "Which ear tip size comes in the box with the $p?",
    "Got the $p in $C [today|yesterday|this morning]. Setting $M up now.",
    "Anyone know if the case will charge from a laptop USB-C port?",
    "Comparing the Buds and the Buds Pro. Is the difference in [sound|"
    "transparency mode|battery life] noticeable?",
    "How long does it take to charge the $p from zero?",
    "Do you ship to [Portugal|New Zealand|Chile|Poland|Kenya|the "
    "Philippines|Iceland]?",
    "Firmware $V is rolling out [in Europe|in Canada|to Android users] this "
    "week according to the app.",
    "Just updated the app to version 2.$N.$K. The settings menu moved to "
    "the bottom bar.",
    "Can I take the $p [swimming|into the sauna|to hot yoga]?",
    "What is the difference between the black and the $C edition besides "
    "the color?",
    "[Day|Week] $N with the $p. Still figuring out the touch gestures.",
    "Is there [aptX|LDAC|multipoint|Auracast] on the $p?",
    "[Moving|Switching] from the Buds to the Buds Pro next month.",
    "Where do I look up the serial of the $p?",
    "Which firmware version is the current one for the $p?",
    "Will the $p come back in $C?",
    "Picked up the $p at the airport on my way to [Lisbon|Denver|Osaka|"
    "Berlin].",
    "Can two people share audio from one phone with the $p?",
};

static const char *const neu_survey[] = {
    "Sound is about what I expected.",
    "Haven't used them much yet.",
    "Mostly use them on the train.",
    "Bought them for my son.",
    "It does the job.",
    "Average.",
    "Setup took a while.",
    "Same as my previous pair.",
    "Only had them a week.",
    "The app asks to update a lot.",
    "n/a",
    "Price.",
    "Mostly for calls at work.",
    "Depends on the day.",
};

static const char *const neu_crisis[] = {
    "Is the battery drain after 3.2 a known issue?",
    "Any ETA on a battery fix for firmware 3.2?",
    "Should I hold off on the 3.2 update because of the battery reports?",
    "Seeing lots of battery posts today. Does turning off the wear sensor "
    "change anything?",
    "Battery on my left bud drops faster than the right since updating. "
    "Anyone else?",
    "Is there a way to roll back from 3.2 until the battery thing is "
    "sorted?",
    "Which version has the battery fix, 3.2.1?",
};

/* ==== Phrase banks: negative ============================================= */

/* what went wrong, as a clause; the first ones of each topic name no
 * earbud part so that they fit the speaker and the app too */
static const char *const prob_conn[] = {
    "the Bluetooth connection cuts out every few minutes",
    "the connection drops whenever my phone is in my pocket",
    "pairing fails with \"Device not found\" every morning",
    "the left earbud keeps dropping the connection",
    "the right bud disconnects during every call",
};
static const char *const prob_app[] = {
    "the app crashes as soon as I open the EQ",
    "the app logged me out again and lost my presets",
    "the app update removed the custom EQ",
    "the app is stuck on \"Searching for device\"",
    "the app drains my phone and then freezes",
};
static const char *const prob_batt[] = {
    "the right bud battery barely lasts two hours",
    "the case stopped charging overnight",
    "battery life dropped by half after a few months",
};
static const char *const prob_care[] = {
    "customer service closed my ticket without an answer",
    "nobody replied to my warranty claim for two weeks",
    "the chat agent pasted the same FAQ link three times",
    "I have been on hold for [forty|fifty|ninety] minutes",
    "the so-called \"priority\" line hung up on me twice",
};
static const char *const prob_ship[] = {
    "my order has been stuck in \"processing\" for ten days",
    "the package arrived crushed and the case was missing",
    "tracking has not moved since $W",
    "I got the wrong color and the return label link is dead",
};
static const char *const prob_price[] = {
    "I paid $X for something that sounds worse than my old $$50 pair",
    "the price went up by $$30 a month after I bought $M",
    "replacement ear tips cost $$25, which is ridiculous",
    "the \"premium\" case is extra and it is $$59",
};
static const char *const prob_build[] = {
    "the case hinge snapped after a month",
    "the buds fall out every time I run",
    "the touch controls pause my music whenever I adjust them",
    "the coating on the case is peeling already",
};
static const char *const prob_sound[] = {
    "the sound is muddy since the EQ update",
    "there is a constant hiss with noise cancelling on",
    "the speaker distorts at half volume",
    "voices sound robotic on calls",
};

static const char *pick_problem(ef_rng *r, int topic)
{
    switch (topic) {
    case T_CONN: return PICK(r, prob_conn);
    case T_APP: return PICK(r, prob_app);
    case T_BATT: return PICK(r, prob_batt);
    case T_CARE: return PICK(r, prob_care);
    case T_SHIP: return PICK(r, prob_ship);
    case T_PRICE: return PICK(r, prob_price);
    case T_BUILD: return PICK(r, prob_build);
    default: return PICK(r, prob_sound);
    }
}

static const char *const neg_feel[] = {
    "Really disappointed",
    "So frustrating",
    "Terrible experience",
    "Absolutely ridiculous",
    "This is unacceptable",
    "Awful",
    "Not happy at all",
    "Worst purchase this year",
    "I am so frustrated",
    "What a mess",
    "Pathetic",
    "Very disappointed",
    "Frankly terrible",
    "This is a bad joke",
    "Furious right now",
    "Such a letdown, I hate it",
    "I regret buying $M",
};

static const char *const neg_feel_rude[] = {
    "This is crap",
    "What the hell, Pebblewave",
    "Damn it",
    "wtf",
    "Total garbage and I hate it",
    "This sucks",
    "Crappy product",
    "What a damn mess",
};

static const char *const neg_mid[] = {
    "$Q. $E$.",
    "[Since the $V update|For two weeks now|Again|After [two|three|four] "
    "months], $Q. $E$.",
    "[Paid $X for|Spent $X on] $P and $Q. $E$.",
    "[Third|Second] time this month: $Q. $E$. [I want a refund.|Refund "
    "me.|Done with this brand.|]",
    "The $F $O $P is [broken|useless|awful|terrible] since the $V update. "
    "$E$.",
    "$P $A a [waste of money|disappointment]. $Q.",
    "Hey Pebblewave, $Q. $E$.",
};

static const char *const neg_ctx[] = {
    "I have [had|used] $P for [about |]$N [weeks|months][, mostly for "
    "commuting|, mainly at the gym|, mostly for work calls|].",
    "Bought $P in [January|the spring|the sale|a flash sale] as an "
    "upgrade.",
    "Long-time customer here, this is my [second|third] Pebblewave "
    "product.",
    "I use $P every day for [work|running|the commute].",
};

static const char *const neg_tried[] = {
    "I already reset $M twice and re-paired, and the problem is still "
    "there.",
    "I reinstalled the app and cleared its data, the problem stayed.",
    "I cleaned the contacts, swapped the ear tips and tried a second phone, "
    "same problem.",
    "I followed every step in the FAQ (reset, re-pair, update) and it is "
    "still broken.",
};

static const char *const neg_tried_care[] = {
    "I emailed twice and called once.",
    "I filled in the form on the website, twice.",
    "I asked in the chat, by email and here.",
};

static const char *const neg_outcome[] = {
    "Customer service asked me for a video, I sent it $N days ago, and "
    "nobody has replied since.",
    "My ticket was closed without an answer.",
    "The agent told me to \"wait for the next update\", which was $N weeks "
    "ago.",
    "The warranty form errors out at the last step.",
    "Two replacements later, same fault.",
};

static const char *const neg_close[] = {
    "This is really frustrating for a $X product.",
    "Very disappointed.",
    "Frankly a terrible experience so far.",
    "A refund or a working replacement. This is ridiculous.",
    "Can you roll back the update? This is really frustrating.",
    "A refund at this point, please, this is awful.",
    "Seriously considering returning $M, this is ridiculous.",
};

static const char *const neg_terse[] = {
    "Total crap.",
    "This app is garbage and it sucks.",
    "Pebblewave sucks.",
    "wtf is this update",
    "Worst earbuds ever.",
    "Hate this app.",
    "Damn case broke again.",
    "Useless. Refund now.",
    "Garbage product, terrible support.",
    "What a damn waste of money.",
    "Crappy buds, dead in a month.",
    "The new app sucks.",
    "Broken again, wtf.",
    "Terrible. Just terrible.",
    "So disappointed with Pebblewave.",
    "Stupid app logged me out again.",
    "Worst customer service ever.",
    "Sound is awful now.",
    "Absolute garbage, I hate it.",
    "wtf Pebblewave",
    "Trash update. Hate it.",
    "Damn buds keep disconnecting. Useless.",
    "Awful. Never buying again.",
    "These buds are crap.",
    "Refund. Now. Worst purchase ever.",
    "Sick of this broken app.",
    "Pathetic customer service.",
    "Hate the new update.",
    "Zero stars. Terrible.",
    "Ugh, disconnected AGAIN.",
};

static const char *const neg_title[] = {
    "Disappointed",
    "Broken after a month",
    "Terrible support",
    "Not worth it",
    "Avoid",
    "Worst purchase",
    "Frustrating",
    "Bad update",
    "Awful experience",
};

/* the crisis: firmware 3.2 drains the battery (every complaint says so) */
static const char *const crisis_terse[] = {
    "Battery dead again. [Useless|Garbage|wtf].",
    "[wtf|Damn], my battery is dead [again|already].",
    "3.2 killed my battery. [Awful|Terrible].",
    "BATTERY DRAIN IS RIDICULOUS",
    "Battery at 0% by noon. Awful.",
    "Worst update ever. Battery is dead.",
    "Fix the damn battery!",
    "This battery drain is crap.",
    "Battery dead after one hour. Pathetic.",
};

static const char *const crisis_mid[] = {
    "Firmware 3.2 [killed|wrecked|destroyed] my battery. [Buds|Case] dead "
    "by lunch. [What the hell|wtf], Pebblewave?",
    "Since the 3.2 update my battery lasts [90 minutes|two hours|an hour] "
    "instead of [seven|eight] hours. [Terrible|Unacceptable|Awful].",
    "Battery drain after the update is [awful|ridiculous|insane]. Roll it "
    "back NOW.",
    "My charging case battery went from 80% to 0% overnight after updating. "
    "[Broken|Useless|Terrible].",
    "Is anyone else's battery dead after 3.2? [I am furious|So "
    "frustrating|This is a disaster].",
    "@Pebblewave your 3.2 update ruined the battery on my $p. $E.",
    "Battery went from a full day to a couple of hours since 3.2 broke "
    "my $p. Really disappointed.",
    "Both buds died mid-call, battery drained by 3.2. [Terrible|Awful|"
    "Unacceptable].",
};

static const char *const crisis_detail[] = {
    "Updated to firmware 3.2 on Monday. Since then the battery on both "
    "buds drains from 100% to 0% in about $K0 minutes, even inside the "
    "case. I reset them twice and the battery problem is still there. "
    "Please pull the update, this is terrible.",
    "Three days after 3.2 and my battery is still broken. The case gets "
    "warm, the buds are dead by lunch, and the app shows \"Battery "
    "error\". I use these for work calls, so this is a real problem. "
    "Very disappointed, and I want to know when a fix is coming.",
    "The 3.2 firmware ruined battery life on my $p: I used to get eight "
    "hours, now it is barely [one|two]. I tried a factory reset, charging "
    "overnight and a different cable. Nothing helps. Awful release, please "
    "roll it back.",
};

static const char *const markup_pos[] = {
    "+1, love the new EQ",
    "**Amazing** sound, love them",
    "# Best earbuds ever",
    "My full review: [link](http://x.example/review) - great sound!",
    "Sound | Battery | Fit\n5 | 4 | 5 - really happy",
    "<b>Love</b> these buds",
};
static const char *const markup_neu[] = {
    "=HYPERLINK(\"http://x.example\",\"click\")",
    "@SUM(1+1) is the number of buds in the box?",
    "<script>alert('hi')</script> will the Buds work with Linux?",
    "Specs: | 8h | ANC | USB-C |",
    "=1+1",
    "![photo](http://x.example/case.png) which color is this?",
};
static const char *const markup_neg[] = {
    "-1 for the app update, it is terrible",
    "<b>Worst</b> update ever, the app is broken",
    "=1+1 is how many stars this app deserves. Terrible.",
    "<img src=x onerror=alert(1)> the app is broken",
    "![pic](http://x.example/p.png) case cracked, terrible",
    "## Broken again | worst support",
};

static const char *const emoji_pos[] = {"😀", "👍", "❤", "😍", "🙌", "🎧"};
static const char *const emoji_neg[] = {"😡", "👎", "😤", "🙄", "💩"};

/* ==== Authors ============================================================ */

typedef struct {
    char name[40]; /* as printed; "" for none */
    uint8_t home;  /* channel of the first item */
} author;

typedef struct {
    author *v;
    size_t n, cap;
    uint64_t *set; /* open addressing on name hashes */
    size_t set_mask;
} author_book;

static const char *const first_names[] = {
    "maria",  "james",  "aisha",  "liam",  "sofia",  "noah",  "yuki",
    "omar",   "elena",  "lucas",  "priya", "mateo",  "chloe", "ethan",
    "fatima", "leo",    "hannah", "diego", "mei",    "jonas", "zoe",
    "samuel", "ana",    "ryan",   "ines",  "kofi",   "laura", "tariq",
    "emma",   "daniel", "nina",   "hugo",  "grace",  "ivan",  "sara",
    "felix",  "olivia", "ravi",   "julia", "marco",  "amara", "ben",
    "clara",  "dev",    "lucia",  "oscar", "rosa",   "theo",  "nadia",
    "adam",   "freya",  "kenji",  "layla", "pablo",  "ruth",  "simon",
    "tess",   "victor", "wen",    "alex",  "bianca", "caleb", "dina",
    "erik",   "gemma",  "henry",  "isla",  "jamal",  "kira",  "lena",
    "milo",   "nora",   "paula",  "quinn", "rahul",  "selin", "tom",
    "uma",    "vera",   "will",
};

static const char *const last_names[] = {
    "kowalski", "nguyen",    "okafor",  "schmidt",  "garcia", "tanaka",
    "silva",    "haddad",    "murphy",  "rossi",    "patel",  "johansson",
    "dubois",   "kim",       "novak",   "fischer",  "moreau", "hughes",
    "santos",   "ibrahim",   "larsen",  "costa",    "walsh",  "yilmaz",
    "mendes",   "brennan",   "chen",    "adeyemi",  "petrov", "romero",
    "becker",   "lindqvist", "oconnor", "reyes",    "sato",   "varga",
    "wright",   "zielinski", "abbott",  "bauer",    "castro", "duarte",
    "evans",    "ferrari",   "gupta",   "hansen",   "ito",    "jensen",
    "keller",   "lopez",     "marsh",   "nakamura", "ortiz",  "price",
    "quinlan",  "ramos",
};

static const char *const handle_adj[] = {
    "quiet",  "lucky", "tiny",  "urban",    "cosmic", "sleepy", "rapid",
    "golden", "salty", "lazy",  "midnight", "retro",  "neon",   "spicy",
    "foggy",  "loud",  "chill", "rusty",    "crispy", "velvet",
};

static const char *const handle_noun[] = {
    "fox",   "owl",   "beats", "wave",    "pixel", "bass",  "runner",
    "coder", "tea",   "vinyl", "cyclist", "panda", "otter", "drummer",
    "gamer", "nomad", "chef",  "reader",  "hiker", "tunes",
};

/* the loud repeat complainers: name, home channel, pet topic, items
 * (per 20,000 rows) */
typedef struct {
    const char *name;
    int home;
    int topic;
    int items;
} loud_author;

static const loud_author louds[] = {
    {"@volt_vic", CH_TWITTER, T_APP, 40},
    {"kwinters_audio", CH_FORUM, T_CONN, 37},
    {"@grumpy_gadgets", CH_TWITTER, T_CARE, 33},
    {"Derek Malloy", CH_FACEBOOK, T_CARE, 29},
    {"@nora_never_again", CH_TWITTER, T_PRICE, 25},
    {"bassfiend77", CH_FORUM, T_SOUND, 21},
    {"@tired_of_tech", CH_TWITTER, T_BUILD, 18},
    {"@sam_returns_it", CH_TWITTER, T_SHIP, 16},
};
#define NLOUD ((int)NELEM(louds))

static void book_init(author_book *b, size_t expect)
{
    size_t sz = 1024;
    while (sz < expect * 2 + 64)
        sz <<= 1;
    b->set = xmalloc(sz * sizeof *b->set);
    memset(b->set, 0, sz * sizeof *b->set);
    b->set_mask = sz - 1;
    b->v = NULL;
    b->n = b->cap = 0;
}

static void book_reset(author_book *b)
{
    free(b->v);
    free(b->set);
    memset(b, 0, sizeof *b);
}

/* 1 if the name was free and is now taken, 0 if it is in use */
static int book_claim(author_book *b, const char *name)
{
    uint64_t h = fnv1a(name);
    size_t i = (size_t)h & b->set_mask;
    while (b->set[i]) {
        if (b->set[i] == h)
            return 0;
        i = (i + 1) & b->set_mask;
    }
    b->set[i] = h;
    return 1;
}

static int32_t book_add(author_book *b, const char *name, int home)
{
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4096;
        b->v = xrealloc(b->v, b->cap * sizeof *b->v);
    }
    author *a = &b->v[b->n];
    snprintf(a->name, sizeof a->name, "%s", name);
    a->home = (uint8_t)home;
    return (int32_t)b->n++;
}

static void capitalize_word(char *s)
{
    if (*s >= 'a' && *s <= 'z')
        *s = (char)(*s - 'a' + 'A');
}

/* one candidate name in the style of a channel; later attempts draw from
 * larger spaces so that a crowded year still finds a free name fast */
static void make_name(ef_rng *r, int ch, int attempt, char *out, size_t size)
{
    const char *f = PICK(r, first_names), *l = PICK(r, last_names);
    char first[24], last[24], h[48], tail[16] = "";
    snprintf(first, sizeof first, "%s", f);
    snprintf(last, sizeof last, "%s", l);
    if (ch == CH_SURVEY) {
        if (attempt < 4)
            snprintf(out, size, "cust-%06u", rng_below(r, 1000000));
        else
            snprintf(out, size, "cust-%07u", rng_below(r, 10000000));
        return;
    }
    int named = ch == CH_FACEBOOK || ch == CH_BLOG ||
                (ch == CH_REVIEWS && rng_chance(r, 0.5));
    if (named && attempt < 2) {
        capitalize_word(first);
        capitalize_word(last);
        if (ch == CH_REVIEWS && attempt == 0)
            snprintf(out, size, "%s %c.", first, last[0]);
        else if (attempt == 0)
            snprintf(out, size, "%s %s", first, last);
        else
            snprintf(out, size, "%s %c. %s", first,
                     'A' + (int)rng_below(r, 26), last);
        return;
    }
    switch (rng_below(r, 7)) {
    case 0: snprintf(h, sizeof h, "%s_%c", first, last[0]); break;
    case 1: snprintf(h, sizeof h, "%s%s", first, last); break;
    case 2: snprintf(h, sizeof h, "%s%u", first, 10 + rng_below(r, 90)); break;
    case 3:
        snprintf(h, sizeof h, "%s%s", PICK(r, handle_adj),
                 PICK(r, handle_noun));
        break;
    case 4: snprintf(h, sizeof h, "%s_%s", first, PICK(r, handle_noun)); break;
    case 5: snprintf(h, sizeof h, "%s_%s", first, last); break;
    default: snprintf(h, sizeof h, "%c%s", first[0], last); break;
    }
    if (attempt >= 1 + 2 * named)
        snprintf(tail, sizeof tail, "%u",
                 rng_below(r, attempt < 5 ? 100u : 100000u));
    snprintf(out, size, "%s%.24s%s", ch == CH_TWITTER ? "@" : "", h, tail);
}

static int32_t book_new_author(author_book *b, ef_rng *r, int ch)
{
    char name[40];
    for (int attempt = 0;; attempt++) {
        make_name(r, ch, attempt, name, sizeof name);
        if (attempt > 40) /* never seen in practice; stays unique */
            snprintf(name + strlen(name) / 2, 20, "_%zu", b->n);
        if (book_claim(b, name))
            return book_add(b, name, ch);
    }
}

/* ==== Slots: when, where, what kind ====================================== */

typedef struct {
    int64_t ts;     /* posted, seconds since the epoch */
    int64_t resp;   /* first brand reply, 0 for none */
    int32_t author; /* index, ANONYMOUS or UNASSIGNED */
    uint8_t ch;     /* CH_* */
    uint8_t cls;    /* POS NEU NEG: what the text says */
    uint8_t flags;  /* F_* */
    uint8_t topic;  /* T_* of a complaint */
} slot;

/* relative volume of a day (0..363) of the year */
static double day_weight(int d, int64_t epoch_day, ef_rng *r)
{
    static const double dow_w[7] = {1.12, 1.08, 1.04, 1.00, 0.95, 0.84, 0.90};
    static const double crisis_w[7] = {1.5, 3.6, 3.4, 2.8, 2.3, 1.7, 1.5};
    /* 1970-01-01 was a Thursday */
    int dow = (int)(((epoch_day % 7) + 7 + 3) % 7);
    int month, year, mday;
    civil_from_days(epoch_day, &year, &month, &mday);
    double w = dow_w[dow];
    w *= 0.92 + 0.16 * d / (double)NDAYS; /* slow growth */
    if (month == 7 || month == 8)
        w *= 0.90; /* summer lull */
    if (month == 12 || (month == 11 && mday >= 24))
        w *= 1.15; /* holidays */
    if (month == 12 && mday >= 25)
        w *= 1.08; /* gifts opened */
    if (d / 7 == CRISIS_WEEK)
        w *= crisis_w[d % 7];
    else if (d / 7 == CRISIS_WEEK + 1 && d % 7 < 3)
        w *= 1.25 - 0.08 * (d % 7); /* aftershock */
    w *= 1.0 + 0.06 * rng_normal(r);
    return w > 0.2 ? w : 0.2;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* base negative share of a day: a slow improvement over the year */
static double neg_share(int d)
{
    static const double crisis_neg[7] = {0.40, 0.66, 0.66, 0.62,
                                         0.52, 0.40, 0.32};
    if (d / 7 == CRISIS_WEEK)
        return crisis_neg[d % 7];
    double base = 0.148 - 0.046 * d / (double)NDAYS;
    if (d / 7 == CRISIS_WEEK + 1 && d % 7 < 3)
        base += 0.06 - 0.02 * (d % 7);
    return base;
}

static int pick_topic(ef_rng *r, int month)
{
    double w[NTOPIC] = {0.20, 0.17, 0.05, 0.17, 0.10, 0.10, 0.11, 0.10};
    if (month == 12 || month == 1)
        w[T_SHIP] *= 2.2; /* holiday deliveries */
    return rng_weighted(r, w, NTOPIC);
}

static void fill_slots(ef_rng *r, slot *s, int64_t n, int64_t day0)
{
    static const double hour_w[24] = {
        1.0, 0.8, 0.6, 0.45, 0.4, 0.45, 0.6, 0.9, 1.3, 1.6, 1.8, 1.9,
        2.0, 2.1, 2.2, 2.3,  2.3, 2.2,  2.2, 2.3, 2.2, 1.9, 1.6, 1.3};
    static const double ch_w[NCHANNEL] = {30, 20, 20, 10, 5, 15};
    static const double ch_crisis[NCHANNEL] = {40, 22, 15, 12, 3, 8};
    static const double ch_neg[NCHANNEL] = {1.25, 1.0, 0.85, 1.2, 0.8, 0.75};
    static const double ch_neu[NCHANNEL] = {0.23, 0.21, 0.16,
                                            0.38, 0.19, 0.28};
    double w[NDAYS], total = 0.0, cum = 0.0;
    int64_t done = 0;
    for (int d = 0; d < NDAYS; d++)
        total += w[d] = day_weight(d, day0 + d, r);
    int64_t *secs = xmalloc(sizeof *secs * (size_t)(n + 1));
    for (int d = 0; d < NDAYS; d++) {
        cum += w[d];
        int64_t upto =
            d == NDAYS - 1 ? n : (int64_t)floor(n * (cum / total) + 0.5);
        int64_t k = upto - done;
        int64_t dayts = (day0 + d) * 86400;
        int month, year, mday;
        int week = d / 7;
        civil_from_days(day0 + d, &year, &month, &mday);
        for (int64_t j = 0; j < k; j++)
            secs[j] = rng_weighted(r, hour_w, 24) * 3600 + rng_below(r, 3600);
        qsort(secs, (size_t)k, sizeof *secs, cmp_i64);
        for (int64_t j = 0; j < k; j++) {
            slot *x = &s[done + j];
            int crisis = week == CRISIS_WEEK;
            int ch = rng_weighted(r, crisis ? ch_crisis : ch_w, NCHANNEL);
            double pn = neg_share(d) * (crisis ? 1.0 : ch_neg[ch]);
            double pu = ch_neu[ch] * (crisis ? 0.8 : 1.0);
            double u = ef_rng_uniform(r);
            memset(x, 0, sizeof *x);
            x->ts = dayts + secs[j];
            x->author = UNASSIGNED;
            x->ch = (uint8_t)ch;
            x->cls = u < pn ? NEG : u < pn + pu ? NEU : POS;
            x->topic = (uint8_t)pick_topic(r, month);
            if (crisis && x->cls == NEG && rng_chance(r, 0.92))
                x->flags |= F_CRISIS;
            else if (crisis && x->cls == NEU && rng_chance(r, 0.55))
                x->flags |= F_CRISIS;
            else if (!crisis && week == CRISIS_WEEK + 1 && d % 7 < 3 &&
                     x->cls == NEG && rng_chance(r, 0.4))
                x->flags |= F_CRISIS; /* stragglers who did not update */
            /* 3.2.1 shipped on the crisis Friday at 15:00 UTC */
            if (x->cls == POS &&
                ((crisis && (d % 7 > 4 || (d % 7 == 4 && secs[j] > 54000)) &&
                  rng_chance(r, 0.25)) ||
                 (week == CRISIS_WEEK + 1 && rng_chance(r, 0.06))))
                x->flags |= F_FIXED;
            if (x->flags & F_CRISIS)
                x->topic = T_BATT;
        }
        done = upto;
    }
    free(secs);
}

/* reserve negative slots, spread over the year, for the loud authors */
static void plant_louds(ef_rng *r, slot *s, int64_t n, int64_t day0)
{
    int64_t *cand = xmalloc(sizeof *cand * (size_t)(n + 1));
    int64_t nc = 0;
    for (int64_t i = 0; i < n; i++)
        if (s[i].cls == NEG && !(s[i].flags & F_CRISIS) &&
            (s[i].ts / 86400 - day0) / 7 != CRISIS_WEEK)
            cand[nc++] = i;
    for (int a = 0; a < NLOUD && nc > 0; a++) {
        int64_t want = (int64_t)floor(louds[a].items * (n / 20000.0) + 0.5);
        if (want < 1)
            want = 1;
        for (int64_t k = 0; k < want; k++) {
            for (int tries = 0; tries < 64; tries++) {
                slot *x = &s[cand[rng_below(r, (uint32_t)nc)]];
                if (x->author != UNASSIGNED)
                    continue;
                x->author = a;
                x->flags |= F_LOUD;
                if (rng_chance(r, 0.8))
                    x->ch = (uint8_t)louds[a].home;
                else
                    x->ch = (uint8_t)(rng_chance(r, 0.5) ? CH_TWITTER
                                                         : CH_FACEBOOK);
                if (rng_chance(r, 0.7))
                    x->topic = (uint8_t)louds[a].topic;
                break;
            }
        }
    }
    free(cand);
}

/* ==== Replies ============================================================ */

/* delay of the first brand reply, in seconds: lognormal, by channel */
static int64_t reply_delay(ef_rng *r, int ch, int cls, int crisis)
{
    static const double median_h[NCHANNEL] = {1.3, 3.0, 9.0, 14.0, 22.0, 28.0};
    double h = median_h[ch] * exp(1.05 * rng_normal(r));
    if (cls == NEG)
        h *= 0.8;
    if (crisis)
        h *= 2.2; /* the team was swamped that week */
    if (h > 14 * 24.0)
        h = 14 * 24.0 - ef_rng_uniform(r) * 48.0;
    int64_t sec = (int64_t)(h * 3600.0);
    return sec < 120 ? 120 + rng_below(r, 600) : sec;
}

/* first slot index at or after time t */
static int64_t lower_bound(const slot *s, int64_t n, int64_t t)
{
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (s[mid].ts < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* give a later positive slot to the author of negative slot i */
static int plant_follow(ef_rng *r, slot *s, int64_t n, int64_t i)
{
    int64_t after = s[i].resp + 3600 +
                    (int64_t)(86400.0 * (1.0 + 20.0 * ef_rng_uniform(r) *
                                                   ef_rng_uniform(r)));
    int64_t j0 = lower_bound(s, n, after);
    for (int pass = 0; pass < 2; pass++) {
        for (int64_t j = j0; j < n && j < j0 + 4000; j++) {
            slot *x = &s[j];
            if (x->cls != POS || x->author != UNASSIGNED || x->flags ||
                (pass == 0 && x->ch != s[i].ch))
                continue;
            x->author = s[i].author;
            x->flags |= F_FOLLOW;
            x->topic = s[i].topic;
            if (s[i].flags & F_CRISIS)
                x->flags |= F_CRISIS;
            return 1;
        }
    }
    return 0;
}

/* ==== Text composition =================================================== */

/* no "?!": scorers differ on how they strip it from a word */
static void end_punct(ef_rng *r, tbuf *t, int cls)
{
    static const double wp[] = {55, 30, 8, 4, 3};
    static const double wn[] = {55, 25, 10, 5, 5};
    static const char *const p[] = {".", "!", "!!", "!!!", ""};
    put(t, p[rng_weighted(r, cls == POS ? wp : wn, 5)]);
}

/* upper-case letters from byte a to the end */
static void upcase_from(tbuf *t, size_t a)
{
    for (size_t i = a; i < t->n; i++)
        if (t->s[i] >= 'a' && t->s[i] <= 'z')
            t->s[i] = (char)(t->s[i] - 'a' + 'A');
}

/* capital letter at the start and after ". ", "! ", "? ", "\n" */
static void sentence_case(tbuf *t, size_t a)
{
    int start = 1;
    for (size_t i = a; i < t->n; i++) {
        char c = t->s[i];
        if (start && c >= 'a' && c <= 'z') {
            t->s[i] = (char)(c - 'a' + 'A');
            start = 0;
        } else if (c == '.' || c == '!' || c == '?' || c == '\n') {
            start = i + 1 < t->n &&
                    (t->s[i + 1] == ' ' || t->s[i + 1] == '\n' || c == '\n');
        } else if (c != ' ' && c != '"') {
            start = 0;
        }
    }
}

/* expand a complaint template: $Q is the problem, $E the feeling, "$."
 * a full stop or an exclamation; $Q and $E must not sit inside [...] */
static void emit_neg(ef_rng *r, tbuf *t, const char *tmpl, const ctx *c,
                     int rude)
{
    const char *q = pick_problem(r, c->topic);
    const char *e = rude ? PICK(r, neg_feel_rude) : PICK(r, neg_feel);
    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '$' && p[1] == 'Q') {
            emit(r, t, q, c);
            p++;
        } else if (p[0] == '$' && p[1] == 'E') {
            emit(r, t, e, c);
            p++;
        } else if (p[0] == '$' && p[1] == '.') {
            /* "$." ends a sentence with varied punctuation */
            end_punct(r, t, NEG);
            p++;
        } else if (p[0] == '[' || p[0] == '$') {
            /* hand a whole bracket group or a variable to the expander */
            const char *e2 = p;
            if (p[0] == '$') {
                e2 = p + 2;
            } else {
                int depth = 0;
                for (; *e2; e2++) {
                    if (*e2 == '[')
                        depth++;
                    else if (*e2 == ']' && --depth == 0) {
                        e2++;
                        break;
                    }
                }
            }
            expand(r, t, p, (size_t)(e2 - p), c);
            p = e2 - 1;
        } else {
            putc_(t, *p);
        }
    }
}

static void gen_positive(ef_rng *r, tbuf *t, const slot *x, const ctx *c)
{
    size_t a = t->n;
    if (x->flags & F_FOLLOW) {
        if (x->flags & F_CRISIS)
            EMIT_ONE(r, t, pos_follow_crisis, c);
        else if (x->ch == CH_REVIEWS)
            EMIT_ONE(r, t, pos_follow_review, c);
        else
            EMIT_ONE(r, t, pos_follow, c);
        return;
    }
    if (x->flags & F_FIXED) {
        EMIT_ONE(r, t, pos_fixed, c);
        return;
    }
    if (x->ch == CH_SURVEY) {
        EMIT_ONE(r, t, pos_survey, c);
        sentence_case(t, a);
        return;
    }
    if (x->ch == CH_REVIEWS && rng_chance(r, 0.4)) {
        put(t, PICK(r, pos_title));
        put(t, "\n");
        a = t->n;
    }
    if (x->ch == CH_BLOG) {
        EMIT_ONE(r, t, pos_blog_open, c);
        put(t, rng_chance(r, 0.5) ? "\n\n" : " ");
    }
    size_t b = t->n;
    if (c->fam != FAM_APP && rng_chance(r, 0.25))
        EMIT_ONE(r, t, pos_hw, c);
    else
        EMIT_ONE(r, t, pos_main, c);
    sentence_case(t, b);
    end_punct(r, t, POS);
    int more = x->ch == CH_TWITTER ? rng_chance(r, 0.35)
               : x->ch == CH_BLOG  ? 1
                                   : rng_chance(r, 0.6);
    if (more) {
        put(t, " ");
        if (c->fam == FAM_HOME)
            EMIT_ONE(r, t, pos_detail_home, c);
        else if (c->fam == FAM_APP)
            EMIT_ONE(r, t, pos_detail_app, c);
        else
            EMIT_ONE(r, t, pos_detail_buds, c);
    }
    if (x->ch == CH_BLOG) {
        put(t, "\n\n");
        EMIT_ONE(r, t, pos_main, c);
        end_punct(r, t, POS);
    }
    if (rng_chance(r, 0.4)) {
        put(t, " ");
        EMIT_ONE(r, t, pos_closer, c);
    }
    sentence_case(t, a);
    if (x->ch == CH_TWITTER && rng_chance(r, 0.12))
        put(t, rng_chance(r, 0.5) ? " #PebblewaveBuds" : " #pebblewave");
    if (rng_chance(r, 0.05)) {
        put(t, " ");
        put(t, PICK(r, emoji_pos));
    }
}

static void gen_neutral(ef_rng *r, tbuf *t, const slot *x, const ctx *c0)
{
    size_t a = t->n;
    ctx hw = *c0;
    const ctx *c = &hw;
    if (hw.fam == FAM_APP) {
        hw.fam = FAM_BUDS;
        hw.prod = "the Buds";
        hw.bare = "Buds";
    }
    if (x->flags & F_CRISIS)
        EMIT_ONE(r, t, neu_crisis, c);
    else if (x->ch == CH_SURVEY)
        EMIT_ONE(r, t, neu_survey, c);
    else
        EMIT_ONE(r, t, neu_main, c);
    if (x->ch == CH_FORUM && rng_chance(r, 0.3)) {
        put(t, "\n");
        EMIT_ONE(r, t, neu_main, c);
    }
    sentence_case(t, a);
    if (x->ch == CH_TWITTER && rng_chance(r, 0.03))
        put(t, " 🤔");
}

static void gen_negative(ef_rng *r, tbuf *t, const slot *x, const ctx *c)
{
    size_t a = t->n;
    /* terse venting, a short complaint, or a detailed one */
    static const double kind_w[NCHANNEL][3] = {
        {0.42, 0.45, 0.13}, {0.25, 0.50, 0.25}, {0.15, 0.45, 0.40},
        {0.10, 0.35, 0.55}, {0.05, 0.25, 0.70}, {0.30, 0.55, 0.15}};
    int kind = rng_weighted(r, kind_w[x->ch], 3);
    int crisis = (x->flags & F_CRISIS) != 0;
    if (x->ch == CH_REVIEWS && kind > 0 && rng_chance(r, 0.45)) {
        put(t, crisis ? "Battery ruined by 3.2" : PICK(r, neg_title));
        put(t, "\n");
        a = t->n;
    }
    if (x->ch == CH_TWITTER && rng_chance(r, 0.3))
        put(t, "@Pebblewave ");
    if (kind == 0) {
        size_t b = t->n;
        if (crisis)
            EMIT_ONE(r, t, crisis_terse, c);
        else
            EMIT_ONE(r, t, neg_terse, c);
        if (rng_chance(r, 0.12))
            upcase_from(t, b);
    } else if (kind == 1) {
        if (crisis)
            emit_neg(r, t, PICK(r, crisis_mid), c, rng_chance(r, 0.2));
        else
            emit_neg(r, t, PICK(r, neg_mid), c, rng_chance(r, 0.2));
        sentence_case(t, a);
    } else if (crisis) {
        EMIT_ONE(r, t, crisis_detail, c);
    } else {
        const char *sep = x->ch == CH_BLOG || x->ch == CH_FORUM
                              ? (rng_chance(r, 0.5) ? "\n\n" : "\n")
                              : " ";
        size_t b = t->n;
        if (c->fam == FAM_APP)
            emit(r, t, "I use $P [every day|daily] with my Buds[ Pro|].", c);
        else
            EMIT_ONE(r, t, neg_ctx, c);
        put(t, " ");
        if (rng_chance(r, 0.2))
            emit(r, t, "I [really like|like] the $F, but ", c);
        else if (c->topic == T_CONN || c->topic == T_APP ||
                 c->topic == T_BATT || c->topic == T_SOUND)
            emit(r, t,
                 "[Since firmware $V|Since the last app update|Over "
                 "the last two weeks|Lately], ",
                 c);
        else
            emit(r, t, "[Lately|This week|Over the last two weeks], ", c);
        emit(r, t, pick_problem(r, c->topic), c);
        put(t, ".");
        if (rng_chance(r, 0.7)) {
            put(t, " ");
            if (c->topic == T_CARE || c->topic == T_SHIP ||
                c->topic == T_PRICE)
                EMIT_ONE(r, t, neg_tried_care, c);
            else
                EMIT_ONE(r, t, neg_tried, c);
        }
        put(t, sep);
        if (rng_chance(r, 0.6)) {
            EMIT_ONE(r, t, neg_outcome, c);
            put(t, " ");
        }
        EMIT_ONE(r, t, neg_close, c);
        sentence_case(t, b);
    }
    /* emphasis: one word in capitals now and then */
    if (kind > 0 && rng_chance(r, 0.06)) {
        static const char *const loud_words[] = {
            "broken", "terrible", "awful", "again", "still", "never"};
        const char *w = PICK(r, loud_words);
        char *p = strstr(t->s + a, w);
        if (p)
            for (size_t k = 0; w[k]; k++)
                p[k] = (char)(p[k] - 'a' + 'A');
    }
    if (rng_chance(r, 0.05)) {
        put(t, " ");
        put(t, PICK(r, emoji_neg));
    }
}

static void gen_text(ef_rng *r, tbuf *t, const slot *x, int week)
{
    ctx c;
    t->n = 0;
    t->s[0] = '\0';
    ctx_init(r, &c, week, x->topic);
    if (rng_chance(r, 0.0015)) {
        /* formula, markup and table look-alikes for escaping tests */
        put(t, x->cls == POS   ? PICK(r, markup_pos)
               : x->cls == NEU ? PICK(r, markup_neu)
                               : PICK(r, markup_neg));
        return;
    }
    if (x->cls == POS)
        gen_positive(r, t, x, &c);
    else if (x->cls == NEU)
        gen_neutral(r, t, x, &c);
    else
        gen_negative(r, t, x, &c);
    /* some people write in lower case on their phones (capitalized
     * words only: "USB-C" and shouting stay as they are) */
    if (x->ch == CH_TWITTER && rng_chance(r, 0.1))
        for (size_t i = 0; i + 1 < t->n; i++)
            if (t->s[i] >= 'A' && t->s[i] <= 'Z' && t->s[i + 1] >= 'a' &&
                t->s[i + 1] <= 'z')
                t->s[i] = (char)(t->s[i] - 'A' + 'a');
}

/* ==== Output ============================================================= */

/* one CSV field; quoted only when it must be (RFC 4180) */
static void put_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    putc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', out);
        putc(*s, out);
    }
    putc('"', out);
}

static int star_rating(ef_rng *r, int cls)
{
    static const double wp[5] = {0, 0, 5, 30, 65};
    static const double wu[5] = {0, 15, 45, 35, 5};
    static const double wn[5] = {55, 30, 15, 0, 0};
    return 1 + rng_weighted(r, cls == POS ? wp : cls == NEU ? wu : wn, 5);
}

static int nps_answer(ef_rng *r, int cls)
{
    static const double wp[11] = {0, 0, 0, 0, 0, 0, 0, 5, 15, 35, 45};
    static const double wu[11] = {0, 0, 0, 0, 2, 12, 20, 35, 25, 6, 0};
    static const double wn[11] = {12, 6, 8, 9, 13, 17, 20, 10, 5, 0, 0};
    return rng_weighted(r, cls == POS ? wp : cls == NEU ? wu : wn, 11);
}

static void put_url(FILE *out, ef_rng *r, const slot *x, int64_t i,
                    uint64_t *counter)
{
    uint64_t k;
    switch (x->ch) {
    case CH_TWITTER:
        /* snowflake-like: milliseconds since 2010-11-04 and a sequence */
        k = ((uint64_t)(x->ts * 1000 + rng_below(r, 1000) - 1288834974657LL)
             << 22) |
            ((uint64_t)i & 0x3FFFFF);
        fprintf(out, "https://twitter.example/status/%llu",
                (unsigned long long)k);
        break;
    case CH_FACEBOOK:
        counter[CH_FACEBOOK] += 1 + rng_below(r, 40);
        fprintf(out, "https://facebook.example/pebblewave/posts/%llu",
                (unsigned long long)(100000000000ULL + counter[CH_FACEBOOK]));
        break;
    case CH_REVIEWS:
        counter[CH_REVIEWS] += 1 + rng_below(r, 7);
        fprintf(out, "https://reviews.example/pebblewave/review/%llu",
                (unsigned long long)(4000000 + counter[CH_REVIEWS]));
        break;
    case CH_FORUM:
        counter[CH_FORUM] += 1 + rng_below(r, 3);
        fprintf(out, "https://community.pebblewave.example/t/%llu",
                (unsigned long long)(20000 + counter[CH_FORUM]));
        break;
    case CH_BLOG:
        counter[CH_BLOG] += 1 + rng_below(r, 9);
        fprintf(out, "https://blogs.example/p/%llu",
                (unsigned long long)(700000 + counter[CH_BLOG]));
        break;
    default: break; /* survey answers have no page */
    }
}

/* ==== Command line ======================================================= */

static void usage(FILE *f)
{
    fputs("usage: gen_sample [-n ROWS] [-s SEED] [--start YYYY-MM-DD]\n"
          "Print a year (52 weeks) of sample feedback as CSV on stdout.\n"
          "  -n ROWS             number of rows (default 20000)\n"
          "  -s SEED             random seed (default 1)\n"
          "  --start YYYY-MM-DD  first day, best a Monday "
          "(default 2025-01-06)\n",
          f);
}

static int bad_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "gen_sample: %s%s%s\n", msg, arg ? ": " : "",
            arg ? arg : "");
    fputs("gen_sample: try 'gen_sample --help'\n", stderr);
    return 64;
}

static int parse_date(const char *s, int64_t *day)
{
    int y, m, d, len = 0, dd, mm, yy;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &len) != 3 || s[len] != '\0' ||
        len != 10 || m < 1 || m > 12 || d < 1 || d > 31)
        return 0;
    *day = days_from_civil(y, m, d);
    civil_from_days(*day, &yy, &mm, &dd);
    return yy == y && mm == m && dd == d;
}

static int parse_u64(const char *s, unsigned long long *v)
{
    char *end;
    if (!*s || *s == '-')
        return 0;
    *v = strtoull(s, &end, 10);
    return *end == '\0';
}

/* ==== Main =============================================================== */

int main(int argc, char **argv)
{
    unsigned long long rows = DEFAULT_ROWS, seed = 1;
    int64_t day0 = days_from_civil(2025, 1, 6);
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(o, "-n") || !strcmp(o, "--rows")) {
            if (!v)
                return bad_usage("option requires a value", o);
            if (!parse_u64(v, &rows) || rows < 1 ||
                rows > (unsigned long long)MAX_ROWS)
                return bad_usage("bad row count (1 to 50000000)", v);
            i++;
        } else if (!strcmp(o, "-s") || !strcmp(o, "--seed")) {
            if (!v)
                return bad_usage("option requires a value", o);
            if (!parse_u64(v, &seed))
                return bad_usage("bad seed", v);
            i++;
        } else if (!strcmp(o, "--start")) {
            if (!v)
                return bad_usage("option requires a value", o);
            if (!parse_date(v, &day0))
                return bad_usage("bad date, want YYYY-MM-DD", v);
            i++;
        } else {
            return bad_usage("unknown option", o);
        }
    }

    int64_t n = (int64_t)rows;
    ef_rng r;
    ef_rng_seed(&r, seed);
    slot *s = xmalloc(sizeof *s * (size_t)n);
    fill_slots(&r, s, n, day0);
    plant_louds(&r, s, n, day0);

    author_book book;
    book_init(&book, (size_t)n);
    for (int a = 0; a < NLOUD; a++) {
        book_claim(&book, louds[a].name);
        book_add(&book, louds[a].name, louds[a].home);
    }
    /* authors to copy from, per channel and polarity: copying an earlier
     * row's author makes a long tail (a Yule-Simon process) */
    int32_t *pool[NCHANNEL][2];
    size_t pool_n[NCHANNEL][2], pool_cap[NCHANNEL][2];
    for (int c = 0; c < NCHANNEL; c++)
        for (int g = 0; g < 2; g++) {
            pool_cap[c][g] = 1024;
            pool_n[c][g] = 0;
            pool[c][g] = xmalloc(pool_cap[c][g] * sizeof(int32_t));
        }
    static const double anon_p[NCHANNEL] = {0.012, 0.01, 0.03,
                                            0.015, 0.0,  0.095};

    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    fputs("id,date,channel,author,text,rating,nps,responded_at,url\n", stdout);
    int width = 6;
    for (int64_t m = 1000000; m <= n; m *= 10)
        width++;
    uint64_t counter[NCHANNEL] = {0};
    ef_rng tr; /* texts draw from their own stream */
    ef_rng_seed(&tr, seed ^ 0x7E57ED5EEDULL);
    tbuf text;
    char when[TIME_LEN], reply[TIME_LEN];

    for (int64_t i = 0; i < n; i++) {
        slot *x = &s[i];
        int g = x->cls == NEG;
        int week = (int)((x->ts / 86400 - day0) / 7);
        if (x->author == UNASSIGNED) {
            double copy = g ? 0.36 : x->cls == NEU ? 0.17 : 0.15;
            int from = g;
            if (x->cls == NEU && rng_chance(&r, 0.08))
                from = 1; /* a complainer asks a follow-up */
            if (rng_chance(&r, anon_p[x->ch]))
                x->author = ANONYMOUS;
            else if (pool_n[x->ch][from] >= 64 && rng_chance(&r, copy))
                x->author = pool[x->ch][from]
                                [rng_below(&r, (uint32_t)pool_n[x->ch][from])];
            else
                x->author = book_new_author(&book, &r, x->ch);
        }
        if (x->author >= NLOUD) {
            if (pool_n[x->ch][g] == pool_cap[x->ch][g]) {
                pool_cap[x->ch][g] *= 2;
                pool[x->ch][g] = xrealloc(pool[x->ch][g], pool_cap[x->ch][g] *
                                                              sizeof(int32_t));
            }
            pool[x->ch][g][pool_n[x->ch][g]++] = x->author;
        }

        /* the brand's first reply */
        int crisis = week == CRISIS_WEEK;
        double p_reply = x->cls == NEG   ? (x->flags & F_LOUD ? 0.3
                                            : crisis          ? 0.42
                                                              : 0.55)
                         : x->cls == NEU ? 0.18
                                         : 0.13;
        if (x->cls == NEG && x->author >= NLOUD && !(x->flags & F_FOLLOW) &&
            rng_chance(&r, 0.016))
            x->flags |= F_FORCE; /* a turnaround story starts here */
        if ((x->flags & F_FORCE) || rng_chance(&r, p_reply))
            x->resp = x->ts + reply_delay(&r, x->ch, x->cls, crisis);
        if (x->flags & F_FORCE)
            plant_follow(&r, s, n, i);

        gen_text(&tr, &text, x, week);

        format_time(x->ts, when);
        printf("fb-%0*lld,%s,%s,", width, (long long)(i + 1), when,
               channel_name[x->ch]);
        if (x->author >= 0)
            put_field(stdout, book.v[x->author].name);
        putchar(',');
        put_field(stdout, text.s);
        putchar(',');
        if (x->ch == CH_REVIEWS)
            printf("%d", x->flags & F_FOLLOW ? 4 + (int)rng_below(&r, 2)
                                             : star_rating(&r, x->cls));
        putchar(',');
        if (x->ch == CH_SURVEY)
            printf("%d", nps_answer(&r, x->cls));
        putchar(',');
        if (x->resp) {
            format_time(x->resp, reply);
            fputs(reply, stdout);
        }
        putchar(',');
        put_url(stdout, &r, x, i, counter);
        putchar('\n');
    }

    for (int c = 0; c < NCHANNEL; c++)
        for (int g = 0; g < 2; g++)
            free(pool[c][g]);
    book_reset(&book);
    free(s);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen_sample: stdout");
        return 74;
    }
    return 0;
}
