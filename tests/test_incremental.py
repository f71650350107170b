"""Incremental builds: each input invalidates exactly the sites that depend on it, and a site
rebuilt page by page is the same, byte for byte, as one built from scratch."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import rmkit.output
from rmkit.build import build
from rmkit.findings import RmkitError
from rmkit.project import PACKAGE_DEFAULTS
from rmkit.site import page_stands_alone, zensical_warnings

from .helpers import add_second_module, replace_once, starter_project

EDITIONS = ("en-GB", "fr-FR", "ja-JP")
ALL_SITES = sorted(f"{e}/{a}" for e in EDITIONS for a in ("mentee", "mentor"))
FR_CATALOG = """\
msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Getting started"
msgstr "Premiers pas"
"""


# Sitemaps carry the build date: builds compared byte for byte need the same one.
pytestmark = pytest.mark.usefixtures("same_build_date")


def _project(tmp_path: Path) -> Path:
    """The starter with a second module and three editions: en-GB, fr-FR (with a catalog), ja-JP."""
    root = starter_project(tmp_path)
    add_second_module(root)
    modules = root / "curriculum" / "modules"
    # A placeholder in text both audiences see, filled from each edition's country profile.
    replace_once(modules / "getting-started.yml", "how either of you can stop.",
                 "how either of you can stop. Keep in touch on {network.messaging}.")
    countries = root / "locales" / "countries"
    gb = (countries / "GB.yml").read_text(encoding="utf-8")
    (countries / "FR.yml").write_text(gb.replace("GB", "FR"), encoding="utf-8")
    (countries / "JP.yml").write_text(gb.replace("GB", "JP").replace("WhatsApp", "LINE"), encoding="utf-8")
    (root / "locales" / "editions.yml").write_text(
        "editions:\n"
        "  - {id: en-GB, language: en, country: GB, start_date: 2027-01-11}\n"
        "  - {id: fr-FR, language: fr, country: FR, start_date: 2027-01-11}\n"
        "  - {id: ja-JP, language: ja, country: JP}\n", encoding="utf-8")
    for language, text in (("fr", FR_CATALOG), ("ja", FR_CATALOG.replace("fr", "ja").replace("Premiers pas", "はじめに"))):
        catalog = root / "locales" / language / "LC_MESSAGES" / "curriculum.po"
        catalog.parent.mkdir(parents=True)
        catalog.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    root = _project(tmp_path)
    first = build(root, jobs=2)
    assert first.built == ALL_SITES and not first.page_by_page
    return root


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _assert_same_as_a_clean_build(root: Path, tmp_path: Path) -> None:
    """The site equals one built from a copy of the project, without build/ (and its caches) or site/."""
    copy = tmp_path / "from-scratch"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build", "site"))
    clean = build(copy, jobs=2)
    assert clean.built == ALL_SITES and not clean.page_by_page
    incremental, scratch = _files(root / "site"), _files(copy / "site")
    assert incremental.keys() == scratch.keys()
    assert [name for name in incremental if incremental[name] != scratch[name]] == []


def test_nothing_changed_nothing_is_built_or_rewritten(project):
    generated, site = _stamps(project / "build"), _stamps(project / "site")
    result = build(project, jobs=2)
    assert result.built == [] and result.unchanged == ALL_SITES
    assert _stamps(project / "build") == generated
    assert _stamps(project / "site") == site


def test_a_country_profile_rebuilds_only_the_editions_of_that_country(project):
    replace_once(project / "locales" / "countries" / "FR.yml", "messaging: WhatsApp", "messaging: Signal")
    result = build(project, jobs=2)
    assert result.built == ["fr-FR/mentee", "fr-FR/mentor"]
    assert "Keep in touch on Signal." in (project / "site/fr-FR/mentee/modules/getting-started.html").read_text("utf-8")


def test_a_catalog_rebuilds_only_the_editions_in_its_language(project):
    replace_once(project / "locales" / "fr" / "LC_MESSAGES" / "curriculum.po", '"Premiers pas"', '"Bien démarrer"')
    result = build(project, jobs=2)
    assert result.built == ["fr-FR/mentee", "fr-FR/mentor"]
    assert "Bien démarrer" in (project / "site/fr-FR/mentor/index.html").read_text("utf-8")


def test_an_interface_catalog_of_the_project_rebuilds_only_its_language(project):
    catalog = project / "locales" / "fr" / "LC_MESSAGES" / "ui.po"
    catalog.write_text(FR_CATALOG.replace("Getting started", "Glossary").replace("Premiers pas", "Lexique"),
                       encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == ["fr-FR/mentee", "fr-FR/mentor"]
    assert "Lexique" in (project / "site/fr-FR/mentee/glossary.html").read_text("utf-8")


def test_the_project_mkdocs_yml_rebuilds_every_site_in_full(project, tmp_path):
    config = project / "mkdocs.yml"
    shutil.copy(PACKAGE_DEFAULTS / "mkdocs.yml", config)
    assert build(project, jobs=2).built == ALL_SITES  # the sites now INHERIT another file
    config.write_text(config.read_text(encoding="utf-8") + "copyright: Program office, 2027\n", encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == []
    assert "Program office, 2027" in (project / "site/ja-JP/mentor/modules/second-steps.html").read_text("utf-8")
    _assert_same_as_a_clean_build(project, tmp_path)


def test_markdown_settings_of_mkdocs_yml_reach_every_page(project, tmp_path):
    config = project / "mkdocs.yml"
    shutil.copy(PACKAGE_DEFAULTS / "mkdocs.yml", config)
    build(project, jobs=2)
    replace_once(config, "  toc:\n    permalink: true\n", "  toc:\n    permalink: \"#\"\n")
    assert build(project, jobs=2).built == ALL_SITES
    assert 'class="headerlink" href="#scope" title="Permanent link">#</a>' in (
        project / "site/en-GB/mentee/scope.html").read_text("utf-8")
    _assert_same_as_a_clean_build(project, tmp_path)


def test_hooks_named_by_mkdocs_yml_rebuild_every_site_in_full(project, tmp_path):
    config = project / "mkdocs.yml"
    shutil.copy(PACKAGE_DEFAULTS / "mkdocs.yml", config)
    # Relative to the project's root, where its mkdocs.yml is (rmkit resolves them for MkDocs).
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks/announce.py\n", encoding="utf-8")
    hook = project / "hooks" / "announce.py"
    hook.parent.mkdir()
    hook.write_text("def on_page_content(html, **kwargs):\n    return html\n", encoding="utf-8")
    build(project, jobs=2)
    hook.write_text("def on_page_content(html, **kwargs):\n    return html + '<p>Program starts Monday</p>'\n",
                    encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == []
    assert "Program starts Monday" in (project / "site/en-GB/mentee/index.html").read_text("utf-8")
    # A hook may gather across pages: with one, a changed page rebuilds its whole site.
    replace_once(project / "curriculum" / "modules" / "second-steps.yml",
                 "Explain to your mentor one priority", "Explain to your mentor, in plain words, one priority")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == []
    _assert_same_as_a_clean_build(project, tmp_path)


def test_a_page_template_rebuilds_that_page_of_every_site(project, tmp_path):
    templates = project / "templates"
    templates.mkdir()
    home = (PACKAGE_DEFAULTS / "templates" / "home.md.j2").read_text(encoding="utf-8")
    (templates / "home.md.j2").write_text(home, encoding="utf-8")
    assert build(project, jobs=2).built == []  # the same text from another file: nothing to do
    (templates / "home.md.j2").write_text(home + "\nAsk the program office for a room.\n", encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == ALL_SITES
    _assert_same_as_a_clean_build(project, tmp_path)


def test_the_navigation_template_rebuilds_every_site_in_full(project, tmp_path):
    (project / "templates").mkdir()
    site = (PACKAGE_DEFAULTS / "templates" / "site.yml.j2").read_text(encoding="utf-8")
    (project / "templates" / "site.yml.j2").write_text(site.replace('_("Scope")', '_("What we cover")'),
                                                       encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == []
    _assert_same_as_a_clean_build(project, tmp_path)


def test_editing_a_module_rebuilds_its_pages_only_and_equals_a_clean_build(project, tmp_path):
    before = _stamps(project / "build")
    replace_once(project / "curriculum" / "modules" / "second-steps.yml",
                 "Explain to your mentor one priority", "Explain to your mentor, in plain words, one priority")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == ALL_SITES
    rewritten = sorted(path for path, stamp in _stamps(project / "build").items()
                       if "/docs/" in path and before.get(path) != stamp)
    # The module's page, and the mentee's printable workbook, which holds every module.
    assert rewritten == sorted([f"{e}/{a}/docs/modules/second-steps.md" for e in EDITIONS for a in ("mentee", "mentor")]
                               + [f"{e}/mentee/docs/print.md" for e in EDITIONS])
    assert "in plain words" in (project / "site/ja-JP/mentee/search/search_index.json").read_text("utf-8")
    _assert_same_as_a_clean_build(project, tmp_path)


def test_an_objective_in_the_calendar_file_is_rebuilt_page_by_page(project, tmp_path):
    # An objective shows in each session's event of calendar.ics (dated editions: en-GB and
    # fr-FR): the file is copied again, and the sites are not built in full for it.
    replace_once(project / "curriculum" / "modules" / "getting-started.yml",
                 "text: Agree on a rhythm, confidentiality", "text: Agree on a meeting rhythm, confidentiality")
    before = _files(project / "site")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == ALL_SITES
    after = _files(project / "site")
    changed_calendars = sorted(name for name in after if name.endswith(".ics") and after[name] != before[name])
    assert changed_calendars == [f"{e}/{a}/calendar.ics" for e in ("en-GB", "fr-FR") for a in ("mentee", "mentor")]
    assert b"meeting rhythm" in after["en-GB/mentee/calendar.ics"]
    _assert_same_as_a_clean_build(project, tmp_path)


def test_a_mentor_only_text_rebuilds_only_mentor_guides(project, tmp_path):
    replace_once(project / "curriculum" / "modules" / "second-steps.yml",
                 "Let the mentee propose the rhythm", "Let the mentee propose the rhythm and the place")
    result = build(project, jobs=2)
    assert result.built == [f"{e}/mentor" for e in EDITIONS] == result.page_by_page
    _assert_same_as_a_clean_build(project, tmp_path)


def test_a_module_title_changes_the_navigation_so_sites_are_built_in_full(project, tmp_path):
    replace_once(project / "curriculum" / "modules" / "second-steps.yml", "title: Second steps", "title: Next steps")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == []
    _assert_same_as_a_clean_build(project, tmp_path)


def test_a_module_left_out_of_an_edition_disappears_from_its_sites(project):
    replace_once(project / "locales" / "editions.yml", "{id: ja-JP, language: ja, country: JP}",
                 "{id: ja-JP, language: ja, country: JP, modules: {exclude: [second-steps]}}")
    result = build(project, jobs=2)
    assert result.built == ["ja-JP/mentee", "ja-JP/mentor"] and result.page_by_page == []
    assert not (project / "build/ja-JP/mentee/docs/modules/second-steps.md").exists()
    assert not (project / "site/ja-JP/mentee/modules/second-steps.html").exists()
    assert (project / "site/fr-FR/mentee/modules/second-steps.html").exists()


def test_a_site_deleted_from_the_output_is_built_again(project):
    shutil.rmtree(project / "site" / "en-GB" / "mentor")
    assert build(project, jobs=2).built == ["en-GB/mentor"]
    assert (project / "site" / "en-GB" / "mentor" / "index.html").is_file()


def test_the_previous_site_stays_untouched_while_pages_are_rebuilt(project, monkeypatch):
    # Page by page, the new site shares the files it does not rewrite with the previous one
    # (hard links): writing the others must not change the site that is still live.
    before = _files(project / "site")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(rmkit.output, "swap_in", fail)
    replace_once(project / "curriculum" / "modules" / "second-steps.yml",
                 "Explain to your mentor one priority", "Explain to your mentor, in plain words, one priority")
    with pytest.raises(OSError):
        build(project, jobs=2)
    assert _files(project / "site") == before
    assert not [p for p in project.iterdir() if p.name.endswith(".partial")]


def test_engine_warnings_of_an_unchanged_site_are_reported_again(tmp_path):
    root = starter_project(tmp_path)  # English only: no translation warnings, so --strict sees the engine's
    (root / "templates").mkdir()
    (root / "templates" / "notes.md.j2").write_text("# Notes\n\nSee [the plan](plan.md).\n", encoding="utf-8")
    first = build(root, jobs=2)
    warned = [f.message for f in first.findings]
    assert first.built == ["en-GB/mentee", "en-GB/mentor"] and len(warned) == 1 and "plan.md" in warned[0]
    again = build(root, jobs=2)
    assert again.built == [] and [f.message for f in again.findings] == warned
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=2, strict=True)
    assert [f.message for f in failure.value.findings] == warned


def test_a_site_that_warned_is_built_in_full_not_page_by_page(project):
    (project / "templates").mkdir()
    (project / "templates" / "notes.md.j2").write_text("# Notes\n\nSee [the plan](plan.md).\n", encoding="utf-8")
    build(project, jobs=2)
    (project / "templates" / "notes.md.j2").write_text("# Notes\n\nWrite here.\n", encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == [f"{e}/mentee" for e in EDITIONS] and result.page_by_page == []
    assert not [f for f in result.findings if f.code == "engine-warning"]


def test_an_older_or_unreadable_manifest_means_a_full_build(project):
    (project / "site" / ".rmkit-digest.json").write_text("{not json", encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == ALL_SITES and result.page_by_page == []


@pytest.mark.parametrize("markdown, alone", [
    ("# Scope\n\nText.\n", True),
    ("---\nsearch:\n  exclude: true\n---\n# Print\n", True),  # concerns the page itself
    ("---\nhide: [toc]\n---\n# Notes\n", True),
    ("---\ntitle: Other\n---\n# Notes\n", False),  # would show in the navigation of every page
    ("---\nstatus: new\n---\n# Notes\n", False),
    ("Title: Notes\n\n# Notes\n", False),  # MultiMarkdown metadata
])
def test_pages_with_metadata_other_pages_show_are_not_rebuilt_alone(markdown, alone):
    assert page_stands_alone(markdown) is alone


def test_a_page_whose_metadata_reaches_the_navigation_makes_its_site_build_in_full(project):
    (project / "templates").mkdir()
    (project / "templates" / "notes.md.j2").write_text("---\nstatus: new\n---\n# Notes\n", encoding="utf-8")
    build(project, jobs=2)
    (project / "templates" / "notes.md.j2").write_text("---\nstatus: deprecated\n---\n# Notes\n", encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == [f"{e}/mentee" for e in EDITIONS] and result.page_by_page == []


def test_generated_pages_of_unchanged_sites_keep_their_times_after_a_change_elsewhere(project):
    stamps = _stamps(project / "build" / "en-GB")
    replace_once(project / "locales" / "countries" / "FR.yml", "messaging: WhatsApp", "messaging: Signal")
    build(project, jobs=2)
    assert _stamps(project / "build" / "en-GB") == stamps
    assert os.path.isfile(project / "build" / ".rmkit-build")


def test_zensical_builds_only_the_sites_that_changed_and_another_engine_rebuilds_all(project):
    first = build(project, engine="zensical", jobs=2)
    assert first.built == ALL_SITES and not first.page_by_page  # a new engine: nothing built before counts
    assert (project / "site" / "fr-FR" / "mentee" / "search.js").is_file()  # Zensical's offline search index
    assert 'hreflang="ja-JP"' in (project / "site" / "fr-FR" / "mentee" / "index.html").read_text("utf-8")
    replace_once(project / "locales" / "countries" / "FR.yml", "messaging: WhatsApp", "messaging: Signal")
    assert build(project, engine="zensical", jobs=2).built == ["fr-FR/mentee", "fr-FR/mentor"]
    assert build(project, engine="mkdocs", jobs=2).built == ALL_SITES


def test_zensical_warnings_become_one_line_each():
    report = ("Build started\n\x1b[33mWarning:\x1b[0m page does not exist\n"
              "   \x1b[38;5;246m╭─[\x1b[0m notes.md:3:16 \x1b[38;5;246m]\x1b[0m\n"
              " \x1b[38;5;246m3 │\x1b[0m See [the plan](plan.md).\n1 issue found\nBuild finished in 0.18s\n")
    assert zensical_warnings(report) == ["notes.md:3:16: page does not exist"]
    assert zensical_warnings("Build started\nNo issues found\n") == []


def test_page_by_page_needs_page_local_plugins_and_template_overrides(project):
    from mkdocs.config import load_config

    from rmkit.site import page_by_page_possible

    generated, previous = project / "build" / "en-GB" / "mentee", project / "site" / "en-GB" / "mentee"
    assert page_by_page_possible(load_config(str(generated / "mkdocs.yml")), previous)
    # An override of the page template may show any page's content.
    (generated / "overrides" / "main.html").write_text('{% extends "base.html" %}\n', encoding="utf-8")
    assert not page_by_page_possible(load_config(str(generated / "mkdocs.yml")), previous)
    (generated / "overrides" / "main.html").unlink()
    config = generated / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  tags: {}\n", 1),
                      encoding="utf-8")
    assert not page_by_page_possible(load_config(str(config)), previous)  # tags gathers across pages
