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


def run_measured(argv, env=None, stdin=None, cwd=None):
    """Runs a child; returns (wall seconds, cpu seconds, peak RSS MB, completed process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, input=stdin, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of children is the largest of any child so far: run the
    # memory-sensitive case in its own process tree (see push.py --memory).
    return wall, cpu, after.ru_maxrss / 1024, proc


def median_runs(argv, runs, env=None):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
