"""Shared fixtures: the bundled program built once per test session, and the golden-file flag."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current rendering instead of comparing")


@pytest.fixture
def same_build_date(monkeypatch):
    """Pin the date MkDocs writes into sitemaps, so that two builds can be compared byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def bundled_project(tmp_path_factory) -> Path:
    """A copy of the bundled program, so that its builds do not race with another build of
    the repository (its `build/` work folder) or leave files in it."""
    project = tmp_path_factory.mktemp("bundled") / "project"
    project.mkdir()
    for part in ("curriculum", "locales", "templates", "mkdocs.yml"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("*.mo"))
        elif source.is_file():
            shutil.copy2(source, project / part)
    return project


@pytest.fixture(scope="session")
def bundled_site(bundled_project: Path) -> Path:
    """Every edition of the bundled program, built once for the whole session."""
    from rmkit.build import build

    out = bundled_project.parent / "site"
    result = build(bundled_project, out=out, jobs=2)
    assert not any(f.is_error for f in result.findings), result.findings
    assert (out / "index.html").is_file()
    return out
