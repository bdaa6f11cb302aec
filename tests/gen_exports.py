#!/usr/bin/env python3
"""Writes the exports tests/suites/exports.sh reads: one airline feedback
export as published and after round trips through a spreadsheet, and
smaller files for dates, empty results, responses and spikes. All made
up here, deterministic (seeded).

usage: gen_exports.py DIR
"""
import csv
import datetime as dt
import os
import random
import sys

OUT = sys.argv[1]
rnd = random.Random(14)
AIRLINES = ["United", "US Airways", "American", "Southwest", "Delta",
            "Virgin America"]
NEG = ["@{a} lost my bag again, third time this month",
       "@{a} flight delayed 3 hours and nobody tells us anything",
       "@{a} worst customer service ever, on hold for 2 hours",
       "@{a} my seat was broken and the crew did not care",
       "@{a} cancelled flight and no rebooking, terrible"]
POS = ["@{a} thanks for the upgrade, lovely crew",
       "@{a} great landing and a smooth flight",
       "@{a} the gate agent in Denver was wonderful"]
NEU = ["@{a} what is the baggage allowance to Paris?",
       "@{a} is flight {n} on time",
       "@{a} do you fly to Austin in May"]
USERS = ["%s_%s%d" % (rnd.choice(["jet", "sky", "travel", "fly", "miles"]),
                      rnd.choice(["ann", "bo", "cy", "dee", "eve"]), k)
         for k in range(150)]


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="",
              encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


# ==== The airline export =====================================================
# 1,200 tweets from Monday 2015-02-16 to Tuesday 2015-03-10: weeks W08 to
# W10 whole, W11 two days. Then 25 rows exported twice (true duplicates)
# and 3 rows whose id another row has (conflicts).
start = dt.datetime(2015, 2, 16)
span = 23 * 86400
tweets = []
for i in range(1200):
    a = rnd.choice(AIRLINES)
    kind = rnd.random()
    pool = NEG if kind < 0.3 else POS if kind < 0.55 else NEU
    text = rnd.choice(pool).format(a=a.replace(" ", ""), n=1000 + i)
    text += " #%d" % i  # every tweet its own
    t = start + dt.timedelta(seconds=int(i * span / 1200) + rnd.randint(0, 600))
    tweets.append([567588278875213824 + i * 2300000017, a,
                   rnd.choice(USERS), text, t])
rows = list(tweets)
for r in rnd.sample(tweets[:600], 25):
    rows.append(list(r))
for k, r in enumerate(rnd.sample(tweets[:600], 3)):
    rows.append([r[0], r[1], r[2], "@%s edited reply %d, still waiting" %
                 (r[1].replace(" ", ""), k), r[4] + dt.timedelta(minutes=5)])
HEADER = ["tweet_id", "airline", "name", "text", "tweet_created"]


def twitter(t):
    return t.strftime("%a %b %d %H:%M:%S +0000 %Y")


write("pristine.csv", HEADER,
      [[str(r[0]), r[1], r[2], r[3], twitter(r[4])] for r in rows])
# a spreadsheet's round trip: 18-digit ids in scientific notation, dates
# day first without seconds
write("mangled.csv", HEADER,
      [["%.5E" % r[0], r[1], r[2], r[3], r[4].strftime("%d-%m-%Y %H:%M")]
       for r in rows])
# another: ids cut to 15 significant digits, dates month first with AM/PM
write("cut.csv", HEADER,
      [[str(r[0])[:15] + "000", r[1], r[2], r[3],
        r[4].strftime("%m/%d/%Y %I:%M %p")] for r in rows])

# Conflicts and duplicates inside one insert statement (16 rows) and
# across statements.
one = []
for i in range(40):
    one.append([i, "2015-02-16T10:%02d:00Z" % i, "text %d" % i])
    if i == 5:
        one.append([5, "2015-02-16T10:05:00Z", "other text"])  # conflict
        one.append([5, "2015-02-16T10:05:00Z", "text 5"])  # duplicate
    if i == 30:
        one.append([2, "2015-02-16T10:02:00Z", "text 2"])  # duplicate
        one.append([3, "2015-02-16T10:03:00Z", "changed"])  # conflict
