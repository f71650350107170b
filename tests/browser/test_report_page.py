"""The evaluation report of the bundled example, in a browser: no request leaves the page,
no script runs, no serious accessibility violation, in English and in Arabic (right to left)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmkit.report import make_report

from .conftest import ROOT
from .support import SERIOUS, describe_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]
EXAMPLE = ROOT / "examples"


@pytest.fixture(scope="module")
def reports(bundled_project, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    made = {}
    for language in ("en", "ar"):
        outcome = make_report(bundled_project, [EXAMPLE / "evaluation" / "responses.csv"],
                              participants=EXAMPLE / "pairing" / "participants.csv",
                              pairs=EXAMPLE / "evaluation" / "pairs.csv", language=language,
                              out=out / language, pdf=False)
        assert outcome.findings == []
        made[language] = out / language / "index.html"
    return made


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_report_page_is_offline_and_accessible(reports, visit, axe_source, language):
    v = visit()
    page = v.new_page()
    page.goto(reports[language].as_uri())
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    charts = page.locator("figure svg[role=img]")
    assert charts.count() == 4
    box = charts.first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100  # drawn, at a readable size
    violations = [x for x in run_axe(page, axe_source) if x["impact"] in SERIOUS]
    if violations:
        pytest.fail(f"axe-core on the {language} report:\n{describe_violations(violations)}", pytrace=False)
    assert v.errors() == []
