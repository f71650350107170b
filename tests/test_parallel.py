"""`rmkit build --jobs N`: sites rendered and built in worker processes, same output as one process."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import rmkit.build
import rmkit.workers
from rmkit.build import build
from rmkit.findings import RmkitError

from .helpers import starter_project

SITES = sorted(f"{e}/{a}" for e in ("en-GB", "en-IE", "ja-JP") for a in ("mentee", "mentor"))


# Sitemaps carry the build date: builds compared byte for byte need the same one.
pytestmark = pytest.mark.usefixtures("same_build_date")


def _project(tmp_path: Path) -> Path:
    root = starter_project(tmp_path)
    countries = root / "locales" / "countries"
    gb = (countries / "GB.yml").read_text(encoding="utf-8")
    (countries / "IE.yml").write_text(gb.replace("GB", "IE"), encoding="utf-8")
    (countries / "JP.yml").write_text(gb.replace("GB", "JP").replace("WhatsApp", "LINE"), encoding="utf-8")
    (root / "locales" / "editions.yml").write_text(
        "editions:\n"
        "  - {id: en-GB, language: en, country: GB}\n"
        "  - {id: en-IE, language: en, country: IE}\n"
        "  - {id: ja-JP, language: ja, country: JP, start_date: 2027-05-17}\n", encoding="utf-8")
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parallel_and_serial_builds_write_the_same_sites(tmp_path):
    root = _project(tmp_path)
    serial = build(root, out=tmp_path / "serial", jobs=1)
    parallel = build(root, out=tmp_path / "parallel", jobs=3)
    assert serial.built == parallel.built == SITES
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")


def test_sites_are_built_in_as_many_worker_processes_as_jobs(tmp_path, monkeypatch):
    root = _project(tmp_path)
    log = tmp_path / "workers.log"
    build_site = rmkit.build.build_site

    def recording(*args, **kwargs):
        with log.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return build_site(*args, **kwargs)

    # Workers are forked, so they run the recording function patched in here.
    monkeypatch.setattr(rmkit.build, "build_site", recording)
    build(root, jobs=2)
    workers = set(log.read_text(encoding="utf-8").split())
    assert len(workers) == 2 and str(os.getpid()) not in workers
    log.unlink()
    build(root, out=tmp_path / "serial", jobs=1)
    assert set(log.read_text(encoding="utf-8").split()) == {str(os.getpid())}


def test_workers_get_site_names_not_the_project(tmp_path, monkeypatch):
    # The workers are forked with the plan (project, resolved editions, renderer): what goes
    # to them for each site is an edition id and an audience.
    root = _project(tmp_path)
    submitted = []
    run_jobs = rmkit.workers.run_jobs

    def spy(plan, sites, jobs, run_job):
        submitted.extend(pickle.dumps(site) for site in sites)
        plan_size.append(len(pickle.dumps(plan.editions)))
        return run_jobs(plan, sites, jobs, run_job)

    plan_size: list[int] = []
    monkeypatch.setattr(rmkit.workers, "run_jobs", spy)
    assert build(root, jobs=2).built == SITES
    assert len(submitted) == 12 and max(len(task) for task in submitted) < 100 < plan_size[0] // 100


def test_the_longest_jobs_start_first(tmp_path):
    root = _project(tmp_path)
    modules = root / "curriculum" / "modules"
    second = (modules / "getting-started.yml").read_text(encoding="utf-8").replace(
        "id: getting-started", "id: second-steps")
    (modules / "second-steps.yml").write_text(second, encoding="utf-8")
    program = root / "curriculum" / "program.yml"
    program.write_text(program.read_text(encoding="utf-8").replace(
        "modules: [getting-started]", "modules: [getting-started, second-steps]"), encoding="utf-8")
    (root / "locales" / "editions.yml").write_text(
        "editions:\n"
        "  - {id: en-GB, language: en, country: GB, modules: {exclude: [second-steps]}}\n"
        "  - {id: ja-JP, language: ja, country: JP}\n", encoding="utf-8")
    from rmkit.catalogs import load_translations
    from rmkit.resolve import edition_entries, resolve_edition
    from rmkit.validate import validate_project

    project, _ = validate_project(root)
    editions = [resolve_edition(project, e, load_translations(project, e["language"]))
                for e in edition_entries(project)]
    # PDFs first (each takes several times as long as its site), the mentor guide's first;
    # then the sites, the mentee workbook first; the edition with more modules first.
    assert rmkit.build._longest_first(editions, ["mentor", "mentee"], pdfs=True) == [
        ("PDF", "ja-JP", "mentor"), ("PDF", "ja-JP", "mentee"), ("PDF", "en-GB", "mentor"), ("PDF", "en-GB", "mentee"),
        ("site", "ja-JP", "mentee"), ("site", "ja-JP", "mentor"), ("site", "en-GB", "mentee"), ("site", "en-GB", "mentor")]
    assert rmkit.build._longest_first(editions, ["mentor"], pdfs=False) == [
        ("site", "ja-JP", "mentor"), ("site", "en-GB", "mentor")]


def test_every_failing_site_is_reported_and_nothing_is_swapped_in(tmp_path):
    root = _project(tmp_path)
    build(root, jobs=2)
    before = _files(root / "site")
    # Every site renders, then MkDocs cannot build any: the theme does not exist.
    (root / "mkdocs.yml").write_text("theme:\n  name: no-such-theme\n", encoding="utf-8")
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=2)
    failed = sorted(f.message.split()[1] for f in failure.value.findings)
    assert failed == SITES and {f.code for f in failure.value.findings} == {"build-failed"}
    assert _files(root / "site") == before


def test_a_template_error_in_a_worker_is_reported_like_in_one_process(tmp_path):
    root = _project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "scope.md.j2").write_text("# Scope\n\n{{ 1 / 0 }}\n", encoding="utf-8")
    reports = []
    for jobs in (1, 2):
        with pytest.raises(RmkitError) as failure:
            build(root, jobs=jobs)
        reports.append(sorted({(f.code, f.file, f.line) for f in failure.value.findings}))
    assert reports[0] == reports[1] == [("template-error", "templates/scope.md.j2", 3)]


def test_the_ci_example_uses_fields_that_rmkit_editions_prints(tmp_path, capsys):
    # docs/examples/build-editions.yml fans builds out over `rmkit editions --format json`.
    import json
    import re

    from rmkit.cli import main

    root = _project(tmp_path)
    assert main(["-C", str(root), "editions", "--format", "json"]) == 0
    targets = json.loads(capsys.readouterr().out)
    assert [(t["edition"], t["audience"]) for t in targets] == [
        (e, a) for e in ("en-GB", "en-IE", "ja-JP") for a in ("mentor", "mentee")]
    assert targets[0]["path"] == "site/en-GB/mentor"
    assert targets[0]["command"] == "rmkit build --edition en-GB --audience mentor"
    example = (Path(__file__).resolve().parents[1] / "docs" / "examples" / "build-editions.yml").read_text("utf-8")
    used = set(re.findall(r"matrix\.target\.(\w+)", example))
    assert used and used <= set(targets[0])
    assert main(["-C", str(root), "editions"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["en-GB\tmentor", "en-GB\tmentee"]
