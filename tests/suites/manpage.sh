#!/usr/bin/env bash
# manpage.sh - earful.1 against the program: every command main.c
# dispatches is in `earful --help`, the man page's synopsis and its
# COMMANDS; and for each command, the options its source declares
# (getopt_long's table in src/cmd_NAME.c), the options its --help lists
# and the options the man page documents for it are the same, so an
# option added later is caught wherever it was forgotten. The man page's
# "NAME OPTIONS" sections apply to command NAME; another "... OPTIONS"
# section says which commands it applies to in its first sentence
# ("These apply to report and import", "... to every command").
set -u
cd "$(dirname "$0")/../.."
/usr/bin/python3 - <<'PY'
import re
import subprocess

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL %s%s" % (name, ": " + detail if detail else ""))


def run(*args):
    p = subprocess.run(["./earful", *args], capture_output=True, text=True)
    return p.returncode, p.stdout


def help_options(text):
    """The options an --help lists: the lines that start with one."""
    opts = set()
    for line in text.splitlines():
        m = re.match(r"^\s+(?:(-[A-Za-z]),\s+)?(--[a-z][a-z0-9-]*)", line)
        if m:
            opts.update(x for x in m.groups() if x)
        else:
            m = re.match(r"^\s+(-[A-Za-z])\b", line)
            if m:
                opts.add(m.group(1))
    return opts


def source_options(path):
    """The long options of getopt_long's table, and the short ones its
    optstring names."""
    src = open(path, encoding="utf-8").read()
    longs = {"--" + m for m in re.findall(
        r'\{"([a-z][a-z0-9-]*)",\s*(?:no|required|optional)_argument', src)}
    shorts = set()
    for s in re.findall(r'getopt_long\([^,]+,[^,]+,\s*"([^"]*)"', src):
        shorts.update("-" + c for c in s if c.isalpha())
    return longs | shorts


# ==== Commands ================================================================
main_c = open("src/main.c", encoding="utf-8").read()
commands = sorted(c.replace("_", "-")
                  for c in set(re.findall(r"return ef_cmd_([a-z_]+)\(", main_c)))
check("main.c dispatches commands", len(commands) >= 3, str(commands))
rc, top = run("--help")
check("earful --help: exit 0", rc == 0)
listed = set(re.findall(r"^\s+earful ([a-z][a-z-]*)\b", top, re.M)) - {"help"}
check("earful --help lists exactly the commands main.c dispatches",
      listed == set(commands),
      "missing %s, extra %s" % (sorted(set(commands) - listed),
                                sorted(listed - set(commands))))

man = open("earful.1", encoding="utf-8").read()


def roff(s):
    return s.replace("\\-", "-")


sections = re.split(r"^\.SH ", man, flags=re.M)[1:]
named = {}
for sec in sections:
    title, _, body = sec.partition("\n")
    named[title.strip().strip('"')] = body
synopsis = roff(named.get("SYNOPSIS", ""))
described = roff(named.get("COMMANDS", ""))
for c in commands:
    check("man: %s in SYNOPSIS" % c,
          re.search(r"^\.B earful %s\b" % re.escape(c), synopsis, re.M))
    check("man: %s in COMMANDS" % c,
          re.search(r"^\.TP\n\.B %s\s*$" % re.escape(c), described, re.M))

# ==== Options: the source, --help and the man page ===========================
man_opts = {c: set() for c in commands}
for title, body in named.items():
    if not title.endswith(" OPTIONS"):
        continue
    who = title[:-len(" OPTIONS")].lower()
    if who in man_opts:
        applies = [who]
    else:
        first = roff(re.sub(r"\\f[BIR]", "", body.split(".TP")[0]))
        if "every command" in first:
            applies = list(commands)
        else:
            applies = [c for c in commands if re.search(r"\b%s\b" % c, first)]
        check("man: section %s says which commands it is for" % title,
              applies, first.strip()[:60])
    lines = body.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.strip() != ".TP":
            continue
        tag = roff(lines[i + 1])
        opts = set(re.findall(r"--[a-z][a-z0-9-]*|(?<![\w-])-[A-Za-z](?![\w-])",
                              tag))
        check("man: %s: the tag after .TP names an option" % title, opts,
              lines[i + 1])
        for c in applies:
            man_opts[c] |= opts

for c in commands:
    rc, text = run(c, "--help")
    check("%s --help: exit 0" % c, rc == 0 and text.strip())
    helped = help_options(text)
    check("%s --help lists options" % c, len(helped) >= 3, str(helped))
    path = "src/cmd_%s.c" % c.replace("-", "_")
    try:
        declared = source_options(path)
    except OSError:
        check("%s: its source %s" % (c, path), False, "not found")
        continue
    longs = {o for o in helped if o.startswith("--")}
    check("%s: every option of %s is in its --help" % (c, path),
          not declared - helped, " ".join(sorted(declared - helped)))
    check("%s: every long option of its --help is in %s" % (c, path),
          not longs - declared, " ".join(sorted(longs - declared)))
    check("%s: every option of its --help is in earful.1" % c,
          not helped - man_opts[c], " ".join(sorted(helped - man_opts[c])))
    check("%s: every option earful.1 gives it is in its --help" % c,
          not man_opts[c] - helped, " ".join(sorted(man_opts[c] - helped)))

print("manpage: %d passed, %d failed" % (passed, failed))
PY
