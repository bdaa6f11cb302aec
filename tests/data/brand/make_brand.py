#!/usr/bin/env python3
"""make_brand.py - writes brand.csv, labels_300.csv and labels_all.csv:
a year's quarter of made-up customer feedback to "Lucky", a grocery
chain whose name is a VADER word ("lucky" +1.8), for the tests of issue
12. Deterministic (seeded); run from this folder to regenerate:

    python3 make_brand.py

What it holds, on purpose:
  - @LuckyMarkets and @LuckySupport in most tweets: handles whose first
    word is a lexicon word; "Lucky" written bare in reviews and e-mails;
  - a channel named "Lucky App" and a store named "Sunny Hills" (sunny
    +1.8): names that are lexicon words;
  - complaints without a sentiment word ("my order came two hours late"),
    which VADER scores neutral and people call negative;
  - messy export habits: channel spellings that differ in case, a BOM-less
    UTF-8 file with quotes and commas inside texts, CRLF line ends.
Every text carries the label a person would give it (labels_all.csv);
labels_300.csv is a simple random sample of 300 of them.
"""
import csv
import random

rng = random.Random(20260412)

HANDLES = ["@LuckyMarkets", "@LuckySupport"]
STORES = ["Downtown", "Sunny Hills", "Riverside", "Eastgate"]

# (label, text) templates; {h} a handle, {s} a store, {n} a number
COMPLAINTS_PLAIN = [  # negative to people, no word VADER rates
    "{h} my order came two hours late and half the items were missing",
    "{h} waited {n} minutes at the deli counter and nobody came",
    "{h} the app charged me twice for the same order",
    "{h} still no refund after {n} days, order #{n}{n}",
    "{h} one register open at 6pm on a Friday at {s}",
    "{h} third time this month the delivery window was missed",
    "{h} you removed the self checkout at {s} and now the line is out the door",
    "{h} the milk I picked up today expired last week",
    "{h} been on hold for {n} minutes",
    "{h} my delivery driver left the bags at the wrong house again",
    "{h} the coupon in the app does not apply at checkout",
    "{h} why does the {s} store close at 8 now",
    "{h} price on the shelf said 3.99 and I was charged 5.49",
    "{h} no chicken, no eggs, no bread at {s} this morning",
]
COMPLAINTS_WORDS = [  # negative, with words VADER rates
    "{h} worst delivery service ever, cold food and a rude driver",
    "{h} so disappointed, the produce at {s} is rotten",
    "{h} terrible customer service, nobody answers the phone",
    "{h} I'm done with you, this is awful",
    "{h} the new app is broken and useless",
]
POSITIVE = [
    "{h} thanks, the new bakery at {s} is great",
    "{h} love the fresh flowers section, well done",
    "{h} delivery was early and everything was perfect, thank you!",
    "{h} the staff at {s} were so helpful today",
    "{h} best strawberries I've had all year",
    "{h} happy with the new loyalty points",
]
NEUTRAL = [
    "{h} what time does the {s} store open on Sunday?",
    "{h} do you deliver to 60614",
    "{h} is the pharmacy at {s} open on holidays",
    "{h} can I change the address on an order after placing it",
    "{h} are you hiring at {s}",
]
# reviews and e-mails: the brand written bare, longer texts
REVIEW_NEG_PLAIN = [
    "Lucky used to be my go-to store. Now the delivery comes late every time "
    "and half my list is missing. Switching to another store.",
    "Lucky app keeps logging me out at checkout and my cart is gone when I "
    "log back in. Happened {n} times this week.",
    "Ordered from Lucky for a birthday party, the cake never arrived and "
    "support said to wait another day.",
    "The Lucky app shows items in stock that are not in the store. Drove to "
    "{s} for nothing.",
    "Lucky's delivery fee went up again and the minimum order doubled.",
]
REVIEW_NEG_WORDS = [
    "Lucky has gone downhill. Rude staff, dirty aisles and the prices are a "
    "joke.",
    "Horrible experience at Lucky {s}, the manager refused to help.",
]
REVIEW_POS = [
    "Lucky's new app is fast and the substitutions are sensible. Great job.",
    "Friendly staff at Lucky {s}, clean store and good prices.",
    "Love shopping at Lucky, the produce is always fresh.",
]
REVIEW_NEU = [
    "Lucky {s}: parking in the back, pharmacy on the left, open until 9.",
    "Used the Lucky app for a pickup order. It took about {n} minutes.",
]
EMAIL_NEG_PLAIN = [
    "Hello, I ordered groceries on Tuesday for delivery on Wednesday "
    "morning. Nothing came until Thursday and the frozen items had thawed. "
    "I would like a refund for order {n}{n}.",
    "I was charged for a bag of oranges that was not in my delivery. This "
    "is the second time. Please refund the charge.",
    "Your store at {s} did not honour the price in the weekly flyer. The "
    "cashier said the flyer was for another region.",
]
EMAIL_POS = [
    "Just wanted to say thank you to the team at {s}, they found my lost "
    "wallet and kept it safe. Wonderful people.",
]
EMAIL_NEU = [
    "Please update my account email to the new address in my signature.",
    "Could you send me a copy of my receipt from last Saturday?",
]


def fill(t, handle=True):
    return t.format(h=rng.choice(HANDLES) if handle else "",
                    s=rng.choice(STORES), n=rng.randint(2, 45)).strip()


def pick(groups):
    r = rng.random()
    for share, label, pool in groups:
        if r < share:
            return label, rng.choice(pool)
        r -= share
    return groups[-1][1], rng.choice(groups[-1][2])


rows = []
start = 1735689600  # 2025-01-01T00:00:00Z
for i in range(1200):
    ch = rng.random()
    if ch < 0.6:
        channel = rng.choice(["Twitter", "twitter", "Twitter "])
        label, t = pick([(0.36, "negative", COMPLAINTS_PLAIN),
                         (0.14, "negative", COMPLAINTS_WORDS),
                         (0.30, "positive", POSITIVE),
                         (0.20, "neutral", NEUTRAL)])
        text = fill(t, handle=rng.random() < 0.9)
    elif ch < 0.85:
        channel = "Lucky App"
        label, t = pick([(0.45, "negative", REVIEW_NEG_PLAIN),
                         (0.15, "negative", REVIEW_NEG_WORDS),
                         (0.25, "positive", REVIEW_POS),
                         (0.15, "neutral", REVIEW_NEU)])
        text = fill(t, handle=False)
    else:
        channel = "Email"
        label, t = pick([(0.55, "negative", EMAIL_NEG_PLAIN),
                         (0.15, "positive", EMAIL_POS),
                         (0.30, "neutral", EMAIL_NEU)])
        text = fill(t, handle=False)
    when = start + int(rng.random() * 91 * 86400)
    rows.append({
        "id": "lk-%05d" % (i + 1),
        "created_at": __import__("time").strftime(
            "%Y-%m-%d %H:%M:%S", __import__("time").gmtime(when)),
        "channel": channel,
        "user": "cust%04d" % rng.randint(1, 700),
        "store": rng.choice(STORES),
        "text": text,
        "label": label,
    })
rows.sort(key=lambda r: r["created_at"])

with open("brand.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["id", "created_at", "channel", "user", "store", "text"])
    for r in rows:
        w.writerow([r["id"], r["created_at"], r["channel"], r["user"],
                    r["store"], r["text"]])
with open("labels_all.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "label"])
    for r in rows:
        w.writerow([r["id"], r["label"]])
sample = rng.sample(rows, 300)
with open("labels_300.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "label"])
    for r in sorted(sample, key=lambda r: r["id"]):
        w.writerow([r["id"], r["label"]])
