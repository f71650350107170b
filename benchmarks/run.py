"""Run every benchmark: print a table, write the figures as JSON.

    python3 benchmarks/run.py            # the figures of the README (a few minutes on 2 cores)
    python3 benchmarks/run.py --quick    # a smoke run on small projects (seconds); ratios not meaningful
    python3 benchmarks/run.py --only pairing   # only `rmkit pair`: 2,000 mentees × 1,500 mentors
    python3 benchmarks/run.py --only pdf       # only the PDFs of the bundled program

Validation: 300 modules, 4 editions, against the parse floor of the same files
(benchmarks/validate.py). Builds: 60 modules × 4 editions × 2 audiences = 8 sites
(benchmarks/build.py), with each engine installed. Times are medians of several runs;
the runs of the variants compared in a ratio alternate, in the same invocation.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks import build as build_benchmark  # noqa: E402
from benchmarks import pairing as pairing_benchmark  # noqa: E402
from benchmarks import pdf as pdf_benchmark  # noqa: E402
from benchmarks import validate as validate_benchmark  # noqa: E402

# (what, the figure's key path, target, aim) — targets of the issue that asked for these figures.
TARGETS = {
    "validate_ratio": ("≤ 3×", "1.5×"),
    "validate_peak": ("< 300 MB", None),
    "parallel_ratio": ("≤ 0.70", None),
    "edit_text_ratio": ("≤ 0.35", "0.10"),
    "pairing_cli": ("≤ 10 s", None),
    "pdf_ratio": ("≤ 2.5×", None),
}


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def pairing_rows(p: dict) -> list[tuple[str, str, str]]:
    return [
        (f"pair: load {p['mentees']} mentees + {p['mentors']} mentors ({p['slots']} slots)", f"{p['load_s']:.2f} s", ""),
        ("pair: rules, scores and solving (in process)", f"{p['pair_s']:.2f} s", ""),
        ("  its CPU time", f"{p['pair_cpu_s']:.2f} s", ""),
        ("pair: whole command, JSON written (CLI)", f"{p['cli_s']:.2f} s", "pairing_cli"),
        ("  its CPU time (start-up included)", f"{p['cli_cpu_s']:.2f} s", ""),
        ("pair: peak memory (CLI)", f"{p['cli_peak_mb']:.0f} MB", ""),
    ]


def format_rows(rows, header: str) -> str:
    width = max(len(r[0]) for r in rows)
    lines = [header, f"{'figure':<{width}}  {'value':>10}  target (aim)"]
    for name, value, target in rows:
        goal = ""
        if target:
            wanted, aim = TARGETS[target]
            goal = wanted + (f" ({aim})" if aim else "")
        lines.append(f"{name:<{width}}  {value:>10}  {goal}")
    return "\n".join(lines) + "\n"


def table(results: dict) -> str:
    """The figures measured (all, or those of `--only`), one row each."""
    rows = build_rows(results) if "build" in results else []
    if "pdf" in results:
        rows += pdf_rows(results["pdf"])
    if "pairing" in results:
        rows += pairing_rows(results["pairing"])
    header = f"machine: {results['machine']}"
    if "build" in results:
        b, v = results["build"], results["validate"]
        header += (f"; builds: {b['modules']} modules × {b['editions']} editions × 2 audiences; "
                   f"medians of {b['runs']} runs (validation: {v['runs']})")
    else:
        header += f"; medians of {results['runs']} runs"
    return format_rows(rows, header)


def build_rows(results: dict) -> list[tuple[str, str, str]]:
    v, b = results["validate"], results["build"]
    s = b["seconds"]
    rows = [
        ("validate: libyaml + Babel floor", f"{v['floor_s']:.3f} s", ""),
        (f"validate: rmkit ({v['modules']} modules, {v['catalogs']} catalogs)", f"{v['validate_s']:.3f} s", ""),
        ("validate: ratio to the floor", f"{v['ratio']:.2f}×", "validate_ratio"),
        ("validate: CLI ratio (start-up included)", f"{v['cli_ratio']:.2f}×", ""),
        ("validate: peak memory", f"{v['peak_memory_mb']:.1f} MB", "validate_peak"),
    ]
    for engine in results["engines"]:
        stage = b[f"stages_{engine}"]
        rows += [
            (f"{engine}: render stage, {stage['sites']} sites, 1 process", f"{stage['render_s']:.2f} s", ""),
            (f"{engine}: engine stage, {stage['pages']} pages, 1 process", f"{stage['engine_s']:.2f} s", ""),
            (f"{engine}: engine time per page", f"{stage['ms_per_page']:.1f} ms", ""),
        ]
    rows += [
        ("clean build --jobs 1 (CLI)", f"{s['clean_jobs1']:.2f} s", ""),
        ("clean build --jobs 2 (CLI)", f"{s['clean_jobs2']:.2f} s", ""),
        ("--jobs 2 / --jobs 1", f"{b['parallel_ratio']:.2f}", "parallel_ratio"),
        ("rebuild, one module's text edited", f"{s['edit_text']:.2f} s", ""),
        ("  / clean build", f"{b['edit_text_ratio']:.2f}", "edit_text_ratio"),
        ("rebuild, one module's mentor-only text edited", f"{s['edit_mentor_text']:.2f} s", ""),
        ("  / clean build", f"{b['edit_mentor_text_ratio']:.2f}", ""),
        ("rebuild, one module's title edited (navigation)", f"{s['edit_title']:.2f} s", ""),
        ("  / clean build", f"{b['edit_title_ratio']:.2f}", ""),
        ("rebuild, nothing changed", f"{s['noop']:.2f} s", ""),
        ("  / clean build", f"{b['noop_ratio']:.2f}", ""),
        ("build peak memory (largest process)", f"{max(b['peak_memory_mb'].values()):.1f} MB", ""),
    ]
    if "zensical_clean" in s:
        rows += [
            ("zensical: clean build --jobs 2 (CLI)", f"{s['zensical_clean']:.2f} s", ""),
            ("zensical: rebuild, one module's text edited", f"{s['zensical_edit_text']:.2f} s", ""),
            ("  / zensical clean build", f"{b['zensical_edit_text_ratio']:.2f}", ""),
        ]
    return rows


def pdf_rows(p: dict) -> list[tuple[str, str, str]]:
    return [
        (f"PDFs of the bundled program: {p['pdfs']:.0f} PDFs, {p['pages']:.0f} pages, 1 process",
         f"{p['render_s'] + p['engine_s']:.2f} s", ""),
        ("  PDF time per page (print HTML + WeasyPrint)", f"{p['ms_per_page']:.0f} ms", ""),
        ("bundled program: clean build --jobs 2 --no-pdf (CLI)", f"{p['no_pdf_s']:.2f} s", ""),
        ("bundled program: clean build --jobs 2 with PDFs (CLI)", f"{p['with_pdf_s']:.2f} s", ""),
        ("  with PDFs / --no-pdf", f"{p['ratio']:.2f}×", "pdf_ratio"),
        ("  CPU time --no-pdf / with PDFs (workers included)",
         f"{p['no_pdf_cpu_s']:.1f} s / {p['with_pdf_cpu_s']:.1f} s", ""),
        (f"  smallest ratio any schedule on {p['cores']} cores allows (CPU / cores / --no-pdf)",
         f"{p['best_ratio']:.2f}×", ""),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small projects, one run: a smoke test")
    parser.add_argument("--runs", type=int, default=None, help="runs per build figure (default 5; quick 1)")
    parser.add_argument("--engine", action="append", dest="engines", choices=("mkdocs", "zensical"),
                        help="engines to compare (default: mkdocs, and zensical when installed)")
    parser.add_argument("--only", choices=("pdf", "pairing"), help="run only these figures")
    parser.add_argument("--json", type=Path, default=HERE / "out" / "results.json")
    args = parser.parse_args()
    engines = args.engines or (["mkdocs", "zensical"] if build_benchmark.zensical_available() else ["mkdocs"])
    runs = args.runs or (1 if args.quick else 5)
    results = {"machine": machine(), "quick": args.quick, "runs": runs}
    with tempfile.TemporaryDirectory() as work:
        if not args.only:
            results["engines"] = engines
            results["validate"] = validate_benchmark.measure(30 if args.quick else 300, 3 if args.quick else 7,
                                                             Path(work))
            results["build"] = build_benchmark.measure(10 if args.quick else 60, 2 if args.quick else 4, runs,
                                                       Path(work), engines)
        if args.only in (None, "pdf"):
            results["pdf"] = pdf_benchmark.measure(1 if args.quick else runs, Path(work), quick=args.quick)
        if args.only in (None, "pairing"):
            results["pairing"] = pairing_benchmark.measure(200 if args.quick else 2000,
                                                           150 if args.quick else 1500, runs, Path(work) / "pairing")
    print(table(results), end="")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