write("close.csv", ["id", "date", "text"], one)

# ==== Dates ==================================================================
# every day and month at most 12: day first or month first?
write("ambiguous.csv", ["id", "date", "text"],
      [[i, "%02d/%02d/2015 10:%02d" % (1 + i % 12, 1 + (i * 5) % 12, i % 60),
        "The crew was great %d" % i] for i in range(40)])
# mostly unreadable
write("unreadable.csv", ["id", "date", "text"],
      [[i, ["yesterday", "2 hours ago", "24-02-2015 11:35", "n/a"][i % 4],
        "Fine flight %d" % i] for i in range(40)])
# European: dots, and 11.35 for the time
write("dots.csv", ["id", "Date", "Comment"],
      [[i, (start + dt.timedelta(hours=7 * i)).strftime("%d.%m.%Y %H.%M"),
        "The lounge was nice %d" % i] for i in range(40)])

# ==== Ratings and NPS answers as survey and review tools write them =========
# 10 rows whose values are written the ways exports write them, and 4
# that stay rejected (4.5 stars, 8/10 as a rating, "5 stars!!", a range)
survey = [
    ("5 stars", "10 - Extremely likely"),
    ("1 star", "0 - Not at all likely"),
    ("4/5", "9 \u2013 Extremely likely"),
    ("4 / 5", "10 \u2014 Extremely likely"),
    ("4 out of 5", "7/10"),
    ("4,0", "8 out of 10"),
    ("\u2605\u2605\u2605\u2606\u2606", "6,0"),
    ("\u2b50\u2b50\u2b50\u2b50\u2b50", "5"),
    ("2 Stars", "3 / 10"),
    ("4.0 out of 5 stars", ""),
    ("4.5", "9"),
    ("8/10", "9"),
    ("5 stars!!", ""),
    ("3", "9-10"),
]
write("survey.csv", ["id", "submitted_at", "rating",
                     "likelihood_to_recommend", "comment"],
      [[100 + i, "2025-03-%02dT10:00:00Z" % (3 + i), r, n,
        "The checkout was quick, answer %d" % i]
       for i, (r, n) in enumerate(survey)])

# A "rating" column on 1-10 (or 0-10): 32 of 40 values above 5 or 0,
# whose rows would all be rejected; and a 1-5 column with 4 such slips
TEN = [10, 9, 8, 7, 3, 10, 9, 6, 1, 0]
write("rating10.csv", ["id", "date", "text", "rating"],
      [[i, "2025-03-%02dT10:00:00Z" % (1 + i % 28),
        "Delivery was on time %d" % i, TEN[i % 10]] for i in range(40)])
