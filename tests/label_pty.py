#!/usr/bin/env python3
"""label_pty.py - `earful label` driven through a pseudo-terminal, as a
person at an 80x24 terminal would: answer, back, skip, quit, resume,
kill -9 in the middle, signals, NO_COLOR, hostile and wide text.

usage: label_pty.py EARFUL WORKDIR; prints FAIL lines and "N passed, N
failed" last."""
import csv
import os
import pty
import random
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
import fcntl
import unicodedata

EARFUL, WORK = os.path.abspath(sys.argv[1]), sys.argv[2]
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))


HOSTILE = ("Hi \x1b]0;pwned\x07 there \x1b[2J\u202eevil\u202c \u009b31m "
           "\x1b[31mred")
CJK = "\u4e2d\u6587\u5b57" * 20 + " " + "\U0001F600" * 30
LONG = " ".join(f"line{i} of a long review about the battery." for i in
                range(60))
HEADER = ["key", "date", "channel", "author", "text", "label"]
ROWS = [
    ["k1", "2025-01-01T10:00:00Z", "twitter", "@ann", "The battery died.", ""],
    ["k2", "2025-01-02T10:00:00Z", "reviews", "bob", "Love them!", ""],
    ["k3", "2025-01-03T10:00:00Z", "forum", "cy", "It is a phone.", ""],
    ["k4", "2025-01-04T10:00:00Z", "twitter", "@evil\x1b[41m", HOSTILE, ""],
    ["k5", "2025-01-05T10:00:00Z", "survey", "dee", CJK, ""],
    ["k6", "2025-01-06T10:00:00Z", "reviews", "eve", LONG, ""],
]


