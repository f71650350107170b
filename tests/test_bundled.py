"""The bundled program is a product: it validates strictly, is fully translated, and every
edition shows its own language, dates and platforms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from rmkit.cli import main
from rmkit.project import PACKAGE_DEFAULTS
from rmkit.ui_catalogs import extract_ui

from .conftest import ROOT

EDITIONS = [e["id"] for e in yaml.safe_load((ROOT / "locales" / "editions.yml").read_text(encoding="utf-8"))["editions"]]


def test_the_bundled_program_validates_strictly(capsys):
    assert main(["-C", str(ROOT), "validate", "--strict"]) == 0
    assert capsys.readouterr().out.strip() == "0 errors, 0 warnings"


def test_the_bundled_program_is_a_six_month_program():
    program = yaml.safe_load((ROOT / "curriculum" / "program.yml").read_text(encoding="utf-8"))
    assert len(program["modules"]) >= 6
    assert "mentor-preparation" in program["modules"]
    weeks = program["cadence"]["every_weeks"] * (len(program["modules"]) - 1)
    assert 20 <= weeks <= 30  # about six months from the first session to the last
    assert {"FR", "JP", "IN", "SG"} <= {p.stem for p in (ROOT / "locales" / "countries").glob("*.yml")}


def test_every_content_catalog_is_complete(capsys):
    assert main(["-C", str(ROOT), "i18n", "status", "--format", "json", "--fail-under", "100"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["language"] for row in rows} >= {"fr", "ja", "ar"}
    for row in rows:
        assert row["translated"] == row["total"] > 400 and row["fuzzy"] == row["untranslated"] == 0


@pytest.mark.parametrize("language", ["fr", "ja", "ar"])
def test_every_interface_label_is_translated(language):
    with (PACKAGE_DEFAULTS / "locales" / language / "LC_MESSAGES" / "ui.po").open("rb") as f:
        catalog = read_po(f, locale=language)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])}
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extract_ui(PACKAGE_DEFAULTS / "templates") if m.id}
    assert wanted - translated == set()


def _html(site: Path, edition: str, audience: str, page: str) -> str:
    return (site / edition / audience / page).read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_edition_has_a_guide_and_a_workbook(bundled_site: Path, edition: str):
    for audience in ("mentor", "mentee"):
        for page in ("index.html", "calendar.html", "scope.html", "glossary.html", "search/search_index.js"):
            assert (bundled_site / edition / audience / page).is_file()
    assert f'href="{edition}/mentor/index.html"' in (bundled_site / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_each_edition_speaks_its_language(bundled_site: Path):
    fr = _html(bundled_site, "fr-FR", "mentee", "calendar.html")
    assert '<html lang="fr"' in fr and "15 février 2027" in fr and "Mentorat inversé numérique" in fr
    ja = _html(bundled_site, "ja-JP", "mentee", "calendar.html")
    assert '<html lang="ja"' in ja and "2027年5月7日" in ja and "スケジュール" in ja
    ar = _html(bundled_site, "ar-AE", "mentee", "calendar.html")
    assert '<html lang="ar"' in ar and 'dir="rtl"' in ar and "الإرشاد العكسي الرقمي" in ar
    landing = (bundled_site / "index.html").read_text(encoding="utf-8")
    for name in ("français (France)", "日本語 (日本)", "English (India)", "English (Singapore)", "العربية"):
        assert name in landing


@pytest.mark.slow
def test_materials_the_mentor_prepares_are_not_in_the_workbook(bundled_site: Path):
    """A quiz's planted errors must not be announced to the mentee who will look for them."""
    for edition, planted, policy in (("en-GB", "two planted errors", "The company's AI use policy"),
                                     ("fr-FR", "deux erreurs volontaires", "La politique d’utilisation de l’IA"),
                                     ("ja-JP", "2つの誤りを仕込んだ", "会社のAI利用規程")):
        mentee = _html(bundled_site, edition, "mentee", "modules/generative-ai-at-work.html")
        mentor = _html(bundled_site, edition, "mentor", "modules/generative-ai-at-work.html")
        assert planted not in mentee and planted in mentor, edition
        assert policy in mentee and policy in mentor, edition
    assert "Five sample messages" not in _html(bundled_site, "en-GB", "mentee", "modules/security-hygiene.html")
    assert "Five sample messages" in _html(bundled_site, "en-GB", "mentor", "modules/security-hygiene.html")


@pytest.mark.slow
def test_home_pages_count_sessions_in_their_language(bundled_site: Path):
    """The plural form comes from each catalog's Plural-Forms header (not the installed Babel)."""
    fr_mentee = _html(bundled_site, "fr-FR", "mentee", "index.html")
    fr_mentor = _html(bundled_site, "fr-FR", "mentor", "index.html")
    assert "6 séances, une toutes les" in fr_mentee and "7 séances, une toutes les" in fr_mentor
    ar = _html(bundled_site, "ar-AE", "mentee", "index.html")
    assert "عدد الجلسات: 6" not in ar and "6 جلسات، بمعدّل جلسة كل" in ar
    for page in (fr_mentee, fr_mentor, ar):
        assert " sessions, one every " not in page


@pytest.mark.slow
def test_editions_follow_their_country_profile(bundled_site: Path):
    # Placeholders: Japan's messaging app is LINE; the United Kingdom's is WhatsApp.
    ja = _html(bundled_site, "ja-JP", "mentor", "modules/kickoff-and-pair-agreement.html")
    gb = _html(bundled_site, "en-GB", "mentor", "modules/kickoff-and-pair-agreement.html")
    assert "LINE" in ja and "LINE" not in gb and "WhatsApp" in gb
    assert "CNIL" in _html(bundled_site, "fr-FR", "mentee", "modules/security-hygiene.html")
    # Without a start date, the Singapore pilot counts weeks; it leaves a module out.
    sg = _html(bundled_site, "en-SG", "mentee", "calendar.html")
    assert "Week 1" in sg and "2027" not in sg
    assert not (bundled_site / "en-SG" / "mentee" / "modules" / "security-hygiene.html").exists()
    # The mentor guide carries the country's culture notes.
    assert "nemawashi" in _html(bundled_site, "ja-JP", "mentor", "country.html").lower() or \
           "根回し" in _html(bundled_site, "ja-JP", "mentor", "country.html")


@pytest.mark.slow
def test_the_mentor_preparation_workshop_is_in_the_guide_only(bundled_site: Path, bundled_project: Path):
    """`audience: mentor` leaves a module out of the workbook; the pairs' dates do not move."""
    assert (bundled_site / "en-GB" / "mentor" / "modules" / "mentor-preparation.html").is_file()
    assert not (bundled_site / "en-GB" / "mentee" / "modules" / "mentor-preparation.html").exists()
    mentee = (bundled_project / "build" / "en-GB" / "mentee" / "docs" / "calendar.md").read_text(encoding="utf-8")
    mentor = (bundled_project / "build" / "en-GB" / "mentor" / "docs" / "calendar.md").read_text(encoding="utf-8")
    first_pair_meeting = "| 1 | 9 February 2027 | [Kickoff and pair agreement]"
    assert first_pair_meeting in mentee
    assert "| 2 | 9 February 2027 | [Kickoff and pair agreement]" in mentor
    assert "mentor-preparation" not in (bundled_project / "build" / "en-GB" / "mentee" / "mkdocs.yml").read_text(encoding="utf-8")