write("rating_slips.csv", ["id", "date", "text", "rating"],
      [[i, "2025-03-%02dT10:00:00Z" % (1 + i % 28),
        "Delivery was on time %d" % i,
        [8, 10, 0, 7][i // 10] if i % 10 == 9 else 1 + i % 5]
       for i in range(40)])

# ==== Ids kept as text by a spreadsheet ======================================
# ="00100": Excel's text formula, which keeps the zeros, quoted as CSV
# quotes it ("=""00100""") for the first 10 rows and as written by hand
# for the next 10; a later export has the same 20 items with plain ids,
# and 5 new ones.
idrows = [("%05d" % (100 + i), "2025-03-%02dT10:00:00Z" % (1 + i),
           "The app keeps logging me out, ticket %d" % i) for i in range(25)]
with open(os.path.join(OUT, "ids_excel.csv"), "w", newline="",
          encoding="utf-8") as f:
    f.write("id,date,text\r\n")
    for k, (i, d, t) in enumerate(idrows[:20]):
        f.write('"=""%s""",%s,"%s"\r\n' % (i, d, t) if k < 10 else
                '="%s",%s,"%s"\r\n' % (i, d, t))
write("ids_plain.csv", ["id", "date", "text"], idrows)

# ==== Nothing usable =========================================================
write("header_only.csv", ["id", "date", "text"], [])
write("no_text.csv", ["id", "date", "text"],
      [[i, "2015-02-%02d" % (1 + i), ""] for i in range(10)])

# ==== Responses ==============================================================
# the brand answered some: responded_at where it did, empty where not
resp = []
for i in range(60):
    t = start + dt.timedelta(hours=9 * i)
    answered = i % 3 == 0
    resp.append([i, t.isoformat() + "Z", rnd.choice(USERS),
                 rnd.choice(NEG).format(a="united", n=i) + " #%d" % i,
                 (t + dt.timedelta(hours=2)).isoformat() + "Z"
                 if answered else ""])
write("responses.csv", ["id", "created_at", "username", "text",
                        "responded_at"], resp)

# ==== Spikes =================================================================
# Ten weeks from Monday 2025-01-06 to Sunday 2025-03-16: 10% negative,
# but in week 2025-W09 one author posts 15 complaints about a refund and
# ten people complain about the wifi.
spike = []
week0 = dt.datetime(2025, 1, 6)
for w in range(10):
    for k in range(40):
        t = week0 + dt.timedelta(days=7 * w, hours=4 * k + 1)
        if w == 8 and k < 15:
            spike.append([t, "@angry_al",
                          "refund refused again by the refund desk, useless "
                          "#%d" % k])
        elif w == 8 and k < 25:
            spike.append([t, "@wifi_%d" % k,
                          "the wifi died mid flight, awful wifi #%d" % k])
        elif k < 4:
            spike.append([t, "@grumpy_%d_%d" % (w, k),
                          "the coffee was cold and bad #%d" % k])
        else:
            spike.append([t, "@happy_%d_%d" % (w, k),
                          "great crew and a smooth flight #%d" % k])
write("spike.csv", ["date", "author", "text"],
      [[t.isoformat() + "Z", a, x] for t, a, x in spike])
write("spike_noauthor.csv", ["date", "text"],
      [[t.isoformat() + "Z", x] for t, a, x in spike])

# ==== The column names of real export formats ================================
# One small file per tool, with its headers as its documentation gives
# them: 30 rows over four weeks from Monday 2025-02-03, every fifth row
# negative. Where the tool exports a title or the brand's reply beside the
# customer's text, the title and the reply are positive and the body
# negative, so the counts say which column was read.
BODY_NEG = "Terrible app, it crashed and I lost my data. Awful support."
BODY_POS = "Works well and the team was helpful"
TITLE = "Great app, love it"
REPLY = "Thank you so much, we love hearing from happy customers!"
t0 = dt.datetime(2025, 2, 3, 9, 0, 0)


def when(i):
    return t0 + dt.timedelta(hours=22 * i + 1)


def body(i):
    return BODY_NEG if i % 5 == 0 else BODY_POS


def write_enc(name, header, rows, encoding):
    with open(os.path.join(OUT, name), "w", newline="",
              encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


N = 30
write("fmt_trustpilot.csv",
      ["Review Id", "Review Created (UTC)", "Review Consumer User Id",
       "Review Title", "Review Content", "Review Stars", "Source Of Review",
       "Review Language", "Domain URL", "Company Reply Date (UTC)",
       "Reply Content", "Reference Id"],
      [["65f%021x" % i, when(i).strftime("%Y-%m-%d %H:%M:%S"),
        "5c%022x" % (i % 17), TITLE, body(i), 1 if i % 5 == 0 else 5,
        "AFSv2", "en", "https://acme.example",
        when(i + 1).strftime("%Y-%m-%d %H:%M:%S") if i % 2 == 0 else "",
        REPLY if i % 2 == 0 else "", "order-%d" % (i // 2)]
       for i in range(N)])
# Google Play's monthly reviews file is UTF-16 with a BOM
write_enc("fmt_googleplay.csv",
          ["Package Name", "App Version Code", "App Version Name",
           "Reviewer Language", "Device", "Review Submit Date and Time",
           "Review Submit Millis Since Epoch",
           "Review Last Update Date and Time",
           "Review Last Update Millis Since Epoch", "Star Rating",
           "Review Title", "Review Text", "Developer Reply Date and Time",
           "Developer Reply Millis Since Epoch", "Developer Reply Text",
           "Review Link"],
          [["com.acme.app", 120, "1.2.0", "en", "a52q",
            when(i).strftime("%Y-%m-%dT%H:%M:%SZ"),
            int(when(i).replace(tzinfo=dt.timezone.utc).timestamp() * 1000),
            when(i).strftime("%Y-%m-%dT%H:%M:%SZ"), "", 1 if i % 5 == 0 else 4,
            TITLE if i % 3 == 0 else "", body(i),
            when(i + 2).strftime("%Y-%m-%dT%H:%M:%SZ") if i % 3 == 0 else "",
            "", REPLY if i % 3 == 0 else "",
            "https://play.google.com/apps/publish?reviewId=gp:%d" % i]
           for i in range(N)], "utf-16")
write("fmt_appfollow.csv",
      ["Review ID", "Date", "Store", "App", "Author", "Title", "Review",
       "Rating", "Version", "Country", "Reply", "Reply Date"],
      [[900000 + i, when(i).strftime("%Y-%m-%d %H:%M:%S"),
        "App Store" if i % 2 else "Google Play", "Acme",
        "nick%d" % (i % 11), TITLE, body(i), 1 if i % 5 == 0 else 5,
        "1.2", "US", REPLY if i % 4 == 0 else "",
        when(i + 1).strftime("%Y-%m-%d %H:%M:%S") if i % 4 == 0 else ""]
       for i in range(N)])
write("fmt_zendesk.csv",
      ["Id", "Requester", "Requester id", "Subject", "Description", "Status",
       "Priority", "Via", "Created at", "Updated at"],
      [[4000 + i, "Customer %d" % (i % 13), 77000 + i % 13, TITLE, body(i),
        "solved", "normal", "Email" if i % 2 else "Web Form",
        when(i).strftime("%Y-%m-%d %H:%M:%S"),
        when(i + 1).strftime("%Y-%m-%d %H:%M:%S")] for i in range(N)])
NPS_Q = "How likely are you to recommend Acme to a friend or colleague?"
write("fmt_typeform.csv",
      ["#", NPS_Q, "What is the main reason for your score?",
       "Start Date (UTC)", "Submit Date (UTC)", "Network ID"],
      [["r%08x" % i, 2 if i % 5 == 0 else 9, body(i),
        (when(i) - dt.timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S"),
        when(i).strftime("%Y-%m-%d %H:%M:%S"), "n%04x" % i]
       for i in range(N)])
SM_Q = ("How likely is it that you would recommend Acme to a friend or "
        "colleague?")
write("fmt_surveymonkey.csv",
      ["Respondent ID", "Collector ID", "Start Date", "End Date",
       "IP Address", SM_Q, "What is the primary reason for your score?"],
      [[11400000000 + i, 4300000, (when(i) - dt.timedelta(minutes=4))
        .strftime("%m/%d/%Y %I:%M:%S %p"),
        when(i).strftime("%m/%d/%Y %I:%M:%S %p"), "192.0.2.%d" % i,
        2 if i % 5 == 0 else 10, body(i)] for i in range(N)])
# two questions alike: which one is the NPS is not guessed
write("fmt_survey_two_questions.csv",
      ["Respondent ID", "End Date", NPS_Q,
       "After this, how likely are you to recommend us again?",
       "What is the primary reason for your score?"],
      [[i, when(i).strftime("%Y-%m-%d %H:%M:%S"), 9, 8, body(i)]
       for i in range(N)])
write("fmt_brandwatch.csv",
      ["Query Id", "Query Name", "Date", "Title", "Url", "Domain",
       "Sentiment", "Page Type", "Language", "Author", "Full Name",
       "Full Text", "Thread Id"],
      [[1998000000, "Acme brand", when(i).strftime("%Y-%m-%d %H:%M:%S.0"),
        TITLE, "https://x.example/status/%d" % i, "x.example", "positive",
        "twitter" if i % 2 else "forum", "en", "handle%d" % (i % 9),
        "Full Name %d" % (i % 9), body(i), i] for i in range(N)])
write("fmt_sprout.csv",
      ["Date (UTC)", "Network", "Message Type", "Profile", "Author",
       "Message", "Permalink"],
      [[when(i).strftime("%Y-%m-%d %H:%M"), "Twitter" if i % 2 else
        "Facebook", "Mention", "Acme", "fan%d" % (i % 7), body(i),
        "https://x.example/%d" % i] for i in range(N)])
write("fmt_talkwalker.csv",
      ["url", "published", "title", "content", "source_type", "lang",
       "extra_author_attributes.name", "sentiment"],
      [["https://news.example/%d" % i,
        when(i).strftime("%Y-%m-%dT%H:%M:%S.000Z"), TITLE, body(i),
        "ONLINENEWS" if i % 2 else "SOCIALMEDIA", "en", "Writer %d" % (i % 5),
        5] for i in range(N)])
write("fmt_mention.csv",
      ["Mention", "Date (UTC)", "Author", "Url", "Network"],
      [[body(i), when(i).strftime("%Y-%m-%d %H:%M:%S"), "acct%d" % (i % 6),
        "https://x.example/m/%d" % i, "Instagram"] for i in range(N)])
# Twitter's API: "source" is the app a tweet was written in, as HTML
TW_APPS = ['<a href="http://twitter.com/download/iphone" rel="nofollow">'
           'Twitter for iPhone</a>',
           '<a href="http://twitter.com/download/android" rel="nofollow">'
           'Twitter for Android</a>',
           '<a href="https://mobile.twitter.com" rel="nofollow">'
           'Twitter Web App</a>']
write("fmt_twitter_api.csv",
      ["id", "id_str", "created_at", "full_text", "user.screen_name",
       "user.name", "lang", "retweet_count", "source"],
      [[1895000000000000000 + i * 1000, str(1895000000000000000 + i * 1000),
        when(i).strftime("%a %b %d %H:%M:%S +0000 %Y"), body(i),
        "tw_%d" % (i % 8), "Tw %d" % (i % 8), "en", i % 3,
        TW_APPS[i % 3]] for i in range(N)])
# Qualtrics writes two rows below the header: the question texts, then
# each column's import id as JSON
QT_IDS = ["startDate", "endDate", "status", "progress", "duration",
          "finished", "recordedDate", "_recordId", "QID2_TEXT"]
with open(os.path.join(OUT, "fmt_qualtrics.csv"), "w", newline="",
          encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["StartDate", "EndDate", "Status", "Progress",
                "Duration (in seconds)", "Finished", "RecordedDate",
                "ResponseId", "Comment"])
    w.writerow(["Start Date", "End Date", "Response Type", "Progress",
                "Duration (in seconds)", "Finished", "Recorded Date",
                "Response ID", "What is the primary reason for your score?"])
    w.writerow(['{"ImportId":"%s"%s}' % (q, ',"timeZone":"America/Denver"'
                                        if "Date" in q else "")
                for q in QT_IDS])
    w.writerows([[(when(i) - dt.timedelta(minutes=3))
                  .strftime("%Y-%m-%d %H:%M:%S"),
                  when(i).strftime("%Y-%m-%d %H:%M:%S"), "IP Address", 100,
                  180, "True", when(i).strftime("%Y-%m-%d %H:%M:%S"),
                  "R_%015x" % i, body(i)] for i in range(N)])
# Brandwatch writes its query and dates in lines above the header
with open(os.path.join(OUT, "fmt_brandwatch_preamble.csv"), "w", newline="",
          encoding="utf-8") as f:
    f.write("Report:,Mentions export\r\nBrand:,Acme\r\n"
            "From:,2025-02-03 00:00:00.0\r\nTo:,2025-03-03 00:00:00.0\r\n"
            "Label:,\r\n\r\n")
with open(os.path.join(OUT, "fmt_brandwatch.csv"), newline="",
          encoding="utf-8") as src, \
        open(os.path.join(OUT, "fmt_brandwatch_preamble.csv"), "a",
             newline="", encoding="utf-8") as f:
    f.write(src.read())
