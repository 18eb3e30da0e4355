"""Issues 5 and 13: pushing N synthetic User records with pushsh (JSON Lines
and CSV), with the sequential Python script, with the concurrent one (8 in
flight), and with wrk (the service's ceiling), against `pushsh serve` on
loopback at each latency of BENCH_LATENCIES (milliseconds, default 0,20,50)."""
import csv, json, os, re, subprocess, sys, tempfile, time, urllib.parse
from common import ROOT, pushsh_binary, run_measured

N = int(os.environ.get("BENCH_RECORDS", "100000"))
MEMORY_N = int(os.environ.get("BENCH_MEMORY_RECORDS", "1000000"))
LATENCIES = [int(x) for x in os.environ.get("BENCH_LATENCIES", "0,20,50").split(",") if x.strip()]
PUSHSH_CAP = 16  # pushsh's default push_concurrency
KEY = "bench-key"
FIELDS = ["employeeId", "firstName", "lastName", "workEmail", "employmentType", "employmentStartDate", "managerId", "role"]


def generate(n, directory, keys=None):
    """Deterministic, valid records, as JSON Lines and as CSV. With `keys`,
    only that many distinct employeeIds: record i has key (i - 1) % keys + 1,
    so the file repeats its first `keys` records' keys (the key census's worst case)."""
    suffix = f"-{keys}keys" if keys else ""
    jsonl = os.path.join(directory, f"users-{n}{suffix}.jsonl")
    csv_path = os.path.join(directory, f"users-{n}{suffix}.csv")
    if os.path.exists(jsonl) and os.path.exists(csv_path):
        return jsonl, csv_path
    with open(jsonl, "w", encoding="utf-8") as j, open(csv_path, "w", encoding="utf-8", newline="") as c:
        writer = csv.writer(c)
        writer.writerow(FIELDS)
        for i in range(1, n + 1):
            key = (i - 1) % keys + 1 if keys else i
            rec = {"employeeId": f"E{key:07d}", "firstName": f"First{i % 997}", "lastName": f"Last{i % 1009}",
                   "workEmail": f"user{i}@example.com", "employmentType": "CONTRACTOR" if i % 7 == 0 else "EMPLOYEE",
                   "employmentStartDate": f"20{10 + i % 14:02d}-0{1 + i % 9}-15T09:00:00Z",
                   "managerId": None if i < 10 else f"E{i % 10 + 1:07d}", "role": "Engineer" if i % 2 else "Analyst"}
            j.write(json.dumps(rec, separators=(",", ":")) + "\n")
            writer.writerow(["" if rec[f] is None else rec[f] for f in FIELDS])
    return jsonl, csv_path


