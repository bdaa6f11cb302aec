/* findings.h - the report's sentences, written once from the model and
 * read by every output: the charts (titles, notes under them, alt text),
 * report.md and report.html (report_vars.c) and the workbook (xlsx.c).
 *
 * The contract, for every function here:
 *   - it reads only the report model (metrics.h) and words the
 *     statistics it holds; the only numbers it works out itself are the
 *     comparisons that choose a title's sentence (first against last
 *     quarter of the periods, a peak against the median);
 *   - it appends to the ef_buf it is given (or writes into out, at most
 *     cap bytes, NUL-terminated) and never clears what is there;
 *   - what it writes is plain UTF-8, not escaped for any output. Its words
 *     come from earful and the model's own labels (dates, numbers, and in
 *     the charts' words the channel names and spike terms, cleaned of
 *     control characters), never from a feedback item's text; still, each
 *     output escapes it as it escapes all text (the chart for SVG, the
 *     renderer for Markdown and HTML, the workbook for its cells), so the
 *     caller owns the escaping;
 *   - a sentence that follows another is separated from it by one space
 *     (when the buffer is not empty), and ends with its full stop.
 */
#ifndef EF_FINDINGS_H
#define EF_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "metrics/metrics.h"
#include "util/util.h"

/* The report's period as a word: "day", "week" or "month". A static
 * string. */
const char *ef_find_unit(const ef_report *r);

/* A period as a sentence names it: "week 2025-W14", "2025-03-31",
 * "March 2025". Writes into out (cap bytes). */
void ef_find_period_phrase(const ef_report *r, const ef_period_stat *p,
                           char *out, size_t cap);

/* A period's label as a table or a chart category shows it: the label,
 * and " (partial)" after it when the data cover it only in part. Writes
 * into out (cap bytes). */
void ef_find_period_label(const ef_period_stat *p, char *out, size_t cap);

/* For each partial period: "2015-W09 is partial: the data cover 2 of its
 * 7 days." ("hours" for daily periods; "1 day", not "1 days"). Appends
 * nothing when no period is partial. */
void ef_find_partial_periods(const ef_report *r, ef_buf *b);

/* The report's note on partial periods: the sentences of
 * ef_find_partial_periods, then "A partial week is marked, and no
 * comparison or trend sentence uses it."; or nothing. */
void ef_find_partial_note(const ef_report *r, ef_buf *b);

/* The note under a trend chart on how it marks partial periods: "<how>:
 * partial weeks, which the data cover only in part." ("<how>: a partial
 * week, ..." when there is one); or nothing. how is the mark, e.g.
 * "Hatched bars". */
void ef_find_partial_mark(const ef_report *r, const char *how, ef_buf *b);

/* ==== Numbers as sentences say them ===================================
 * Each writes into out, which holds at least 32 bytes. */

/* "1,234,567" */
void ef_find_count(char *out, uint64_t v);

/* A share as a percentage with d decimals: "12.3%". */
void ef_find_pct(char *out, double share, int d);

/* A share as people say it: "12%", "4.5%", "0.3%", "<0.1%". */
void ef_find_share(char *out, double s);

/* v rounded to two significant digits, as a count: "1,200". */
void ef_find_about(char *out, double v);

/* ==== What a sentence may use ========================================== */

/* Whether a period has enough items to call (not too_few, n > 0). */
int ef_find_reliable(const ef_period_stat *p);

/* Whether a period is a spike that a sentence may name (and reliable). */
int ef_find_spike(const ef_period_stat *p);

/* Whether the report's shares are re-estimated from human labels: then
 * sentences and charts use those first, VADER's beside them. */
int ef_find_checked(const ef_report *r);

/* The share a sentence or chart uses for a period or group: the
 * re-estimated one when there is one, else VADER's. */
const ef_share *ef_find_plotted(int adjusted, const ef_share *adj,
                                const ef_share *vader);
#define EF_PSHARE(q) ef_find_plotted((q)->adjusted, &(q)->adj, &(q)->negative)
#define EF_GSHARE(g) ef_find_plotted((g)->adjusted, &(g)->adj, &(g)->negative)

