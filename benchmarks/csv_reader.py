"""Issue 16's CSV figure: the check pass over 100,000 records, CSV against
JSON Lines, with the release binary (and, if PUSHSH_BIN_OLD names one, a
binary built before the hand-written CSV reader, which used CSV.swift).

The last row of each file is bad (a row with one field, a broken JSON Lines
line), so the check pass reads every record and refuses the file: nothing is
sent, and the time is the readers' alone (plus start-up, about 15 ms).

    python3 benchmarks/csv_reader.py
    PUSHSH_BIN_OLD=/tmp/pushsh-old BENCH_RECORDS=100000 python3 benchmarks/csv_reader.py
"""
import os, statistics, tempfile
from common import pushsh_binary, run_measured

N = int(os.environ.get("BENCH_RECORDS", "100000"))
FIELDS = "employeeId,firstName,lastName,workEmail,employmentType,employmentStartDate,managerId,role"


def generate(directory):
    csv_path = os.path.join(directory, "users.csv")
    jsonl_path = os.path.join(directory, "users.jsonl")
    with open(csv_path, "w") as c, open(jsonl_path, "w") as j:
        c.write(FIELDS + "\n")
        for i in range(N):
            c.write(f'E{i:07d},First{i % 997},"Last, {i % 1009}",user{i}@example.com,EMPLOYEE,2022-01-15T09:00:00Z,,Engineer\n')
            j.write(f'{{"employeeId":"E{i:07d}","firstName":"First{i % 997}","lastName":"Last, {i % 1009}","workEmail":"user{i}@example.com",'
                    f'"employmentType":"EMPLOYEE","employmentStartDate":"2022-01-15T09:00:00Z","managerId":null,"role":"Engineer"}}\n')
        c.write("bad\n")
        j.write("{bad\n")
    return csv_path, jsonl_path


def check_pass(binary, path, runs=3):
    script = f'set progress off\nlet s = start\npush s User from "{path}"\n'
    times, rss = [], 0
    for _ in range(runs):
        wall, cpu, peak, proc = run_measured([binary, "--quiet", "-c", script], env=dict(os.environ, NO_COLOR="1"))
        assert proc.returncode == 3, proc.stderr.decode()[-500:]
        times.append(wall)
        rss = max(rss, peak)
    return statistics.median(times), rss


def main():
    binaries = [("pushsh (hand-written CSV reader)", pushsh_binary())]
    if os.environ.get("PUSHSH_BIN_OLD"):
        binaries.append(("pushsh before (CSV.swift)", os.environ["PUSHSH_BIN_OLD"]))
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, jsonl_path = generate(tmp)
        print(f"check pass over {N:,} records (median of 3, release build); CSV {os.path.getsize(csv_path) / 1e6:.1f} MB, "
              f"JSON Lines {os.path.getsize(jsonl_path) / 1e6:.1f} MB\n")
        print(f"{'binary':36} {'CSV s':>7} {'MB':>5} {'JSONL s':>8} {'MB':>5} {'CSV/JSONL':>10} {'us/row':>7}")
        for name, binary in binaries:
            c, cm = check_pass(binary, csv_path)
            j, jm = check_pass(binary, jsonl_path)
            print(f"{name:36} {c:7.2f} {cm:5.0f} {j:8.2f} {jm:5.0f} {c / j:10.2f} {c / N * 1e6:7.1f}")


if __name__ == "__main__":
    main()
