"""Time `rmkit build` on a synthetic curriculum (run by run.py).

- stages: one clean build in one process, with the render stage (templates → Markdown) and
  the engine stage (Markdown → HTML) timed apart, and the pages built counted;
- parallel: clean builds from the command line with `--jobs 1` and `--jobs 2`, alternating;
- incremental: a clean build, then rebuilds after an edit of one module: a text every
  audience sees (its page changes in every site, the navigation does not), a text only
  mentor guides show, a module title (the navigation of every page changes), and nothing.
  Each edit is new to the build (no conversion of it is cached).

Command-line runs include the interpreter's start-up, as a user sees them. A clean build
starts without `site/` and without `build/` (generated projects and caches). These figures
are the sites' alone (`--no-pdf`); benchmarks/pdf.py times the PDFs.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import rmkit.build  # noqa: E402
from benchmarks.generate import generate  # noqa: E402
from benchmarks.timing import run_measured  # noqa: E402
from rmkit.render import Renderer  # noqa: E402

# Edits of topic-0007, each replacing text that occurs once in the generated module.
BODY_EDIT = ("title: Exercise 2 of topic 7", "title: Exercise 2 of topic 7, in pairs")  # seen by every audience
MENTOR_EDIT = ("explain: Start from what the mentee already does.",  # mentor guides only
               "explain: Start from what the mentee already does, then show one new step.")
TITLE_EDIT = ("title: 'Topic 7: working with {tools.chat}'", "title: 'Topic 7: chatting on {tools.chat}'")
EDITED_MODULE = "curriculum/modules/topic-0007.yml"


def clean(root: Path) -> None:
    for folder in ("site", "build"):
        shutil.rmtree(root / folder, ignore_errors=True)


def run_cli(root: Path, *args: str) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB, the largest process: rmkit or one of its workers)."""
    return run_measured([sys.executable, "-m", "rmkit", "-C", str(root), "build", "--no-pdf", "--quiet", *args],
                        cwd=HERE.parent)


@contextmanager
def edited(root: Path, edit: tuple[str, str]):
    path = root / EDITED_MODULE
    original = path.read_text(encoding="utf-8")
    assert original.count(edit[0]) == 1, f"{edit[0]!r} must occur once in {path}"
    path.write_text(original.replace(edit[0], edit[1]), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


def measure_stages(root: Path, engine: str) -> dict:
    """One clean build, in one process, with each stage's time summed over the sites."""
    clean(root)
    spent = {"render": 0.0, "engine": 0.0}
    pages = 0
    site, build_site = Renderer.site, rmkit.build.build_site

    def timed_render(self, *args, **kwargs):
        nonlocal pages
        started = time.perf_counter()
        try:
            project = site(self, *args, **kwargs)
        finally:
            spent["render"] += time.perf_counter() - started
        pages += sum(1 for path in project.files if path.endswith(".md"))
        return project

    def timed_engine(*args, **kwargs):
        started = time.perf_counter()
        try:
            return build_site(*args, **kwargs)
        finally:
            spent["engine"] += time.perf_counter() - started

    Renderer.site, rmkit.build.build_site = timed_render, timed_engine
    try:
        result = rmkit.build.build(root, jobs=1, engine=engine, pdfs=False)
    finally:
        Renderer.site, rmkit.build.build_site = site, build_site
    assert not any(f.is_error for f in result.findings)
    return {"total_s": result.seconds, "render_s": spent["render"], "engine_s": spent["engine"],
            "sites": len(result.built), "pages": pages, "ms_per_page": 1000 * spent["engine"] / pages}


def measure(modules: int, editions: int, runs: int, work: Path, engines: list[str]) -> dict:
    root = generate(work / f"build-{modules}x{editions}", modules, editions)
    results: dict = {"modules": modules, "editions": editions, "runs": runs}

    for engine in engines:
        stages = [measure_stages(root, engine) for _ in range(runs)]
        results[f"stages_{engine}"] = {key: statistics.median(s[key] for s in stages) for key in stages[0]}
        results[f"stages_{engine}"]["runs_engine_s"] = [s["engine_s"] for s in stages]

    times: dict[str, list[float]] = {}
    peaks: dict[str, list[float]] = {}

    def record(name: str, measured: tuple[float, float]) -> None:
        times.setdefault(name, []).append(measured[0])
        peaks.setdefault(name, []).append(measured[1])

    for _ in range(runs):  # alternate, so that machine noise hits every variant alike
        clean(root)
        record("clean_jobs1", run_cli(root, "--jobs", "1"))
        clean(root)
        record("clean_jobs2", run_cli(root, "--jobs", "2"))
        record("noop", run_cli(root, "--jobs", "2"))
        with edited(root, BODY_EDIT):
            record("edit_text", run_cli(root, "--jobs", "2"))
        run_cli(root, "--jobs", "2")  # back to the generated text
        with edited(root, MENTOR_EDIT):
            record("edit_mentor_text", run_cli(root, "--jobs", "2"))
        run_cli(root, "--jobs", "2")
        with edited(root, TITLE_EDIT):
            record("edit_title", run_cli(root, "--jobs", "2"))
        if "zensical" in engines:
            clean(root)
            record("zensical_clean", run_cli(root, "--jobs", "2", "--engine", "zensical"))
            with edited(root, BODY_EDIT):
                record("zensical_edit_text", run_cli(root, "--jobs", "2", "--engine", "zensical"))

    medians = {name: statistics.median(values) for name, values in times.items()}
    results["seconds"] = medians
    results["runs_seconds"] = times
    results["peak_memory_mb"] = {name: max(values) for name, values in peaks.items()}
    results["parallel_ratio"] = medians["clean_jobs2"] / medians["clean_jobs1"]
    for name in ("noop", "edit_text", "edit_mentor_text", "edit_title"):
        results[f"{name}_ratio"] = medians[name] / medians["clean_jobs2"]
    if "zensical" in engines:
        results["zensical_edit_text_ratio"] = medians["zensical_edit_text"] / medians["zensical_clean"]
    return results


def zensical_available() -> bool:
    return shutil.which("zensical") is not None


if __name__ == "__main__":  # a quick look at one project: python benchmarks/build.py
    with tempfile.TemporaryDirectory() as work:
        print(measure(10, 2, 1, Path(work), ["mkdocs"]))
