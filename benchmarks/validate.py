"""Time `rmkit validate` against the parse floor on a large synthetic curriculum (run by run.py).

The floor is what any tool that reads the same files must pay, in the same process: libyaml
(`yaml.load(..., Loader=CSafeLoader)`) for the YAML files and Babel's `read_po` for the
catalogs. Both are timed as medians of several runs, alternating, so that the ratio compares
like with like. Also measures the command-line wall time of both (interpreter start-up
included) and the peak memory of validation.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import yaml  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from benchmarks.generate import generate  # noqa: E402
from benchmarks.timing import median_time, run_measured  # noqa: E402
from rmkit.validate import validate_project  # noqa: E402

FLOOR_SCRIPT = """\
import sys, yaml
from babel.messages.pofile import read_po
for p in sys.argv[1:]:
    if p.endswith(".po"):
        read_po(open(p, "rb"))
    else:
        yaml.load(open(p, "rb").read(), Loader=yaml.CSafeLoader)
"""


def measure(modules: int, runs: int, work: Path) -> dict:
    root = generate(work / f"validate-{modules}", modules, 4)
    files = sorted(root.rglob("*.yml"))
    catalogs = sorted(root.rglob("*.po"))
    _, findings = validate_project(root)
    assert not findings, f"the synthetic curriculum must validate clean: {findings[:3]}"

    def floor():
        for path in files:
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        for path in catalogs:
            with path.open("rb") as f:
                read_po(f)

    def rmkit():
        validate_project(root)

    floor_times, rmkit_times = [], []
    for _ in range(runs):  # alternate, so that machine noise hits both alike
        floor_times.append(median_time(floor, 1))
        rmkit_times.append(median_time(rmkit, 1))
    floor_s, rmkit_s = statistics.median(floor_times), statistics.median(rmkit_times)

    cli = [sys.executable, "-m", "rmkit", "-C", str(root), "validate"]
    floor_cli = [sys.executable, "-c", FLOOR_SCRIPT, *map(str, files + catalogs)]
    cli_times, floor_cli_times, peaks = [], [], []
    for _ in range(max(3, runs // 2)):  # alternate here too
        floor_cli_times.append(run_measured(floor_cli, cwd=HERE.parent)[0])
        seconds, peak = run_measured(cli, cwd=HERE.parent)
        cli_times.append(seconds)
        peaks.append(peak)
    cli_s, floor_cli_s = statistics.median(cli_times), statistics.median(floor_cli_times)
    return {
        "modules": modules, "files": len(files), "catalogs": len(catalogs), "runs": runs,
        "floor_s": round(floor_s, 4), "validate_s": round(rmkit_s, 4), "ratio": round(rmkit_s / floor_s, 2),
        "floor_cli_s": round(floor_cli_s, 4), "validate_cli_s": round(cli_s, 4),
        "cli_ratio": round(cli_s / floor_cli_s, 2), "peak_memory_mb": round(max(peaks), 1),
    }