def write_sample(path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("\ufeff")
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        w.writerows(ROWS)


def read_sample(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.reader(f))


def labels(path):
    return [r[5] if len(r) > 5 else "" for r in read_sample(path)[1:]]


class Session:
    """earful label on a pseudo-terminal, run as a shell runs a job: a
    session leader (standing in for the shell) puts it in a process group
    of its own, in the foreground, and waits for it (so that ^Z can stop
    it: the stop signals are ignored in an orphaned process group).
    self.pid is earful's; the leader exits as earful did."""

    def __init__(self, args, env=None, rows=24, cols=80):
        e = dict(os.environ, TERM="xterm")
        e.pop("NO_COLOR", None)
        e.update(env or {})
        rd, wr = os.pipe()
        go_r, go_w = os.pipe()
        self.leader, self.fd = pty.fork()
        if self.leader == 0:
            try:
                job = os.fork()
                if job == 0:
                    os.read(go_r, 1)  # in the foreground first
                    os.execve(EARFUL, [EARFUL, "label"] + args, e)
                os.setpgid(job, job)
                os.tcsetpgrp(0, job)
                os.write(wr, str(job).encode() + b"\n")
                os.write(go_w, b"x")
                while True:
                    _, st = os.waitpid(job, os.WUNTRACED)
                    if os.WIFSTOPPED(st):
                        continue
                    if os.WIFSIGNALED(st):
                        sig = os.WTERMSIG(st)
                        signal.signal(sig, signal.SIG_DFL)
                        os.kill(os.getpid(), sig)
                    os._exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 1)
            finally:
                os._exit(127)
        os.close(wr)
        self.pid = int(os.fdopen(rd).readline())
        self.resize(rows, cols, signal_it=False)
        self.out = b""
        self.status = None

    def resize(self, rows, cols, signal_it=True):
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        if signal_it:
            os.kill(self.pid, signal.SIGWINCH)

    def pump(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            d = os.read(self.fd, 65536)
        except OSError:
            return False
        self.out += d
        return bool(d)

    def wait_for(self, pattern, timeout=5.0):
        """Reads until the output after `mark` holds pattern."""
        end = time.time() + timeout
        while time.time() < end:
            if pattern in self.out[self.mark:]:
                return True
            self.pump(0.05)
        return pattern in self.out[self.mark:]

    def send(self, keys):
        self.mark = len(self.out)
        os.write(self.fd, keys)

    mark = 0

    def wait_exit(self, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            self.pump(0.02)
            pid, st = os.waitpid(self.leader, os.WNOHANG)
            if pid:
                self.status = st
                while self.pump(0.05):
                    pass
                return st
        return None

    def icanon(self):
        return bool(termios.tcgetattr(self.fd)[3] & termios.ICANON)

    def kill9(self):
        os.kill(self.pid, signal.SIGKILL)
        self.wait_exit()

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self.wait_exit()
        os.close(self.fd)


def wait_labels(path, want, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if labels(path) == want:
                return True
        except (OSError, csv.Error):
            pass
        time.sleep(0.02)
    return labels(path) == want


SGR = re.compile(rb"\x1b\[[0-9;]*m")
CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def screen_lines(frame):
    """The text lines of a frame, escape sequences taken out."""
    return [CSI.sub(b"", x).decode("utf-8", "replace")
            for x in frame.split(b"\r\n")]


def columns(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return w


def main():
    path = os.path.join(WORK, "sample.csv")
    write_sample(path)
    original = read_sample(path)

    # ---- refusals and help -------------------------------------------
    p = subprocess.run([EARFUL, "label", path], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    check("not a tty: exit 64", p.returncode == 64, p.returncode)
    check("not a tty: says so", "not a terminal" in p.stderr, p.stderr)
    check("not a tty: file untouched", read_sample(path) == original)
    p = subprocess.run([EARFUL, "label", "--help"], capture_output=True,
                       text=True)
    check("--help: exit 0", p.returncode == 0)
    check("--help: keys", "n or 1" in p.stdout and "s or Right" in p.stdout)

    # ---- answer, back, skip, quit --------------------------------------
    s = Session([path])
    check("starts at item 1", s.wait_for(b"1/6"), s.out[-300:])
    check("shows date and channel",
          b"2025-01-01T10:00:00Z  twitter  @ann" in s.out)
    check("raw mode while labelling", not s.icanon())
    s.send(b"n")
    check("answer n: saved", wait_labels(path, ["negative"] + [""] * 5),
          labels(path))
    check("answer n: next item", s.wait_for(b"2/6"))
    s.send(b"3")
    check("answer 3: saved",
          wait_labels(path, ["negative", "positive"] + [""] * 4))
    s.send(b"b")
    check("back: item 2 again", s.wait_for(b"2/6"))
    check("back: shows its label", s.wait_for(b"positive"))
    s.send(b"u")
    check("back, then u: relabelled",
          wait_labels(path, ["negative", "neutral"] + [""] * 4))
    check("after relabelling: the next without a label", s.wait_for(b"3/6"))
    s.send(b"s")
    check("skip: item 4", s.wait_for(b"4/6"))
    check("skip: nothing written",
          labels(path) == ["negative", "neutral"] + [""] * 4)
    # item 4: hostile text reaches the terminal escaped
    frame = SGR.sub(b"", s.out[s.mark:])
    check("hostile: OSC shown escaped", b"^[]0;pwned^G" in frame, frame)
    check("hostile: no OSC sent", b"\x1b]0;pwned" not in s.out)
    check("hostile: no clear-screen sent", b"\x1b[2J" not in s.out)
    check("hostile: no C1 CSI sent", b"\xc2\x9b" not in s.out)
    check("hostile: RLO shown, not sent",
          b"<U+202E>" in frame and "\u202e".encode() not in s.out)
    check("hostile: author escaped", b"@evil^[[41m" in frame)
    s.send(b"s")
    check("wide text: item 5", s.wait_for(b"5/6"))
    time.sleep(0.2)
    s.pump(0.1)
    lines = screen_lines(s.out[s.mark:])
    wide = [x for x in lines if "\u4e2d" in x or "\U0001F600" in x]
    check("wide text: wrapped over lines", len(wide) >= 3, lines)
    check("wide text: no line reaches the last column",
          all(columns(x) <= 79 for x in lines),
          [columns(x) for x in lines])
    s.send(b"s")
    check("long text: item 6", s.wait_for(b"6/6"))
    check("long text: says there is more", s.wait_for(b"j/k or Down/Up"))
    s.send(b"j")
    check("long text: j scrolls", s.wait_for(b"lines 2-"))
    s.send(b"\x1b[B")
    check("long text: Down scrolls", s.wait_for(b"lines 3-"))
    s.send(b"s")
    check("end screen", s.wait_for(b"All 6 items seen: 2 labelled"))
    s.send(b"q")
    st = s.wait_exit()
    check("quit: exit 0", st is not None and os.WIFEXITED(st) and
          os.WEXITSTATUS(st) == 0, st)
    check("quit: terminal restored (canonical mode)", s.icanon())
    check("quit: normal screen and cursor back",
          s.out.rfind(b"\x1b[?1049l") > s.out.rfind(b"\x1b[?1049h") and
          s.out.rfind(b"\x1b[?25h") > s.out.rfind(b"\x1b[?25l"))
    check("quit: says how to go on", b"2 of 6 items labelled" in s.out)
    s.close()
    check("colour without NO_COLOR", SGR.search(s.out) is not None)

    # ---- resume, NO_COLOR, kill -9 ---------------------------------------
    s = Session([path], env={"NO_COLOR": "1"})
    check("resume: at the first without a label", s.wait_for(b"3/6"),
          s.out[-200:])
    s.send(b"p")
    check("resume: answer saved",
          wait_labels(path, ["negative", "neutral", "positive", "", "", ""]))
    s.wait_for(b"4/6")
    s.send(b"q")
    s.wait_exit()
    check("NO_COLOR: no colour sent, to the end", SGR.search(s.out) is None,
          SGR.search(s.out))
    s.close()
    # kill -9 mid-session: the answers given stay, and a new session
    # resumes after them
    s = Session([path])
    s.wait_for(b"4/6")
    s.send(b"n")
    wait_labels(path, ["negative", "neutral", "positive", "negative", "",
                       ""])
    s.wait_for(b"5/6")
    s.kill9()
    s.close()
    after = read_sample(path)
    check("kill -9: the file whole, the answers kept",
          [r[:5] for r in after] == [r[:5] for r in original] and
          labels(path)[:4] == ["negative", "neutral", "positive",
                               "negative"])
    s = Session([path])
    check("kill -9, then resume: at the item on the screen",
          s.wait_for(b"5/6"))
    s.send(b"q")
    s.wait_exit()
    s.close()

    # kill -9 at random moments while answers pour in: the file is always
    # the old one or the new one, whole
    # (a big file, so that a save takes long enough to be caught in)
    big = os.path.join(WORK, "big.csv")
    filler = [[f"f{i}", "2025-02-01T10:00:00Z", "forum", "zed",
               LONG[: 200 + i % 300], ""] for i in range(4000)]
    answers = ["negative", "neutral", "positive"] * 4
    rnd = random.Random(13)
    bad = kills = 0
    for i in range(15):
        with open(big, "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\r\n").writerows(
                [HEADER] + ROWS[:3] + filler)
        s = Session([big])
        s.wait_for(b"1/4003")
        s.send(b"nup" * 4)
        time.sleep(rnd.uniform(0, 0.15))
        s.kill9()
        s.close()
        got = read_sample(big)
        labs = [r[5] if len(r) > 5 else "" for r in got[1:]]
        k = sum(1 for x in labs if x)
        kills += 0 < k < len(answers)
        if (len(got) != 4004 or
                [r[:5] for r in got[1:4]] != [r[:5] for r in ROWS[:3]] or
                [r[:5] for r in got[4:]] != [r[:5] for r in filler] or
                labs[:k] != answers[:k] or any(labs[k:])):
            bad += 1
    check("kill -9 at random moments: never a torn file", bad == 0, bad)
    check("kill -9 at random moments: some kills mid-way", kills > 0, kills)

    # ---- signals -------------------------------------------------------
    write_sample(path)
    s = Session([path])
    s.wait_for(b"1/6")
    s.mark = len(s.out)
    s.resize(24, 40)
    # a rule across the window, but for its last column
    check("SIGWINCH: redrawn at 40 columns", s.wait_for(b"-" * 39 + b"\x1b"))
    check("SIGWINCH: no wider", b"-" * 40 not in s.out[s.mark:])
    s.mark = len(s.out)
    os.kill(s.pid, signal.SIGTSTP)
    stopped = False
    for _ in range(100):
        s.pump(0.02)
        with open(f"/proc/{s.pid}/stat") as f:
            if f.read().split(")")[1].split()[0] == "T":
                stopped = True
                break
    check("SIGTSTP: stopped", stopped)
    check("SIGTSTP: terminal given back first",
          s.icanon() and b"\x1b[?1049l" in s.out[s.mark:])
    s.mark = len(s.out)
    os.kill(s.pid, signal.SIGCONT)
    check("SIGCONT: taken again and redrawn",
          s.wait_for(b"1/6") and b"\x1b[?1049h" in s.out[s.mark:] and
          not s.icanon())
    s.send(b"n")
    check("after SIGCONT: answers saved",
          wait_labels(path, ["negative"] + [""] * 5))
    s.mark = len(s.out)
    os.kill(s.pid, signal.SIGTERM)
    st = s.wait_exit()
    check("SIGTERM: dies of it", st is not None and os.WIFSIGNALED(st) and
          os.WTERMSIG(st) == signal.SIGTERM, st)
    check("SIGTERM: terminal restored", s.icanon() and
          b"\x1b[?1049l" in s.out[s.mark:])
    s.close()
    s = Session([path])
    s.wait_for(b"2/6")
    s.mark = len(s.out)
    os.kill(s.pid, signal.SIGHUP)
    st = s.wait_exit()
    check("SIGHUP: dies of it, terminal restored",
          st is not None and os.WIFSIGNALED(st) and
          os.WTERMSIG(st) == signal.SIGHUP and s.icanon(), st)
    s.close()
    s = Session([path])
    s.wait_for(b"2/6")
    s.send(b"\x03")  # ^C
    st = s.wait_exit()
    check("^C: dies of SIGINT, terminal restored",
          st is not None and os.WIFSIGNALED(st) and
          os.WTERMSIG(st) == signal.SIGINT and s.icanon(), st)
    s.close()
    check("signals: the file whole",
          [r[:5] for r in read_sample(path)] == [r[:5] for r in original])

    # ---- the file changed meanwhile; files that cannot be labelled ------
    s = Session([path])
    s.wait_for(b"2/6")
    s.send(b"p")
    wait_labels(path, ["negative", "positive"] + [""] * 4)
    with open(path, "a", encoding="utf-8") as f:
        f.write("k7,2025-01-07T10:00:00Z,blog,fay,Added meanwhile,\r\n")
    s.send(b"n")
    st = s.wait_exit()
    check("changed on disk: exit 74", st is not None and
          os.WIFEXITED(st) and os.WEXITSTATUS(st) == 74, st)
    check("changed on disk: says so, terminal restored",
          b"changed on disk" in s.out and s.icanon())
    s.close()
    check("changed on disk: the other edit kept, not overwritten",
          read_sample(path)[-1][0] == "k7" and
          labels(path)[:3] == ["negative", "positive", ""])
    write_sample(path)
    s = Session([os.path.join(WORK, "missing.csv")])
    st = s.wait_exit()
    check("missing file: exit 66", st is not None and os.WIFEXITED(st) and
          os.WEXITSTATUS(st) == 66, st)
    s.close()
    bad = os.path.join(WORK, "latin1.csv")
    with open(bad, "wb") as f:
        f.write(b"text,date,label\ncaf\xe9,2025-01-01,\n")
    s = Session([bad])
    st = s.wait_exit()
    check("not UTF-8: exit 65, file untouched",
          st is not None and os.WIFEXITED(st) and os.WEXITSTATUS(st) == 65
          and open(bad, "rb").read().endswith(b"caf\xe9,2025-01-01,\n"), st)
    s.close()

    # ---- small and dumb terminals; all labelled -------------------------
    s = Session([path], rows=6, cols=20)
    check("tiny window: says so", s.wait_for(b"too small"))
    s.send(b"q")
    s.wait_exit()
    s.close()
    s = Session([path], env={"TERM": "dumb"})
    check("TERM=dumb: works", s.wait_for(b"1/6"))
    check("TERM=dumb: no cursor motion", b"\x1b[?1049h" not in s.out and
          b"\x1b[H" not in s.out)
    s.send(b"q")
    s.wait_exit()
    s.close()
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER] + [r[:5] + ["neutral"] for r in
                                             ROWS])
    s = Session([path])
    st = s.wait_exit()
    check("all labelled: exit 0 at once", st is not None and
          os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0)
    check("all labelled: says so", b"all 6 items labelled" in s.out)
    s.close()

    # ---- the loop, end to end: sample, label here, feed back -----------
    export = os.path.join(WORK, "export.csv")
    with open(export, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["created_at", "platform", "user", "message"])
        for i in range(60):
            w.writerow([f"2025-03-{1 + i % 28:02d} 10:{i % 60:02d}:00",
                        ["twitter", "reviews"][i % 2], f"@u{i % 7}",
                        ["Battery died again", "Love these buds",
                         "It is a phone"][i % 3] + f" ({i})"])
    rep = os.path.join(WORK, "report")
    shutil.rmtree(rep, ignore_errors=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767571200")
    subprocess.run([EARFUL, "report", "-q", "--no-charts", "--no-xlsx",
                    "-o", rep, "--label-sample", "12", export], env=env,
                   check=True)
    sample = os.path.join(rep, "label_sample.csv")
    s = Session([sample])
    check("loop: the sample opens", s.wait_for(b"1/12"), s.out[-300:])
    s.send(b"n" * 5 + b"s" + b"p" * 6)
    check("loop: the end", s.wait_for(b"All 12 items seen: 11 labelled"))
    s.send(b"q")
    s.wait_exit()
    s.close()
    p = subprocess.run([EARFUL, "report", "--no-charts", "--no-xlsx", "-o",
                        rep, "--labels", sample, export], env=env,
                       capture_output=True, text=True)
    check("loop: fed back", p.returncode == 0 and
          "11 labels, 11 joined an item" in p.stderr, p.stderr)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
