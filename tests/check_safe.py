#!/usr/bin/env python3
"""Checks that hostile feedback text is nowhere live in a report folder.

usage: check_safe.py DIR  -> "N passed, N failed"
report.html: no script, img, iframe, event handler or link came from the
data (the template itself has none), and the headings are the template's.
report.md: every hostile construct is escaped, so Markdown cannot make a
link, image, HTML tag, heading, code span or table break of it.
"""
import re
import sys
from html.parser import HTMLParser

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + what)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.attrs = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


d = sys.argv[1]
html = open(d + "/report.html", encoding="utf-8").read()
md = open(d + "/report.md", encoding="utf-8").read()
p = Tags()
p.feed(html)
for bad in ("script", "img", "iframe", "a", "object", "embed", "b"):
    check(bad not in p.tags, "report.html has a live <%s>" % bad)
check(not any(k.startswith("on") for k, _ in p.attrs),
      "report.html has an event handler attribute")
check(not any(v and "javascript:" in v for _, v in p.attrs),
      "report.html has a javascript: URL")
heads = re.findall(r"<h[1-6]>([^<]*)</h", html)
check(not any("Fake heading" in h or "heading on line two" in h for h in heads),
      "feedback became a heading in report.html")
check("<li>list item" not in html, "feedback became a list in report.html")
check("<pre" not in html, "feedback became a code block in report.html")
check("<li>a list after" not in html and "<ol" not in html,
      "a control byte hid a list marker in report.html")
# the texts are there, escaped
check("&lt;script&gt;" in html, "the <script> text is shown escaped")

# report.md: the raw constructs never appear unescaped
for raw in ("<script>", "<img", "](javascript", "![pixel](", "`rm",
            "<b>", "http://evil", "www.evil"):
    # escaped means: its first character is preceded by a backslash, or a
    # zero-width space breaks it (links)
    live = re.search(r"(?<!\\)" + re.escape(raw), md)
    check(live is None, "report.md has %r unescaped" % raw)
for line in md.splitlines():
    if line.startswith("|"):
        # a table row keeps its column count: hostile '|' are escaped
        cells = re.split(r"(?<!\\)\|", line)
        check(len(cells) >= 3, "table row broken: " + line[:60])
check(not re.search(r"^#+ Fake", md, re.M), "feedback heading in report.md")
check(not re.search(r"^#+ heading on line two", md, re.M),
      "second-line heading in report.md")
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
