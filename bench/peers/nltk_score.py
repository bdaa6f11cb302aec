#!/usr/bin/env python3
"""Peer for `earful score`: NLTK's VADER, one text per line, TSV out.

usage: nltk_score.py LEXICON FILE > out.tsv
"""
import sys
import tempfile

from nltk.sentiment.vader import SentimentIntensityAnalyzer


def main():
    lexicon, path = sys.argv[1], sys.argv[2]
    # NLTK's loader splits on "\n" and chokes on the file's final newline.
    with open(lexicon, encoding="utf-8") as f:
        text = f.read().rstrip("\n")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8",
                                     delete=False) as tmp:
        tmp.write(text)
    sia = SentimentIntensityAnalyzer(lexicon_file="file:" + tmp.name)
    out = sys.stdout
    out.write("neg\tneu\tpos\tcompound\n")
    with open(path, encoding="utf-8", errors="replace", newline="\n") as f:
        for line in f:
            s = sia.polarity_scores(line.rstrip("\r\n"))
            out.write("%.3f\t%.3f\t%.3f\t%.4f\n"
                      % (s["neg"], s["neu"], s["pos"], s["compound"]))


main()
