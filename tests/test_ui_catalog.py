"""Interface strings of the page templates: the `ui` gettext domain.

The real templates are written elsewhere; these tests build a tiny templates folder and
catalogs on tmp_path.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po, write_po

from rmkit.catalogs import PACKAGED_TEMPLATES, UI_OPTIONS, extract_ui, load_ui_translations, main, update_ui_catalogs
from rmkit.project import Project

PAGE = """\
# {{ _("Mentor guide") }}
{% trans count=sessions %}One session{% pluralize %}{{ count }} sessions{% endtrans %}
{% trans name=title %}Welcome to {{ name }}{% endtrans %}
{{ pgettext("menu", "Home") }}
"""
PARTIAL = '{{ _("Mentor guide") }} | {{ _("Calendar") }}\n'
FRENCH = {
    "Mentor guide": "Guide du mentor",
    ("One session", "%(count)s sessions"): ("Une séance", "%(count)s séances"),
    "Welcome to %(name)s": "Bienvenue dans %(name)s",
    "Calendar": "Calendrier",
}


@pytest.fixture
def templates(tmp_path) -> Path:
    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "page.md.j2").write_text(PAGE, encoding="utf-8")
    (folder / "partials/footer.md.j2").write_text(PARTIAL, encoding="utf-8")
    (folder / "notes.txt").write_text('{{ _("Not a template") }}', encoding="utf-8")
    return folder


@pytest.fixture
def packaged(tmp_path, templates) -> Path:
    """Packaged-style ui catalogs for fr, ja, ar, with French translated."""
    locales = tmp_path / "packaged-locales"
    update_ui_catalogs(templates, locales)
    translate(locales / "fr/LC_MESSAGES/ui.po", FRENCH)
    return locales


def translate(path: Path, translations: dict, *, fuzzy=(), context=None) -> None:
    with path.open("rb") as f:
        catalog = read_po(f)
    for msgid, msgstr in translations.items():
        message = catalog.get(msgid if isinstance(msgid, str) else msgid[0], context)
        message.string = msgstr
        if msgid in fuzzy:
            message.flags.add("fuzzy")
        else:
            message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog)


def render(translations, **values) -> str:
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations, newstyle=True)
    return env.from_string(PAGE).render(sessions=values.get("sessions", 3), title="Digital mentoring")


def project_with_ui_catalog(tmp_path, language: str, translations: dict, fuzzy=()) -> Project:
    root = tmp_path / "project"
    path = root / f"locales/{language}/LC_MESSAGES/ui.po"
    path.parent.mkdir(parents=True)
    shutil.copy(tmp_path / f"packaged-locales/{language}/LC_MESSAGES/ui.po", path)
    translate(path, {k: "" for k in FRENCH})  # the project only overrides what it sets
    translate(path, translations, fuzzy=fuzzy)
    return Project(root=root)


def test_extract_ui_finds_every_string_of_the_templates(templates):
    catalog = extract_ui(templates)
    found = {(m.context, m.id): m for m in catalog if m.id}
    assert set(found) == {
        (None, "Mentor guide"), (None, ("One session", "%(count)s sessions")),
        (None, "Welcome to %(name)s"), ("menu", "Home"), (None, "Calendar"),
    }
    assert found[None, "Mentor guide"].locations == [("templates/page.md.j2", 1),
                                                     ("templates/partials/footer.md.j2", 1)]
    # Jinja's newstyle gettext formats with %: msgfmt must check those placeholders.
    assert "python-format" in found[None, "Welcome to %(name)s"].flags
    assert catalog.domain == "ui"


def test_extraction_reads_templates_as_the_renderer_does(tmp_path):
    """Whitespace control changes a `{% trans %}` text: extraction and rendering must agree."""
    from rmkit.render import Renderer

    env = Renderer(Project(root=tmp_path))._environment("en")
    options = UI_OPTIONS["**.j2"]
    assert {jinja2.utils.import_string(name).identifier for name in options["extensions"].split(",")} == set(
        env.extensions)
    for setting in ("trim_blocks", "lstrip_blocks", "keep_trailing_newline"):
        assert getattr(env, setting) == (options[setting] == "true"), setting


def test_the_packaged_templates_can_be_extracted():
    catalog = extract_ui(PACKAGED_TEMPLATES)
    assert len([m for m in catalog if m.id]) > 10
    assert all(path.startswith("templates/") for m in catalog for path, _ in m.locations)


def test_a_template_with_a_syntax_error_fails_extraction(templates):
    (templates / "broken.md.j2").write_text("{% trans %}unclosed", encoding="utf-8")
    with pytest.raises(jinja2.TemplateSyntaxError):
        extract_ui(templates)


def test_ui_extract_writes_the_template_and_every_language(tmp_path, templates, capsys):
    locales = tmp_path / "locales"
    assert main(["ui-extract", "--templates", str(templates), "--locales", str(locales)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"wrote {locales / p}" for p in
                   ("ui.pot", "fr/LC_MESSAGES/ui.po", "ja/LC_MESSAGES/ui.po", "ar/LC_MESSAGES/ui.po")]
    with (locales / "ar/LC_MESSAGES/ui.po").open("rb") as f:
        arabic = read_po(f)
    assert arabic.num_plurals == 6 and arabic.locale_identifier == "ar"
    assert main(["ui-extract", "--templates", str(templates), "--locales", str(locales)]) == 0
    assert all(line.startswith("unchanged ") for line in capsys.readouterr().out.splitlines())


def test_ui_extract_runs_as_a_module(tmp_path, templates):
    locales = tmp_path / "locales"
    result = subprocess.run([sys.executable, "-m", "rmkit.catalogs", "ui-extract", "--templates", str(templates),
                             "--locales", str(locales), "--language", "fr"],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    assert sorted(p.relative_to(locales).as_posix() for p in locales.rglob("*.po*")) == [
        "fr/LC_MESSAGES/ui.po", "ui.pot"]


def test_a_changed_template_string_turns_fuzzy_and_keeps_its_translation(templates, packaged):
    page = templates / "page.md.j2"
    page.write_text(PAGE.replace("Mentor guide", "Mentor's guide"), encoding="utf-8")
    update_ui_catalogs(templates, packaged)
    with (packaged / "fr/LC_MESSAGES/ui.po").open("rb") as f:
        french = read_po(f)
    entry = french["Mentor's guide"]
    assert entry.fuzzy and entry.string == "Guide du mentor"
    assert french["Calendar"].string == "Calendrier" and not french["Calendar"].fuzzy


def test_load_ui_translations_renders_a_template_in_french(packaged):
    french = load_ui_translations(None, "fr", packaged=packaged)
    page = render(french)
    assert page.startswith("# Guide du mentor\n3 séances\nBienvenue dans Digital mentoring\nHome")
    assert render(french, sessions=1).splitlines()[1] == "Une séance"
    assert french.pgettext("menu", "Home") == "Home"


def test_plural_rules_come_from_the_language(packaged):
    translate(packaged / "ar/LC_MESSAGES/ui.po",
              {("One session", "%(count)s sessions"): tuple(f"{i}: %(count)s" for i in range(6))})
    arabic = load_ui_translations(None, "ar", packaged=packaged)
    # Babel's Arabic rule: 0, 1, 2, 3–10, then 100–102 (n % 100 ≤ 2) before 11–99.
    assert [arabic.ngettext("One session", "%(count)s sessions", n) for n in (0, 1, 2, 3, 100, 11)] == [
        "0: %(count)s", "1: %(count)s", "2: %(count)s", "3: %(count)s", "4: %(count)s", "5: %(count)s"]


def test_project_catalog_overrides_the_packaged_one(tmp_path, packaged):
    project = project_with_ui_catalog(tmp_path, "fr", {"Mentor guide": "Guide du parrain",
                                                      "Calendar": "Agenda"}, fuzzy={"Calendar"})
    french = load_ui_translations(project, "fr", packaged=packaged)
    assert french.gettext("Mentor guide") == "Guide du parrain"
    assert french.gettext("Calendar") == "Calendrier"  # the project's fuzzy entry does not override
    assert french.gettext("Welcome to %(name)s") == "Bienvenue dans %(name)s"


def test_fuzzy_and_incomplete_entries_are_left_out(packaged):
    translate(packaged / "fr/LC_MESSAGES/ui.po", {"Calendar": "Calendrier"}, fuzzy={"Calendar"})
    translate(packaged / "fr/LC_MESSAGES/ui.po", {("One session", "%(count)s sessions"): ("Une séance", "")})
    french = load_ui_translations(None, "fr", packaged=packaged)
    assert french.gettext("Calendar") == "Calendar"
    assert french.ngettext("One session", "%(count)s sessions", 2) == "%(count)s sessions"
    assert french.gettext("Mentor guide") == "Guide du mentor"


def test_without_any_catalog_the_templates_show_their_own_text(tmp_path, packaged):
    none = load_ui_translations(Project(root=tmp_path / "nothing"), "de", packaged=packaged)
    assert render(none).startswith("# Mentor guide\n3 sessions\nWelcome to Digital mentoring\nHome")


def test_translations_are_cached_until_a_catalog_changes(packaged):
    first = load_ui_translations(None, "fr", packaged=packaged)
    assert load_ui_translations(None, "fr", packaged=packaged) is first
    po = packaged / "fr/LC_MESSAGES/ui.po"
    translate(po, {"Mentor guide": "Guide des mentors"})
    os.utime(po, ns=(po.stat().st_atime_ns, po.stat().st_mtime_ns + 1_000_000_000))
    second = load_ui_translations(None, "fr", packaged=packaged)
    assert second is not first and second.gettext("Mentor guide") == "Guide des mentors"


def test_msgfmt_accepts_the_ui_catalogs(packaged):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt (GNU gettext) is required under CI")
        pytest.skip("msgfmt (GNU gettext) is not installed")
    for language in ("fr", "ja", "ar"):
        path = packaged / f"{language}/LC_MESSAGES/ui.po"
        result = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
