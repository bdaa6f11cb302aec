#!/usr/bin/env bash
# manpage.sh - earful.1 against the program: every command main.c
# dispatches is in `earful --help`, the man page's synopsis and its
# COMMANDS; and for each command, the options its table declares
# (src/cmd_NAME.c: its own rows `{"name", 'x' or 0, KEY, "VALUE" or NULL`
# and its shared ones `.shared = EF_OPT_X`, whose rows are in
# src/cmdline.c), the options its --help lists and the options the man
# page documents for it are the same: the same long names, short forms
# and values (`--threads N` in all three), so an option added, renamed or
# given another value later is caught wherever it was forgotten. The man
# page's "NAME OPTIONS" sections apply to command NAME; another "...
# OPTIONS" section says which commands it applies to in its first
# sentence ("These apply to report and import", "... to every command").
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
    """The options an --help lists: {"--name": (short or None, value or
    None)}, from the lines that start with one ("  -j, --threads N  ...")."""
    opts = {}
    for line in text.splitlines():
        m = re.match(r"^\s+(?:(-[A-Za-z]),\s+)?(--[a-z][a-z0-9-]*)"
                     r"(?: (\S+))?(?:  |$)", line)
        if m:
            opts[m.group(2)] = (m.group(1), m.group(3))
    return opts


def shared_rows():
    """cmdline.c's shared options: {"EF_OPT_X": (name, letter, value)}."""
    src = open("src/cmdline.c", encoding="utf-8").read()
    return {m[0]: (m[1], m[2], m[3] or None) for m in re.findall(
        r"\[(EF_OPT_[A-Z_]+)\]\s*=\s*\{\s*\"([a-z][a-z0-9-]*)\",\s*"
        r"(?:'(.)'|0),\s*\w+,\s*(?:\"([^\"]*)\"|NULL)", src)}


SHARED = shared_rows()


def source_options(path):
    """The options of a command's table, as help_options gives them."""
    src = open(path, encoding="utf-8").read()
    opts = {}
    for m in re.finditer(r'\{\s*"([a-z][a-z0-9-]*)",\s*(?:\'(.)\'|0),\s*\w+,'
                         r'\s*(?:"([^"]*)"|NULL)', src):
        opts["--" + m.group(1)] = ("-" + m.group(2) if m.group(2) else None,
                                   m.group(3))
    for m in re.finditer(r"\.shared\s*=\s*(EF_OPT_[A-Z_]+)", src):
        name, letter, value = SHARED[m.group(1)]
        opts["--" + name] = ("-" + letter if letter else None, value)
    return opts


def roff_args(line):
    """A .B/.BI/.BR line's text: its arguments joined, as troff sets them."""
    rest = line.split(None, 1)[1] if " " in line else ""
    args = re.findall(r'"([^"]*)"|(\S+)', rest)
    return roff("".join(a or b for a, b in args))


def tag_options(text):
    """A .TP tag's options: "-o, --output DIR, --no-xlsx" gives
    {"-o": DIR, "--output": DIR, "--no-xlsx": None} and the pairs of a
    short form and the long name it stands for."""
    opts, pairs = {}, []
    for piece in re.split(r",\s*(?=-)", text):
        m = re.match(r"(--?[A-Za-z][a-z0-9-]*)(?: (\S.*))?$", piece.strip())
        if m:
            opts[m.group(1)] = m.group(2)
    names = list(opts)
    for a, b in zip(names, names[1:]):
        if not a.startswith("--") and b.startswith("--"):
            opts[a] = opts[b]
            pairs.append((a, b))
    return opts, pairs


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
man_opts = {c: {} for c in commands}   # "--name" or "-x": value
man_pairs = {c: set() for c in commands}  # ("-x", "--name")
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
        opts, pairs = tag_options(roff_args(lines[i + 1]))
        check("man: %s: the tag after .TP names an option" % title, opts,
              lines[i + 1])
        for c in applies:
            for o, v in opts.items():
                check("man: %s: %s given once" % (c, o),
                      o not in man_opts[c] or man_opts[c][o] == v,
                      "%s and %s" % (man_opts[c][o], v)
                      if o in man_opts[c] else "")
                man_opts[c][o] = v
            man_pairs[c].update(pairs)


def flat(opts):
    """{"--name": (short, value)} as man_opts has it, and its pairs."""
    out, pairs = {}, set()
    for name, (short, value) in opts.items():
        out[name] = value
        if short:
            out[short] = value
            pairs.add((short, name))
    return out, pairs


def differ(a, b):
    """What a has that b has not, or has with another value."""
    return " ".join("%s%s" % (o, " " + a[o] if a[o] else "")
                    for o in sorted(a) if o not in b or b[o] != a[o])


for c in commands:
    rc, text = run(c, "--help")
    check("%s --help: exit 0" % c, rc == 0 and text.strip())
    check("%s --help: lines of 80 columns at most" % c,
          all(len(line) <= 80 for line in text.splitlines()))
    helped, help_pairs = flat(help_options(text))
    check("%s --help lists options" % c, len(helped) >= 3, str(helped))
    path = "src/cmd_%s.c" % c.replace("-", "_")
    try:
        declared, src_pairs = flat(source_options(path))
    except OSError:
        check("%s: its source %s" % (c, path), False, "not found")
        continue
    check("%s: every option of its table is in its --help, same value" % c,
          not differ(declared, helped), differ(declared, helped))
    check("%s: every option of its --help is in its table, same value" % c,
          not differ(helped, declared), differ(helped, declared))
    check("%s: every option of its --help is in earful.1, same value" % c,
          not differ(helped, man_opts[c]), differ(helped, man_opts[c]))
    check("%s: every option earful.1 gives it is in its --help, same "
          "value" % c, not differ(man_opts[c], helped),
          differ(man_opts[c], helped))
    check("%s: earful.1 pairs each short form with the long name of its "
          "--help" % c, man_pairs[c] <= help_pairs,
          str(sorted(man_pairs[c] - help_pairs)))

print("manpage: %d passed, %d failed" % (passed, failed))
PY