/* A signed whole number as NPS is said: "+23", "0", "−23"
 * (U+2212). out holds 32 bytes. */
void ef_find_signed(char *out, double v);

/* A compound score: "+0.05", "0", "−0.5" (U+2212), at most
 * two decimals, no trailing zeros. out holds 32 bytes. */
void ef_find_score(char *out, double v);

/* Whether the negative share charts show re-estimated shares: the report
 * is checked against human labels and some reliable period has one. */
int ef_find_adjusted(const ef_report *r);

/* Whether some period has NPS answers (the NPS chart is a line). */
int ef_find_nps_periods(const ef_report *r);

/* Whether a period has enough NPS answers to call (min_n or more). */
int ef_find_nps_reliable(const ef_report *r, const ef_period_stat *q);

/* ==== Chart titles ====================================================== */

/* The negative share trend's title, no full stop: its level or direction
 * over whole, reliable periods ("Negative share rose from 8.0% to 14%"),
 * and its spikes (", with a spike in week 2025-W14 (31%)"). */
void ef_find_title_negative(const ef_report *r, ef_buf *b);

/* The volume chart's title, no full stop: a peak ("Volume peaked in ...
 * at 1,234 items, 3.1x a typical week"), a rise or fall, or the typical
 * volume; over whole periods. */
void ef_find_title_volume(const ef_report *r, ef_buf *b);

/* ==== A chart's words ===================================================
 * Each fills the four parts of a chart's words, appending to each: its
 * title (no full stop), the subtitle under it (no full stop), the note at
 * its foot and its description (the alt text, <desc>). Names from the
 * data (channels, spike terms) are cleaned (ef_text_clean); in titles a
 * name is also set between Unicode isolates (ef_text_isolate), which a
 * caller that does not draw the text strips. */
typedef struct {
    ef_buf title, subtitle, note, desc;
} ef_find_text;

/* Frees the four buffers; they are then empty and reusable. */
void ef_find_text_reset(ef_find_text *t);

/* The volume chart: "Items per week by sentiment class · 1,234 items in 9
 * weeks", the lighter (too few) and hatched (partial) bars, and the
 * fewest and most items. r has at least one period. */
void ef_find_chart_volume(const ef_report *r, ef_find_text *t);

/* The negative share trend: VADER's or re-estimated shares
 * (ef_find_adjusted), the lowest and highest period, each spike with its
 * terms, the periods too few to call. r has at least one period. */
void ef_find_chart_negative(const ef_report *r, ef_find_text *t);

/* The channel chart, its rows[0..shown) in the order drawn (highest share
 * first, too few last): who is highest and lowest, each row's share, and
 * "Showing the 12 largest of 40 channels." when some are left out. */
void ef_find_chart_channels(const ef_report *r, const size_t *rows,
                            size_t shown, ef_find_text *t);

/* The mix (distribution of compound scores): the class that holds most,
 * the thresholds, the three shares. */
void ef_find_chart_mix(const ef_report *r, ef_find_text *t);

/* The NPS chart: a move between the first and last quarter, a low
 * period, or the score with promoters and detractors; "Only 3 NPS
 * answers: too few to call ..." below min_n; the score per period. */
void ef_find_chart_nps(const ef_report *r, ef_find_text *t);

/* The star ratings chart: the mean and CSAT, "Only 1 rating: too few to
 * call ..." below min_n, the share of each star. */
void ef_find_chart_stars(const ef_report *r, ef_find_text *t);

/* ==== Notes on tables =================================================== */

/* The note on the channel table (segment 0) or the segment table (1):
 * that the column looks like an id ("The channel column has 1,200
 * distinct values in 1,500 items, as an id or a URL column would: ..."),
 * that the last row pools the rest ("The 20 channels with the most items
 * are shown; the last row pools the rest (5 channels)."), that the count
 * is an estimate; or nothing when every value has its row. */
void ef_find_group_note(const ef_report *r, int segment, ef_buf *b);

#endif
