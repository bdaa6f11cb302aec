#!/usr/bin/env python3
"""Peer for `earful report`: the same job as a typical pandas pipeline.

usage: pandas_report.py LEXICON INPUT.csv OUTDIR [--data-sheet]

Reads the CSV with pandas, scores every text with NLTK's VADER (the same
lexicon), and writes: class shares, weekly negative share, NPS, a channel
table, two matplotlib charts, an HTML page and an xlsxwriter workbook
(with every row on a Data sheet when --data-sheet is given).
"""
import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from nltk.sentiment.vader import SentimentIntensityAnalyzer  # noqa: E402


def main():
    lexicon, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    data_sheet = "--data-sheet" in sys.argv[4:]
    os.makedirs(out, exist_ok=True)
    with open(lexicon, encoding="utf-8") as f:
        text = f.read().rstrip("\n")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8",
                                     delete=False) as tmp:
        tmp.write(text)
    sia = SentimentIntensityAnalyzer(lexicon_file="file:" + tmp.name)

    df = pd.read_csv(path, dtype={"text": str, "channel": str})
    df["text"] = df["text"].fillna("")
    df["date"] = pd.to_datetime(df["date"], utc=True)
    scores = [sia.polarity_scores(t) for t in df["text"]]
    df["compound"] = [s["compound"] for s in scores]
    df["neg"] = [s["neg"] for s in scores]
    df["neu"] = [s["neu"] for s in scores]
    df["pos"] = [s["pos"] for s in scores]
    df["class"] = "neutral"
    df.loc[df["compound"] >= 0.05, "class"] = "positive"
    df.loc[df["compound"] <= -0.05, "class"] = "negative"
    df["negative"] = df["class"] == "negative"

    shares = df["class"].value_counts(normalize=True)
    df["week"] = df["date"].dt.tz_localize(None).dt.to_period("W-SUN")
    weekly = df.groupby("week")["negative"].agg(["mean", "size"])
    nps = df["nps"].dropna()
    nps_score = 100 * ((nps >= 9).mean() - (nps <= 6).mean())
    channels = df.groupby("channel").agg(n=("negative", "size"),
                                         negative_share=("negative", "mean"))

    fig, ax = plt.subplots(figsize=(8, 3))
    weekly["mean"].plot(ax=ax, color="#D55E00")
    ax.set_title("Negative share per week")
    fig.savefig(os.path.join(out, "trend.png"), dpi=200)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 3))
    channels["negative_share"].sort_values().plot.barh(ax=ax,
                                                       color="#D55E00")
    fig.savefig(os.path.join(out, "channels.png"), dpi=200)
    plt.close(fig)

    with open(os.path.join(out, "report.html"), "w", encoding="utf-8") as f:
        f.write("<html><body><h1>Feedback report</h1>")
        f.write(shares.to_frame().to_html())
        f.write("<p>NPS %.1f</p>" % nps_score)
        f.write(weekly.to_html())
        f.write(channels.to_html())
        f.write('<img src="trend.png"><img src="channels.png">')
        f.write("</body></html>")

    with pd.ExcelWriter(os.path.join(out, "report.xlsx"), engine="xlsxwriter",
                        engine_kwargs={"options": {
                            "constant_memory": True}}) as xw:
        shares.to_frame().to_excel(xw, sheet_name="Summary")
        weekly.to_excel(xw, sheet_name="Trend")
        channels.to_excel(xw, sheet_name="Channels")
        if data_sheet:
            cols = ["id", "date", "channel", "author", "text", "neg", "neu",
                    "pos", "compound", "class"]
            d = df[cols].copy()
            d["date"] = d["date"].dt.tz_localize(None)
            d.to_excel(xw, sheet_name="Data", index=False)


main()
