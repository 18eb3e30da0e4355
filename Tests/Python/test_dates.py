"""pushsh's date() against Python's datetime.strptime and zoneinfo.

Issue 25 asks that date reading be compared with an independent
implementation whose answers we did not write by hand. The cases are
generated (a fixed seed, so a failure can be run again): random dates in
every supported format, written padded and unpadded; leap days and days
that do not exist; two-digit years under four-digit formats and the other
way round; hours, minutes and seconds out of range; 12-hour times; and time
zones around their daylight-saving changes. Python decides each answer:
strptime's ValueError means pushsh must refuse the value, and a wall time
a zone skips or shows twice (zoneinfo's fold) must be refused too; every
other value must come out as the same instant, ISO 8601 in UTC with
milliseconds.

All cases run in one pushsh process (`set on_error continue`, one print per
line), so a refusal is matched to its case by the line number in the error.
"""
import datetime
import random
import re
import subprocess
import zoneinfo

from conftest import PUSHSH

# pushsh's format, strptime's equivalent, and how to write a date in it.
FORMATS = [
    ("MM/dd/yyyy", "%m/%d/%Y"),
    ("dd.MM.yyyy", "%d.%m.%Y"),
    ("yyyy-MM-dd", "%Y-%m-%d"),
    ("MM/dd/yyyy HH:mm", "%m/%d/%Y %H:%M"),
    ("dd.MM.yyyy HH:mm:ss", "%d.%m.%Y %H:%M:%S"),
    ("yyyy-MM-dd HH:mm:ss.SSS", "%Y-%m-%d %H:%M:%S.%f"),
    ("MM/dd/yy", "%m/%d/%y"),
    ("yyyyMMdd", "%Y%m%d"),
    ("MM/dd/yyyy hh:mm a", "%m/%d/%Y %I:%M %p"),
]

ZONES = [None, "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "+05:30", "-08:00"]

# Days around each zone's 2023 clock changes, to land on skipped and doubled hours.
DST_DAYS = [
    ("Europe/Berlin", datetime.date(2023, 3, 26)),
    ("Europe/Berlin", datetime.date(2023, 10, 29)),
    ("America/New_York", datetime.date(2023, 3, 12)),
    ("America/New_York", datetime.date(2023, 11, 5)),
    ("Australia/Lord_Howe", datetime.date(2023, 4, 2)),
    ("Australia/Lord_Howe", datetime.date(2023, 10, 1)),
]


def unpad(text):
    """The same date with leading zeros dropped from day and month, as some exports write them."""
    return re.sub(r"(?<![0-9])0([1-9])(?=[/.])", r"\1", text)


def generate():
    rng = random.Random(25)
    cases = []
    for ours, theirs in FORMATS:
        for _ in range(25):
            moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(
                seconds=rng.randrange(0, 100 * 365 * 86400), microseconds=rng.randrange(0, 1000) * 1000
            )
            text = moment.strftime(theirs)
            if theirs.endswith("%f"):
                text = text[: -3]  # milliseconds, as SSS writes them
            cases.append((text, ours, rng.choice(ZONES)))
            if "/" in ours or "." in ours:
                cases.append((unpad(text), ours, None))
        # Days and fields that may not exist, written in this format's order.
        for year, month, day in [(2024, 2, 29), (2023, 2, 29), (2000, 2, 29), (1900, 2, 29), (2023, 2, 30),
                                 (2023, 4, 31), (2023, 13, 1), (2023, 0, 10), (2023, 5, 0), (2023, 12, 31)]:
            text = (theirs.split(" ")[0].replace("%Y", f"{year:04d}").replace("%y", f"{year % 100:02d}")
                    .replace("%m", f"{month:02d}").replace("%d", f"{day:02d}"))
            rest = {"%H:%M": "10:15", "%H:%M:%S": "23:59:59", "%H:%M:%S.%f": "00:00:00.5", "%I:%M %p": "12:00 AM"}
            time = theirs.split(" ", 1)[1] if " " in theirs else None
            cases.append((text + (" " + rest[time] if time else ""), ours, None))
    # Two-digit years where the format says four, and four where it says two.
    cases += [("3/15/23", "MM/dd/yyyy", None), ("03/15/2023", "MM/dd/yy", None), ("15.03.23", "dd.MM.yyyy", None)]
    # Times out of range, and 12-hour edges.
    cases += [("03/15/2023 24:00", "MM/dd/yyyy HH:mm", None), ("03/15/2023 23:60", "MM/dd/yyyy HH:mm", None),
              ("15.03.2023 10:00:60", "dd.MM.yyyy HH:mm:ss", None), ("03/15/2023 12:30 PM", "MM/dd/yyyy hh:mm a", None),
              ("03/15/2023 12:30 AM", "MM/dd/yyyy hh:mm a", None), ("03/15/2023 13:30 PM", "MM/dd/yyyy hh:mm a", None),
              ("03/15/2023 00:30 AM", "MM/dd/yyyy hh:mm a", None)]
    # Every quarter hour of the days the clocks change, in the zone that changes them.
    for zone, day in DST_DAYS:
        for minutes in range(0, 24 * 60, 15):
            moment = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minutes)
            cases.append((moment.strftime("%Y-%m-%d %H:%M"), "yyyy-MM-dd HH:mm", zone))
    return cases


