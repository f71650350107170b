"""Shared fixtures: the bundled program built once per test session, and the golden-file flag."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current rendering instead of comparing")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> Path:
    """Every edition of the bundled program, built once for the whole session."""
    from rmkit.build import build

    out = tmp_path_factory.mktemp("bundled") / "site"
    result = build(ROOT, out=out, jobs=2)
    assert not any(f.is_error for f in result.findings), result.findings
    assert (out / "index.html").is_file()
    return out
