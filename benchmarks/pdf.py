"""Time the PDFs on the bundled program (run by run.py).

- per page: each edition × audience's PDF made in this process (print HTML and stylesheet
  rendered, then WeasyPrint), time over pages, median of the runs;
- against the sites: clean `rmkit build --jobs 2` of the bundled program with PDFs and with
  `--no-pdf`, alternating, from the command line (start-up included), median of the runs;
- the floor: the CPU time of each build (its workers included). On `cores` cores no schedule
  makes a build take less than its CPU time over the cores, so `best_ratio` (the build with
  PDFs at that floor, against the `--no-pdf` build as measured) is the smallest ratio any
  scheduling of the same work could give.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.timing import run_timed  # noqa: E402

BUNDLED = HERE.parent
CORES = 2  # the machine: `--jobs 2`


def bundled_copy(work: Path) -> Path:
    root = work / "bundled"
    if not root.is_dir():
        root.mkdir(parents=True)
        for part in ("curriculum", "locales", "templates", "mkdocs.yml"):
            source = BUNDLED / part
            if source.is_dir():
                shutil.copytree(source, root / part, ignore=shutil.ignore_patterns("*.mo"))
            elif source.is_file():
                shutil.copy2(source, root / part)
    return root


def clean(root: Path) -> None:
    for folder in ("site", "build"):
        shutil.rmtree(root / folder, ignore_errors=True)


def measure_pages(root: Path) -> dict:
    """Every PDF of the program once, in this process: seconds and pages, render and engine apart."""
    from rmkit.catalogs import load_translations
    from rmkit.pdf import Printer
    from rmkit.render import Renderer
    from rmkit.resolve import edition_entries, resolve_edition
    from rmkit.validate import validate_project

    project, _ = validate_project(root)
    editions = [resolve_edition(project, e, load_translations(project, e["language"])) for e in edition_entries(project)]
    printer = Printer(project, Renderer(project))
    render = engine = 0.0
    pages = 0
    with tempfile.TemporaryDirectory() as out:
        for edition in editions:
            for audience in ("mentee", "mentor"):
                started = time.perf_counter()
                document = printer.document(edition, audience)
                rendered = time.perf_counter()
                made = printer.write(document, Path(out) / document.file_name)
                render += rendered - started
                engine += time.perf_counter() - rendered
                pages += made.pages
    return {"pdfs": 2 * len(editions), "pages": pages, "render_s": render, "engine_s": engine,
            "ms_per_page": 1000 * (render + engine) / pages}


def measure(runs: int, work: Path, quick: bool = False) -> dict:
    root = bundled_copy(work)
    per_page = [measure_pages(root) for _ in range(1 if quick else max(1, runs // 2))]
    results = {key: statistics.median(p[key] for p in per_page) for key in per_page[0]}
    times: dict[str, list[float]] = {"with_pdf": [], "no_pdf": []}
    cpu: dict[str, list[float]] = {"with_pdf": [], "no_pdf": []}
    build = [sys.executable, "-m", "rmkit", "-C", str(root), "build", "--jobs", str(CORES), "--quiet"]
    for _ in range(runs):  # alternate, so that machine noise hits both alike
        for variant, options in (("no_pdf", ["--no-pdf"]), ("with_pdf", [])):
            clean(root)
            run = run_timed(build + options, cwd=BUNDLED)
            times[variant].append(run["seconds"])
            cpu[variant].append(run["cpu"])
    results["runs_seconds"] = times
    results["runs_cpu_seconds"] = cpu
    for variant in times:
        results[f"{variant}_s"] = statistics.median(times[variant])
        results[f"{variant}_cpu_s"] = statistics.median(cpu[variant])
    results["ratio"] = results["with_pdf_s"] / results["no_pdf_s"]
    results["cores"] = CORES
    results["best_ratio"] = results["with_pdf_cpu_s"] / CORES / results["no_pdf_s"]
    return results


if __name__ == "__main__":  # python benchmarks/pdf.py [runs]
    with tempfile.TemporaryDirectory() as work:
        print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3, Path(work)))
