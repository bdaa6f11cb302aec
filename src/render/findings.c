/* findings.c - the report's sentences from the model (see findings.h). */
#include "render/findings.h"

#include <stdio.h>

static const char *const MONTH_NAME[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

const char *ef_find_unit(const ef_report *r)
{
    switch (r->period_kind) {
    case EF_PERIOD_DAY: return "day";
    case EF_PERIOD_MONTH: return "month";
    default: return "week";
    }
}

void ef_find_period_phrase(const ef_report *r, const ef_period_stat *p,
                           char *out, size_t cap)
{
    int y, m;
    if (r->period_kind == EF_PERIOD_MONTH &&
        sscanf(p->label, "%d-%d", &y, &m) == 2 && m >= 1 && m <= 12)
        snprintf(out, cap, "%s %d", MONTH_NAME[m - 1], y);
    else if (r->period_kind == EF_PERIOD_DAY)
        snprintf(out, cap, "%s", p->label);
    else
        snprintf(out, cap, "week %s", p->label);
}

void ef_find_period_label(const ef_period_stat *p, char *out, size_t cap)
{
    snprintf(out, cap, p->partial ? "%s (partial)" : "%s", p->label);
}

void ef_find_partial_periods(const ef_report *r, ef_buf *b)
{
    const char *unit = r->period_kind == EF_PERIOD_DAY ? "hour" : "day";

    for (size_t i = 0; i < r->nperiods; i++) {
        const ef_period_stat *p = &r->periods[i];
        if (!p->partial)
            continue;
        ef_buf_printf(b,
                      "%s%s is partial: the data cover %d of its %d "
                      "%s%s.",
                      b->len ? " " : "", p->label, p->covered, p->length, unit,
                      p->length == 1 ? "" : "s");
    }
}

void ef_find_partial_note(const ef_report *r, ef_buf *b)
{
    size_t len = b->len;

    ef_find_partial_periods(r, b);
    if (b->len > len)
        ef_buf_printf(b,
                      " A partial %s is marked, and no comparison or "
                      "trend sentence uses it.",
                      r->period_name);
}

void ef_find_partial_mark(const ef_report *r, const char *how, ef_buf *b)
{
    size_t k = 0;

    for (size_t i = 0; i < r->nperiods; i++)
        k += r->periods[i].partial != 0;
    if (k == 0)
        return;
    ef_buf_printf(b, "%s%s: %s%s%s, which the data cover only in part.",
                  b->len ? " " : "", how, k == 1 ? "a partial " : "partial ",
                  ef_find_unit(r), k == 1 ? "" : "s");
}
