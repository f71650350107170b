"""`rmkit build` on small projects: outputs, audiences, editions, templates, and the output's safety."""

from __future__ import annotations

import html

from pathlib import Path

import pytest

from rmkit.build import build
from rmkit.cli import main
from rmkit.findings import RmkitError, UsageError
from rmkit.output import SITE_MARKER

from .helpers import empty_catalogs, replace_once, starter_project

JP_PROFILE = """\
country: JP
vars:
  network:
    professional: Eight
    messaging: LINE
culture:
  hierarchy: high
  notes:
    - Ask before correcting a senior in front of others.
"""
AE_PROFILE = JP_PROFILE.replace("JP", "AE").replace("Eight", "LinkedIn").replace("LINE", "Botim")


def _project(tmp_path: Path) -> Path:
    """The starter with three editions: en-GB (dated), ja-JP (dated), ar-AE (undated)."""
    root = starter_project(tmp_path)
    (root / "locales" / "countries" / "JP.yml").write_text(JP_PROFILE, encoding="utf-8")
    (root / "locales" / "countries" / "AE.yml").write_text(AE_PROFILE, encoding="utf-8")
    (root / "locales" / "editions.yml").write_text(
        "editions:\n"
        "  - {id: en-GB, language: en, country: GB, start_date: 2027-01-11}\n"
        "  - {id: ja-JP, language: ja, country: JP, start_date: 2027-05-17}\n"
        "  - {id: ar-AE, language: ar, country: AE}\n", encoding="utf-8")
    replace_once(root / "curriculum" / "modules" / "getting-started.yml", "how either of you can stop.",
                 "how either of you can stop. Agree how to reach each other on {network.messaging} ({{{{brace}}}}).")
    empty_catalogs(root, ("ja", "ar"))
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = _project(tmp_path_factory.mktemp("build"))
    result = build(root, jobs=2)
    assert sorted(result.built) == [f"{e}/{a}" for e in ("ar-AE", "en-GB", "ja-JP") for a in ("mentee", "mentor")]
    return root


def _page(root: Path, edition: str, audience: str, page: str) -> str:
    return (root / "site" / edition / audience / page).read_text(encoding="utf-8")


def _markdown(root: Path, edition: str, audience: str, page: str) -> str:
    return (root / "build" / edition / audience / "docs" / page).read_text(encoding="utf-8")


def test_every_edition_and_audience_has_its_site_and_the_landing_page_links_them(built):
    landing = (built / "site" / "index.html").read_text(encoding="utf-8")
    for edition in ("en-GB", "ja-JP", "ar-AE"):
        for audience in ("mentor", "mentee"):
            assert (built / "site" / edition / audience / "index.html").is_file()
            assert f'href="{edition}/{audience}/index.html"' in landing
    # Each edition named in its own language, by Babel.
    assert "日本語 (日本)" in landing and "English (United Kingdom)" in landing
    assert "العربية (الإمارات العربية المتحدة)" in landing and 'dir="rtl"' in landing


def test_the_mentee_workbook_has_its_own_pages_and_none_of_the_mentors(built):
    mentee = {p.name for p in (built / "site" / "en-GB" / "mentee").glob("*.html")}
    mentor = {p.name for p in (built / "site" / "en-GB" / "mentor").glob("*.html")}
    assert {"recap.html", "self-assessment.html", "notes.html", "print.html"} <= mentee
    assert {"country.html", "evaluation.html"} <= mentor
    assert not {"country.html", "evaluation.html"} & mentee
    module = _page(built, "en-GB", "mentee", "modules/getting-started.html")
    assert "Together, write down when you meet" in module
    assert "Let the mentee propose the rhythm" not in module
    assert "Let the mentee propose the rhythm" in _page(built, "en-GB", "mentor", "modules/getting-started.html")
    assert 'type="checkbox"' in _page(built, "en-GB", "mentee", "self-assessment.html")


def test_calendar_dates_follow_the_edition_locale(built):
    assert "11 January 2027" in _markdown(built, "en-GB", "mentee", "calendar.md")
    assert "2027年5月17日" in _markdown(built, "ja-JP", "mentee", "calendar.md")
    # Without a start date, week numbers; durations in minutes through Babel's units.
    ar = _markdown(built, "ar-AE", "mentor", "calendar.md")
    assert "2027" not in ar and "45 دقيقة" in ar


def test_agenda_shows_cumulative_timings(built):
    module = _markdown(built, "en-GB", "mentee", "modules/getting-started.md")
    assert "| 0:00–0:10 | Introductions | 10 minutes |" in module
    assert "| 0:30–0:45 | [A business priority in five minutes](#exercise-business-priority) | 15 minutes |" in module


def test_placeholders_are_filled_from_each_edition_country(built):
    # Content reaches the page as HTML whose Markdown-active characters are character references.
    text = lambda edition, audience, page: html.unescape(_page(built, edition, audience, page))  # noqa: E731
    instructions = "Together, write down when you meet"
    assert "Agree how to reach each other on LINE ({{brace}})." in text("ja-JP", "mentee", "modules/getting-started.html")
    assert "Agree how to reach each other on WhatsApp ({{brace}})." in text("en-GB", "mentee",
                                                                           "modules/getting-started.html")
    assert instructions in _markdown(built, "en-GB", "mentee", "modules/getting-started.md")
    assert "Ask before correcting a senior" in _markdown(built, "ja-JP", "mentor", "country.md")