def start_server(binary, latency_ms=0):
    extra = ["--latency", f"{latency_ms}ms"] if latency_ms else []
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--quiet", "--api-key", KEY, "--processing-time", "0s",
                             "--max-body-bytes", "5000000"] + extra, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(r"listening on (http://\S+)", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    raise SystemExit("pushsh serve did not start")


def pushsh_push(binary, base, path):
    env = dict(os.environ, SPRINTO_BASE_URL=base, SPRINTO_INTEGRATION_ID="demo", SPRINTO_API_KEY=KEY, NO_COLOR="1")
    script = f'let s = start\npush s User from "{path}"\nexpect s.accepted_records_total == {count_records(path)}\nclose s discard\n'
    wall, cpu, rss, proc = run_measured([binary, "--quiet", "-c", script], env=env)
    if proc.returncode != 0:
        raise SystemExit("pushsh failed: " + proc.stderr.decode()[-2000:])
    m = re.search(r"up to (\d+) pages in flight", proc.stdout.decode())
    pushsh_push.in_flight = int(m.group(1)) if m else 1
    return wall, cpu, rss


_counts = {}


def count_records(path):
    if path not in _counts:
        with open(path, encoding="utf-8") as f:
            _counts[path] = sum(1 for line in f if line.strip()) - (1 if path.endswith(".csv") else 0)
    return _counts[path]


def python_push(script, base, jsonl):
    wall, cpu, rss, proc = run_measured([sys.executable, os.path.join(ROOT, "benchmarks", script), base, "demo", KEY, jsonl])
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed: " + proc.stderr.decode()[-2000:])
    return wall, cpu, rss


def ceiling(base, jsonl, connections=1):
    """Seconds the service needs for N records in pages of 100, sent one at a
    time on each of `connections` connections: wrk posting a pre-encoded page
    (no client work), or, without wrk, a minimal Python client with one thread
    per connection (a lower bound only)."""
    import shutil, urllib.request
    with open(jsonl, encoding="utf-8") as f:
        records = [next(f).strip() for _ in range(100)]
    page = os.path.join(ROOT, "benchmarks", "out", "page.json")
    with open(page, "w") as f:
        f.write('{"entities":{"User":[' + ",".join(records) + ']},"page_hint":1}')
    request = urllib.request.Request(f"{base}/v1/integrations/demo/sessions", data=b"{}", method="POST",
                                     headers={"api-key": KEY, "content-type": "application/json"})
    sid = json.load(urllib.request.urlopen(request))["id"]
    if shutil.which("wrk"):
        env = dict(os.environ, BENCH_PAGE=page, BENCH_PATH=f"{urllib.parse.urlparse(base).path}/v1/integrations/demo/sessions/{sid}/entities", BENCH_KEY=KEY)
        out = subprocess.run(["wrk", f"-t{min(connections, 2)}", f"-c{connections}", "-d5s", "-s", os.path.join(ROOT, "benchmarks", "ceiling.lua"), base], env=env,
                             capture_output=True, text=True, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        close = urllib.request.Request(f"{base}/v1/integrations/demo/sessions/{sid}/close", data=b'{"status":"discard"}', method="POST",
                                       headers={"api-key": KEY, "content-type": "application/json"})
        urllib.request.urlopen(close).read()
        return N / 100 / rate, f"ceiling (wrk, {connections} connection{'s' if connections > 1 else ''})"
    close = urllib.request.Request(f"{base}/v1/integrations/demo/sessions/{sid}/close", data=b'{"status":"discard"}', method="POST",
                                   headers={"api-key": KEY, "content-type": "application/json"})
    urllib.request.urlopen(close).read()
    _, _, _, proc = run_measured([sys.executable, os.path.join(ROOT, "benchmarks", "ceiling_push.py"), base, "demo", KEY, jsonl, str(connections)])
    if proc.returncode != 0:
        raise SystemExit("ceiling_push.py failed: " + proc.stderr.decode()[-2000:])
    return float(proc.stdout.decode().split()[1]), f"ceiling (python, {connections} conn.)"


def row(name, records, wall, cpu, rss):
    print(f"  {name:<28} {wall:8.2f} s {records / wall:12,.0f} rec/s   cpu {cpu:6.2f} s   peak RSS {rss:7.1f} MB")


def main():
    if "--memory" in sys.argv:
        return memory_only()
    binary = pushsh_binary()
    work = os.path.join(ROOT, "benchmarks", "out")
    os.makedirs(work, exist_ok=True)
    jsonl, csv_path = generate(N, work)
    pages = -(-N // 100)
    summary = []
    for latency in LATENCIES:
        server, base = start_server(binary, latency)
        try:
            print(f"pushing {N:,} User records in pages of 100 to pushsh serve --latency {latency}ms")
            w1, c1, r1 = pushsh_push(binary, base, jsonl)
            window = pushsh_push.in_flight
            w2, c2, r2 = pushsh_push(binary, base, csv_path)
            sw, sc, sr = python_push("baseline_push.py", base, jsonl)
            pw, pc, pr = python_push("concurrent_push.py", base, jsonl)
            row(f"pushsh (JSON Lines)", N, w1, c1, r1)
            print(f"    (up to {window} pages in flight)")
            row("pushsh (CSV)", N, w2, c2, r2)
            row("Python, sequential", N, sw, sc, sr)
            row("Python, 8 in flight", N, pw, pc, pr)
            if latency == 0:
                for connections in (1, 8):
                    cw, name = ceiling(base, jsonl, connections)
                    print(f"  {name:<28} {cw:8.2f} s {N / cw:12,.0f} rec/s   (the service alone: same pages, pre-encoded)")
            else:
                ms = latency / 1000
                print(f"  physical limit: {pages} pages x {latency} ms = {pages * ms:.2f} s one at a time, "
                      f"{pages * ms / 8:.2f} s with 8 in flight, {pages * ms / PUSHSH_CAP:.2f} s with {PUSHSH_CAP}")
            print("ratios (records per second):")
            print(f"  pushsh JSONL / sequential Python  {sw / w1:6.2f}x" + ("   (target >= 2x)" if latency == 0 else "   (target >= 5x at 20 ms)" if latency == 20 else ""))
            print(f"  pushsh CSV   / sequential Python  {sw / w2:6.2f}x" + ("   (target >= 2x)" if latency == 0 else ""))
            print(f"  pushsh JSONL / concurrent Python  {pw / w1:6.2f}x" + ("   (target >= 1.0x)" if latency else ""))
            print(f"  pushsh CSV   / concurrent Python  {pw / w2:6.2f}x")
            print(f"  pushsh CSV   / pushsh JSONL       {w1 / w2:6.2f}x   (target 1.0x)")
            summary.append((latency, sw / w1, sw / w2, pw / w1, pw / w2))
        finally:
            server.terminate()
            server.wait()
    print("summary: latency, JSONL/sequential, CSV/sequential, JSONL/concurrent, CSV/concurrent")
    for latency, a, b, c, d in summary:
        print(f"  {latency:3d} ms   {a:6.2f}x   {b:6.2f}x   {c:6.2f}x   {d:6.2f}x")
    if MEMORY_N:
        # Peak RSS is per process tree: measure the big push in a fresh interpreter.
        subprocess.run([sys.executable, os.path.abspath(__file__), "--memory"], check=True)


def memory_only():
    binary = pushsh_binary() if os.environ.get("PUSHSH_BIN") else os.path.join(ROOT, ".build", "release", "pushsh")
    work = os.path.join(ROOT, "benchmarks", "out")
    latency = int(os.environ.get("BENCH_MEMORY_LATENCY", "0"))
    # Unique keys, then half of them repeated (the census's worst case: 500,000 keys seen twice for 1,000,000 records).
    for keys, what in ((None, "unique keys"), (MEMORY_N // 2, "every key twice")):
        jsonl, _ = generate(MEMORY_N, work, keys)
        server, base = start_server(binary, latency)
        try:
            wall, cpu, rss = pushsh_push(binary, base, jsonl)
            print(f"memory: pushsh pushing {MEMORY_N:,} records, {what} (JSON Lines, {os.path.getsize(jsonl) / 1e6:.0f} MB file), "
                  f"sandbox latency {latency} ms, up to {pushsh_push.in_flight} pages in flight:")
            row("pushsh (JSON Lines)", MEMORY_N, wall, cpu, rss)
            print(f"  peak RSS {rss:.1f} MB   (target < 64 MB)")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