def python_answer(text, ours, zone):
    """The ISO 8601 instant Python reads, or None where the value must be refused."""
    theirs = dict(FORMATS + [("yyyy-MM-dd HH:mm", "%Y-%m-%d %H:%M")])[ours]
    try:
        naive = datetime.datetime.strptime(text, theirs)
    except ValueError:
        return None
    if zone is None or zone == "UTC":
        aware = naive.replace(tzinfo=datetime.timezone.utc)
    elif zone[0] in "+-":
        sign = -1 if zone[0] == "-" else 1
        hours, minutes = map(int, zone[1:].split(":"))
        aware = naive.replace(tzinfo=datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes)))
    else:
        tz = zoneinfo.ZoneInfo(zone)
        early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
        if early.utcoffset() != late.utcoffset():
            return None  # skipped (spring forward) or shown twice (fall back): any answer is a guess
        aware = early
    utc = aware.astimezone(datetime.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_date_agrees_with_strptime():
    cases = generate()
    lines = ["set on_error continue"]
    for i, (text, ours, zone) in enumerate(cases):
        arguments = [quoted(text), quoted(ours)] + ([quoted(zone)] if zone else [])
        lines.append(f"print {i}, date({', '.join(arguments)})")
    run = subprocess.run([PUSHSH, "-c", "\n".join(lines)], capture_output=True, text=True, timeout=120)
    printed = dict(line.split(" ", 1) for line in run.stdout.splitlines())
    refused = {int(m.group(1)) - 2: m.group(2) for m in re.finditer(r"^-c:(\d+):\d+: error: (.*)$", run.stderr, re.M)}
    wrong = []
    for i, case in enumerate(cases):
        expected = python_answer(*case)
        got = printed.get(str(i))
        if expected is None and got is not None:
            wrong.append(f"{case}: Python refuses it, pushsh gave {got}")
        elif expected is not None and got != expected:
            wrong.append(f"{case}: Python gives {expected}, pushsh {got or 'refused: ' + refused.get(i, '?')}")
        elif expected is None and i not in refused:
            wrong.append(f"{case}: refused without an error at its line")
    answered = sum(python_answer(*case) is not None for case in cases)
    # The generated table must hold both kinds in numbers, or it proves little.
    assert answered > 300 and len(cases) - answered > 40, (answered, len(cases))
    assert not wrong, f"{len(wrong)} of {len(cases)} disagree:\n" + "\n".join(wrong[:40])
