"""Helpers shared by the benchmarks: finding the binary, timing children."""
import os, resource, subprocess, sys, time, statistics

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pushsh_binary():
    """The release binary (built on demand), or $PUSHSH_BIN."""
    if os.environ.get("PUSHSH_BIN"):
        return os.environ["PUSHSH_BIN"]
    path = os.path.join(ROOT, ".build", "release", "pushsh")
    if not os.path.exists(path) or os.environ.get("BENCH_REBUILD", "1") == "1":
        print("building pushsh in release mode (the first time takes several minutes)...", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release", "--product", "pushsh"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return path


MEASURE = r"""
import resource, subprocess, sys
proc = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1] + ".out", "wb"), stderr=open(sys.argv[1] + ".err", "wb"))
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{proc.returncode} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}")
"""


class Completed:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_measured(argv, env=None, stdin=None, cwd=None):
    """Runs a child in a wrapper of its own, so its CPU time and peak RSS are
    its alone; returns (wall seconds, cpu seconds, peak RSS MB, completed)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", MEASURE, report] + list(argv), env=env, input=stdin, cwd=cwd, check=False)
        wall = time.perf_counter() - start
        code, cpu, rss = open(report).read().split()
        out = open(report + ".out", "rb").read()
        err = open(report + ".err", "rb").read()
    return wall, float(cpu), int(rss) / 1024, Completed(int(code), out, err)


def median_runs(argv, runs, env=None):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