def test_language_direction_and_selector(built):
    ar = _page(built, "ar-AE", "mentee", "index.html")
    assert '<html lang="ar"' in ar and 'dir="rtl"' in ar
    ja = _page(built, "ja-JP", "mentor", "index.html")
    assert '<html lang="ja"' in ja
    assert 'href="../../en-GB/mentor/index.html"' in ja and 'hreflang="ar-AE"' in ja


def test_sites_fetch_nothing_from_another_host(built):
    for page in (built / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for host in ("fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net"):
            assert host not in text, f"{page} mentions {host}"
    assert (built / "site" / "en-GB" / "mentee" / "search" / "search_index.js").is_file()  # offline search


def test_generated_projects_are_plain_mkdocs(built):
    config = (built / "build" / "en-GB" / "mentee" / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.startswith("# Generated by rmkit")
    assert "INHERIT:" in config and "hooks" not in config
    assert "assets/rmkit/iframe-worker-shim.js" in config


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path):
    root = _project(tmp_path)
    build(root, jobs=1)
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    replace_once(root / "curriculum" / "modules" / "getting-started.yml", "minutes: 45", "minutes: 50")
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=1)
    assert failure.value.findings[0].code == "agenda-minutes"
    after = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(root.glob(".site-*"))  # no staging folder left behind


def test_an_engine_failure_leaves_the_previous_site_untouched(tmp_path):
    root = _project(tmp_path)
    build(root, jobs=1)
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    (root / "mkdocs.yml").write_text("theme:\n  name: no-such-theme\n", encoding="utf-8")
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=2)
    assert {f.code for f in failure.value.findings} == {"build-failed"}
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before


def test_build_never_writes_into_a_folder_it_did_not_create(tmp_path):
    root = _project(tmp_path)
    precious = root / "site" / "my-notes.txt"
    precious.parent.mkdir()
    precious.write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError):
        build(root, jobs=1)
    assert precious.read_text(encoding="utf-8") == "mine"
    assert main(["-C", str(root), "build"]) == 2
    # An empty folder, or one rmkit made, is fine.
    out = tmp_path / "empty"
    out.mkdir()
    build(root, out=out, jobs=1)
    assert (out / SITE_MARKER).is_file()


def test_unknown_edition_is_a_usage_error(tmp_path, capsys):
    root = _project(tmp_path)
    assert main(["-C", str(root), "build", "--edition", "xx-XX"]) == 2
    assert "no edition 'xx-XX'" in capsys.readouterr().err


def test_one_edition_and_audience(tmp_path):
    root = _project(tmp_path)
    result = build(root, editions=["ja-JP"], audience="mentee", jobs=1)
    assert result.built == ["ja-JP/mentee"]
    assert not (root / "site" / "en-GB").exists()


def test_project_templates_override_packaged_ones_file_by_file(tmp_path):
    root = _project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "scope.md.j2").write_text("# Our scope\n\nAsk the program team.\n", encoding="utf-8")
    build(root, editions=["en-GB"], audience="mentee", jobs=1)
    assert _markdown(root, "en-GB", "mentee", "scope.md") == "# Our scope\n\nAsk the program team.\n"
    assert "Self-assessment" in _markdown(root, "en-GB", "mentee", "self-assessment.md")  # packaged


def test_template_errors_point_at_the_template_line(tmp_path):
    root = _project(tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "scope.md.j2").write_text("# Scope\n\n{{ program.scope.in | nonsense }}\n", encoding="utf-8")
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=1)
    found = failure.value.findings[0]
    assert (found.code, found.file, found.line) == ("template-error", "templates/scope.md.j2", 3)
    (root / "templates" / "scope.md.j2").write_text("# Scope\n\n{{ program.scope.in[0].upper() }}\n{{ 1 / 0 }}\n",
                                                    encoding="utf-8")
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=1)
    found = failure.value.findings[0]
    assert (found.code, found.file, found.line) == ("template-error", "templates/scope.md.j2", 4)
    assert "ZeroDivisionError" in found.message


def test_a_project_of_only_curriculum_and_locales_builds_with_packaged_defaults(tmp_path):
    root = _project(tmp_path)
    assert not (root / "mkdocs.yml").exists() and not (root / "templates").exists()
    assert main(["-C", str(root), "build", "--jobs", "1"]) == 0


def test_rmkit_init_creates_a_project_that_builds(tmp_path, capsys):
    target = tmp_path / "new"
    assert main(["init", str(target)]) == 0
    assert main(["-C", str(target), "validate", "--strict"]) == 0
    assert main(["-C", str(target), "build", "--jobs", "1", "--strict"]) == 0
    assert (target / "site" / "index.html").is_file()


def test_a_broken_mkdocs_yml_is_one_located_finding(tmp_path, capsys):
    root = _project(tmp_path)
    (root / "mkdocs.yml").write_text("theme:\n  name: material\n : [\n", encoding="utf-8")
    assert main(["-C", str(root), "build", "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("mkdocs.yml:3:2: error[yaml-syntax]: ") and out.endswith("1 error, 0 warnings\n")
    assert not (root / "site").exists()
