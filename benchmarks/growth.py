"""Issue 16's figures: how the readers grow on absurd inputs.

Each input is made at two sizes, 10x apart, and pushed with the release
binary (or $PUSHSH_BIN, which the header then names) against the built-in
sandbox (every one is refused by the check pass, or read by it to its end, so
nothing is sent). Under each case is what the large run said: its error and
first problem, or its summary. Prints wall time and peak RSS
at both sizes and their ratios: linear time is about 10x for 10x the size;
memory stays flat (below 64 MB plus one record of page_bytes).

    python3 benchmarks/growth.py              # 5 MB and 50 MB (the default)
    GROWTH_MB=2 python3 benchmarks/growth.py  # 2 MB and 20 MB, a quick run
    GROWTH_ONLY=csv python3 benchmarks/growth.py   # only the cases whose name holds "csv"
"""
import os, sys, tempfile
from common import ROOT, pushsh_binary, run_measured

MB = int(os.environ.get("GROWTH_MB", "5")) * 1_000_000
ONLY = os.environ.get("GROWTH_ONLY", "").lower()
RECORD = ('{"employeeId":"E%07d","firstName":"Ada","lastName":"Lovelace","workEmail":"user%d@example.com",'
          '"employmentType":"EMPLOYEE","employmentStartDate":"2022-01-15T09:00:00Z","managerId":null,"role":"Engineer"}')
HEADER = "employeeId,firstName,lastName,workEmail,employmentType,employmentStartDate,managerId,role\n"
ROW = "E%07d,Ada,Lovelace,user%d@example.com,EMPLOYEE,2022-01-15T09:00:00Z,,Engineer\n"


def write(path, pieces):
    with open(path, "w", encoding="utf-8", newline="") as f:
        for piece in pieces:
            f.write(piece)


def nested_in_record(path, size):
    n = size // 2
    write(path, ["[", "[" * n, "]" * n, "]"])


def nested_outside(path, size):
    n = size // 2
    write(path, ['{"x":', "[" * n, "]" * n, ',"entities":{"User":[{"a":1}]}}'])


def long_jsonl_line(path, size):
    write(path, ['{"employeeId":"', "a" * size, '"}\n', RECORD % (1, 1), "\n"])


def wide_csv_header(path, size):
    columns = size // 8
    write(path, [",".join(f"c{i:06d}" for i in range(columns)), "\n", ",".join("1" for _ in range(columns)), "\n"])


def wide_csv_row(path, size):
    write(path, [HEADER, ",".join("x" for _ in range(size // 2)), "\n"])


def long_csv_line_nul(path, size):
    write(path, [HEADER, "E1,", "x" * (size // 2), "\x00", "y" * (size // 2), ",a,b,c,d,e,f\n"])


def many_bad_lines(path, size):
    write(path, ("[1]\n" for _ in range(size // 4)))


def records_then_broken(kind):
    def make(path, size):
        count = size // 200
        if kind == "jsonl":
            write(path, [*(RECORD % (i, i) + "\n" for i in range(count)), "{broken\n"])
        elif kind == "json":
            write(path, ["[\n", *(RECORD % (i, i) + ",\n" for i in range(count)), "{broken}]\n"])
        else:
            write(path, [HEADER, *(ROW % (i, i) for i in range(count)), 'E9,"open\n'])
    return make


CASES = [
    ("JSON nested 1 level a byte, inside a record", "json", nested_in_record),
    ("JSON nested 1 level a byte, outside the records", "json", nested_outside),
    ("JSON Lines: one long line", "jsonl", long_jsonl_line),
    ("CSV: a wide header (1 column / 8 bytes)", "csv", wide_csv_header),
    ("CSV: a wide row (1 column / 2 bytes)", "csv", wide_csv_row),
    ("CSV: one long line with a NUL byte", "csv", long_csv_line_nul),
    ("JSON Lines: 1 bad line / 4 bytes", "jsonl", many_bad_lines),
    ("JSON Lines: valid records, last line broken", "jsonl", records_then_broken("jsonl")),
    ("JSON array: valid records, last one broken", "json", records_then_broken("json")),
    ("CSV: valid rows, last quote never closed", "csv", records_then_broken("csv")),
]


def what_it_said(proc):
    """The run's verdict: the error and its first listed problem, else the push's summary.
    (The first line of stderr is the sandbox's banner, which says nothing about the file.)"""
    err = proc.stderr.decode(errors="replace").splitlines()
    out = proc.stdout.decode(errors="replace").splitlines()
    for i, line in enumerate(err):
        if ": error: " in line:
            said = line.split(": error: ", 1)[1]
            problem = next((d.strip() for d in err[i + 1:] if d.startswith("  ") and not d.lstrip().startswith(("|", "^")) and ":" in d), "")
            return said if not problem else f"{said} / {problem}"
    summary = next((line for line in out if line.startswith("pushed ")), "")
    return summary or next((line for line in err if not line.startswith("pushsh: using the built-in sandbox")), "")


def measure(binary, path):
    script = f'set progress off\nlet s = start\npush s User from "{path}"\n'
    env = dict(os.environ, NO_COLOR="1", PUSHSH_SANDBOX_SEED="1")
    wall, cpu, rss, proc = run_measured([binary, "--quiet", "-c", script], env=env)
    return wall, rss, proc.returncode, what_it_said(proc).replace(path, os.path.basename(path))[:160]


def build_name(binary):
    """Which binary the figures are for, so a debug run is never read as a release one."""
    if os.path.abspath(binary) == os.path.join(ROOT, ".build", "release", "pushsh"):
        return "release build"
    kind = "debug build, " if "/debug/" in binary else ""
    return f"{kind}PUSHSH_BIN={binary}"


def main():
    binary = pushsh_binary()
    print(f"readers on absurd inputs, at {MB / 1e6:.0f} MB and {MB * 10 / 1e6:.0f} MB ({build_name(binary)}, built-in sandbox)\n")
    print(f"{'input':52} {'small s':>8} {'MB':>6} {'large s':>8} {'MB':>6} {'time x':>7} {'mem x':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, ext, make in CASES:
            if ONLY and ONLY not in name.lower():
                continue
            figures = []
            for size in (MB, MB * 10):
                path = os.path.join(tmp, f"input.{ext}")
                make(path, size)
                figures.append(measure(binary, path))
                os.remove(path)
            (t1, m1, c1, say1), (t2, m2, c2, say2) = figures
            print(f"{name:52} {t1:8.2f} {m1:6.0f} {t2:8.2f} {m2:6.0f} {t2 / t1:7.1f} {m2 / m1:6.1f}")
            print(f"{'':4}exit {c2}: {say2}")
    print("\nlinear time: 'time x' about 10 (or below, when the input is refused before its end); flat memory: 'mem x' about 1")


if __name__ == "__main__":
    main()
