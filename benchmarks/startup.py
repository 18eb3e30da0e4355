"""Issue 3's figures: start-up to the first statement, and a 10,000-statement
script on the in-process sandbox. Prints medians and ratios; asserts nothing."""
import os, sys, tempfile
from common import pushsh_binary, median_runs, run_measured

RUNS = int(os.environ.get("BENCH_RUNS", "41"))


def main():
    binary = pushsh_binary()
    env = dict(os.environ, NO_COLOR="1")
    for key in ("SPRINTO_API_KEY", "SPRINTO_INTEGRATION_ID"):
        env.pop(key, None)
    true_median = median_runs(["/bin/true"], RUNS)
    pushsh_median = median_runs([binary, "--output", "json", "-c", "print 1"], RUNS, env)
    print(f"start-up, median of {RUNS} runs:")
    print(f"  /bin/true                    {true_median * 1000:8.2f} ms")
    print(f"  pushsh -c 'print 1'          {pushsh_median * 1000:8.2f} ms   (target <= 25 ms)")
    print(f"  pushsh - /bin/true           {(pushsh_median - true_median) * 1000:8.2f} ms")

    # 10,000 statements: a realistic mix, on the built-in sandbox.
    lines = ["let s = start", "let n = 0"]
    body = [
        'let r = {"employeeId": "E${n}", "count": n}',
        'expect r.count == n',
        'let n = len([n, n, n])',
        'if n > 2',
        '  let n = 0',
        'end',
    ]
    while len(lines) < 10_000:
        lines.extend(body)
    lines.append("close s discard")
    with tempfile.NamedTemporaryFile("w", suffix=".push", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        script = f.name
    wall, cpu, rss, proc = run_measured([binary, "--output", "json", script], env=env)
    if proc.returncode != 0:
        print(proc.stderr.decode()[:2000], file=sys.stderr)
        sys.exit(1)
    empty = tempfile.NamedTemporaryFile("w", suffix=".push", delete=False)
    empty.write("print 1\n")
    empty.close()
    base_wall, _, _, _ = run_measured([binary, "--output", "json", empty.name], env=env)
    print(f"{len(lines):,}-statement script on the in-process sandbox:")
    print(f"  wall {wall:.3f} s, cpu {cpu:.3f} s, peak RSS {rss:.1f} MB   (target <= 0.5 s)")
    print(f"  per statement {(wall - base_wall) / len(lines) * 1e6:.1f} us (after {base_wall * 1000:.1f} ms start-up)")
    os.unlink(script)
    os.unlink(empty.name)


if __name__ == "__main__":
    main()
