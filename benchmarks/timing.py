"""Timing and memory of commands, shared by the benchmarks."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Runs a command and reports the peak memory of its process tree. It is a small process of
# its own because a child's peak counts the memory of the process it was forked from, up to
# its exec: measured from the benchmark's own (large) process, every command would look as
# big as the benchmark.
_MEASURE = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "peak_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
                  "code": done.returncode,
                  "output": (done.stdout + done.stderr).decode(errors="replace")[-3000:]}))
"""


def run_measured(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall time (s) of `command` and the peak memory (MB) of its largest process (it or a worker)."""
    report = run_timed(command, cwd)
    return report["seconds"], report["peak_kb"] / 1024


def run_timed(command: list[str], cwd: Path | None = None) -> dict:
    """`seconds` (wall), `cpu` (user + system seconds of the command and its workers) and
    `peak_kb` (its largest process) of one run of `command`."""
    raw = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True,
                         cwd=cwd, check=True).stdout
    report = json.loads(raw)
    if report["code"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{report['output']}")
    return report


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
