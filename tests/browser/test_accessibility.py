"""axe-core finds no violation of impact serious or critical on the main pages of a mentor
guide and a mentee workbook, in English, Japanese and Arabic (right-to-left)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import ARABIC, ENGLISH, JAPANESE, SERIOUS, describe_violations, module_ids, run_axe, site_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = {"mentee": ["index", "module", "calendar", "self-assessment"],
         "mentor": ["index", "module", "calendar"]}
CASES = [(edition, audience, name) for edition in (ENGLISH, JAPANESE, ARABIC)
         for audience, names in PAGES.items() for name in names]


@pytest.mark.parametrize(("edition", "audience", "name"), CASES, ids=["-".join(c) for c in CASES])
def test_no_serious_accessibility_violation(built_site: Path, server, visit, axe_source, edition, audience, name):
    site_dir(built_site, edition, audience)
    path = f"modules/{module_ids(built_site, edition, audience)[0]}.html" if name == "module" else f"{name}.html"
    v = visit()
    page = v.new_page()
    page.goto(f"{server}/{edition}/{audience}/{path}")
    violations = [x for x in run_axe(page, axe_source) if x["impact"] in SERIOUS]
    if violations:
        pytest.fail(f"axe-core: {len(violations)} serious or critical violation(s) on {edition}/{audience}/{path}:\n"
                    f"{describe_violations(violations)}", pytrace=False)
    assert v.errors() == []


def test_landing_page_is_accessible(built_site: Path, server, visit, axe_source):
    v = visit()
    page = v.new_page()
    page.goto(f"{server}/index.html")
    violations = [x for x in run_axe(page, axe_source) if x["impact"] in SERIOUS]
    if violations:
        pytest.fail(f"axe-core on index.html:\n{describe_violations(violations)}", pytrace=False)
