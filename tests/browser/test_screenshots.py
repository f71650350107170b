"""Screenshots for review: home, a module and the calendar of a mentor guide and a mentee
workbook, in English, Japanese and Arabic (right-to-left), saved to tests/screenshots/
(git-ignored, emptied at the start of each session)."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from .support import ARABIC, AUDIENCES, ENGLISH, JAPANESE, module_ids, site_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOT_EDITIONS = [ENGLISH, JAPANESE, ARABIC]


def _fonts_for(language: str) -> bool:
    """Whether fontconfig knows a font for the language (else the browser draws empty boxes)."""
    if shutil.which("fc-list") is None:
        return True
    listed = subprocess.run(["fc-list", f":lang={language}", "family"], capture_output=True, text=True)
    return bool(listed.stdout.strip())


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("edition", SHOT_EDITIONS)
def test_screenshots(built_site: Path, server, visit, screenshots: Path, edition, audience):
    site_dir(built_site, edition, audience)
    language = edition.split("-")[0]
    expected_dir = "rtl" if language == "ar" else "ltr"
    module = module_ids(built_site, edition, audience)[0]
    v = visit()
    page = v.new_page()
    taken = []
    for name, path in [("home", "index.html"), ("module", f"modules/{module}.html"), ("calendar", "calendar.html")]:
        page.goto(f"{server}/{edition}/{audience}/{path}")
        page.evaluate("() => document.fonts.ready")
        direction = page.evaluate("() => getComputedStyle(document.querySelector('article')).direction")
        assert page.locator("body").get_attribute("dir") == expected_dir, f"{edition}/{audience}/{path}: <body dir>"
        assert direction == expected_dir, f"{edition}/{audience}/{path}: the content is laid out {direction}"
        target = screenshots / f"{edition}-{audience}-{name}.png"
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        assert target.stat().st_size > 10_000, f"{target} looks empty"
        taken.append(target)
    assert len(taken) == 3
    assert v.errors() == []
    if not _fonts_for(language):
        warnings.warn(f"no {language} font installed (fc-list :lang={language} is empty): the {edition} "
                      f"screenshots show empty boxes for its text; Debian: apt-get install fonts-noto-cjk")
