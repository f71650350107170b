"""Time `rmkit validate` against the libyaml parse floor on a large synthetic curriculum.

    python benchmarks/validate.py [--modules 300] [--runs 7]

The floor is `yaml.load(..., Loader=CSafeLoader)` of the same files, in the same process:
what any tool that reads these files must pay. Both are timed as medians of several runs,
alternating, so that the ratio compares like with like. Also reports the command-line
wall time of both (interpreter start-up included) and peak memory of validation.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import yaml  # noqa: E402

from benchmarks.generate import generate  # noqa: E402
from rmkit.validate import validate_project  # noqa: E402

FLOOR_SCRIPT = "import sys,yaml\nfor p in sys.argv[1:]:\n    yaml.load(open(p,'rb').read(), Loader=yaml.CSafeLoader)\n"


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(modules: int, runs: int, work: Path) -> dict:
    root = generate(work / f"validate-{modules}", modules, 4)
    files = sorted(root.rglob("*.yml"))
    _, findings = validate_project(root)
    assert not any(f.is_error for f in findings), "the synthetic curriculum must be valid"

    def floor():
        for path in files:
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)

    def rmkit():
        validate_project(root)

    floor_times, rmkit_times = [], []
    for _ in range(runs):  # alternate, so that machine noise hits both alike
        floor_times.append(median_time(floor, 1))
        rmkit_times.append(median_time(rmkit, 1))
    floor_s, rmkit_s = statistics.median(floor_times), statistics.median(rmkit_times)

    cli = [sys.executable, "-m", "rmkit", "-C", str(root), "validate"]
    floor_cli = [sys.executable, "-c", FLOOR_SCRIPT, *map(str, files)]
    cli_s = median_time(lambda: subprocess.run(cli, capture_output=True, check=False), max(3, runs // 2))
    floor_cli_s = median_time(lambda: subprocess.run(floor_cli, capture_output=True, check=True), max(3, runs // 2))
    peak = subprocess.run(
        [sys.executable, "-c", "import resource,sys; from pathlib import Path; from rmkit.validate import "
         "validate_project; validate_project(Path(sys.argv[1])); "
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)", str(root)],
        capture_output=True, text=True, check=True, cwd=HERE.parent).stdout.strip()
    return {
        "modules": modules, "files": len(files), "runs": runs,
        "floor_s": round(floor_s, 4), "validate_s": round(rmkit_s, 4), "ratio": round(rmkit_s / floor_s, 2),
        "floor_cli_s": round(floor_cli_s, 4), "validate_cli_s": round(cli_s, 4),
        "cli_ratio": round(cli_s / floor_cli_s, 2), "peak_memory_mb": round(int(peak) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, default=HERE / "out" / "validate.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        result = measure(args.modules, args.runs, Path(work))
    print(f"{'modules':>8} {'floor s':>8} {'validate s':>10} {'ratio':>6} {'CLI floor':>10} {'CLI rmkit':>10} "
          f"{'CLI ratio':>9} {'peak MB':>8}")
    r = result
    print(f"{r['modules']:>8} {r['floor_s']:>8.3f} {r['validate_s']:>10.3f} {r['ratio']:>5.2f}x "
          f"{r['floor_cli_s']:>10.3f} {r['validate_cli_s']:>10.3f} {r['cli_ratio']:>8.2f}x {r['peak_memory_mb']:>8}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
