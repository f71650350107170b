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

from rmkit import plurals
from rmkit.project import Project
from rmkit.ui_catalogs import (PACKAGED_LOCALES, PACKAGED_TEMPLATES, UI_OPTIONS, extract_ui, load_ui_translations,
                               main, update_ui_catalogs)

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


# Two simulated Babels, so that no test depends on the CLDR data installed: the rules of
# Babel ≤ 2.18 (as GNU gettext's: French two forms, Arabic 100–102 before 11–99) and those of
# Babel 2.19 (French three forms with a "many" for millions, Arabic 11–99 before 100–102).
OLD_BABEL = {
    "fr": (2, "(n > 1)"),
    "ja": (1, "0"),
    "ar": (6, "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5)"),
}
NEW_BABEL = {
    "fr": (3, "(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2"),
    "ja": (1, "0"),
    "ar": (6, "(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 : "
              "n % 100 >= 11 && n % 100 <= 99 ? 4 : 5)"),
}


def simulate_babel(monkeypatch, rules: dict) -> None:
    monkeypatch.setattr(plurals, "get_plural", lambda language: rules[str(language).split("_")[0]])


@pytest.fixture
def old_babel(monkeypatch):
    simulate_babel(monkeypatch, OLD_BABEL)


@pytest.fixture
def templates(tmp_path) -> Path:
    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "page.md.j2").write_text(PAGE, encoding="utf-8")
    (folder / "partials/footer.md.j2").write_text(PARTIAL, encoding="utf-8")
    (folder / "notes.txt").write_text('{{ _("Not a template") }}', encoding="utf-8")
    return folder


@pytest.fixture
def packaged(tmp_path, templates, monkeypatch) -> Path:
    """Packaged-style ui catalogs for fr, ja, ar, made with Babel ≤ 2.18's rules, French translated."""
    locales = tmp_path / "packaged-locales"
    with monkeypatch.context() as m:
        simulate_babel(m, OLD_BABEL)
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
    result = subprocess.run([sys.executable, "-m", "rmkit.ui_catalogs", "ui-extract", "--templates", str(templates),
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


@pytest.mark.parametrize("babel", [OLD_BABEL, NEW_BABEL], ids=["babel-2.18-rules", "babel-2.19-rules"])
def test_load_ui_translations_renders_a_template_in_french(packaged, monkeypatch, babel):
    simulate_babel(monkeypatch, babel)  # whatever Babel is installed, the catalog's header decides
    french = load_ui_translations(None, "fr", packaged=packaged)
    page = render(french)
    assert page.startswith("# Guide du mentor\n3 séances\nBienvenue dans Digital mentoring\nHome")
    assert [render(french, sessions=n).splitlines()[1] for n in (0, 1, 2, 3, 11, 100)] == [
        "Une séance", "Une séance", "2 séances", "3 séances", "11 séances", "100 séances"]
    assert french.pgettext("menu", "Home") == "Home"


@pytest.mark.parametrize("babel", [OLD_BABEL, NEW_BABEL], ids=["babel-2.18-rules", "babel-2.19-rules"])
def test_plural_forms_come_from_the_catalog_header(packaged, monkeypatch, babel):
    translate(packaged / "ar/LC_MESSAGES/ui.po",
              {("One session", "%(count)s sessions"): tuple(f"{i}: %(count)s" for i in range(6))})
    simulate_babel(monkeypatch, babel)
    arabic = load_ui_translations(None, "ar", packaged=packaged)
    # The catalog's own rule (Babel ≤ 2.18's): 0, 1, 2, 3–10, then 100–102 before 11–99.
    assert [arabic.ngettext("One session", "%(count)s sessions", n) for n in (0, 1, 2, 3, 100, 11)] == [
        "0: %(count)s", "1: %(count)s", "2: %(count)s", "3: %(count)s", "4: %(count)s", "5: %(count)s"]


# The one plural text of the packaged templates, with the words each count must show.
CADENCE = ("%(num)s session, one every %(weeks)s, with %(minutes)s booked for it.",
           "%(num)s sessions, one every %(weeks)s, with %(minutes)s booked for each.")
SHIPPED_WORDS = {
    "fr": {0: "0 séance,", 1: "1 séance,", 2: "2 séances,", 3: "3 séances,", 11: "11 séances,",
           100: "100 séances,", 1_000_000: "1000000 de séances,"},
    # Arabic counts: 0–2 and 3–10 have their own forms; 11–99 take the singular noun, 100 the other form.
    "ar": {0: "عدد الجلسات: 0،", 1: "عدد الجلسات: 1،", 2: "عدد الجلسات: 2،", 3: "3 جلسات،", 11: "11 جلسة،",
           100: "100 جلسة،"},
}


@pytest.mark.parametrize("babel", [OLD_BABEL, NEW_BABEL], ids=["babel-2.18-rules", "babel-2.19-rules"])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_shipped_catalogs_show_the_right_words_for_every_count(monkeypatch, babel, language):
    simulate_babel(monkeypatch, babel)
    load_ui_translations.__globals__["_ui_cache"].clear()
    shipped = load_ui_translations(None, language)
    for n, words in SHIPPED_WORDS[language].items():
        text = shipped.ngettext(*CADENCE, n) % {"num": n, "weeks": "2", "minutes": "60"}
        assert text.startswith(words), (n, text)


def test_a_catalog_without_plural_forms_header_uses_its_language_rule(packaged, old_babel):
    translate(packaged / "ja/LC_MESSAGES/ui.po", {("One session", "%(count)s sessions"): ("%(count)s回",)})
    po = packaged / "ja/LC_MESSAGES/ui.po"
    po.write_text("\n".join(line for line in po.read_text(encoding="utf-8").splitlines()
                            if not line.startswith('"Plural-Forms:')), encoding="utf-8")
    japanese = load_ui_translations(None, "ja", packaged=packaged)
    assert [japanese.ngettext("One session", "%(count)s sessions", n) for n in (1, 2)] == ["%(count)s回"] * 2


def test_update_keeps_the_catalog_rule_and_warns_once_per_catalog(tmp_path, templates, packaged, monkeypatch,
                                                                    capsys):
    before = (packaged / "fr/LC_MESSAGES/ui.po").read_text(encoding="utf-8")
    simulate_babel(monkeypatch, NEW_BABEL)
    assert main(["ui-extract", "--templates", str(templates), "--locales", str(packaged)]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "warning[plural-forms-differ]" in line]
    assert len(warnings) == 2 and {w.split(":")[0].rsplit("/", 3)[-3] for w in warnings} == {"fr", "ar"}
    french = next(w for w in warnings if "/fr/" in w)
    assert "nplurals=2; plural=(n > 1);" in french and "nplurals=3; plural=(n == 0 || n == 1)" in french
    assert ":14:1: " in french  # the line of the header
    assert (packaged / "fr/LC_MESSAGES/ui.po").read_text(encoding="utf-8") == before


def test_update_with_cldr_migrates_and_marks_plural_entries_fuzzy(tmp_path, templates, packaged, monkeypatch,
                                                                  capsys):
    simulate_babel(monkeypatch, NEW_BABEL)
    assert main(["ui-extract", "--templates", str(templates), "--locales", str(packaged),
                 "--plural-forms", "cldr"]) == 0
    assert "plural-forms-differ" not in capsys.readouterr().err
    with (packaged / "fr/LC_MESSAGES/ui.po").open("rb") as f:
        french = read_po(f)
    assert french.num_plurals == 3 and "1000000" in french.plural_expr
    entry = french["One session"]
    # Each new form starts from what the old rule showed for the same count.
    assert entry.fuzzy and entry.string == ("Une séance", "%(count)s séances", "%(count)s séances")
    assert not french["Mentor guide"].fuzzy
    # Fuzzy: the template's text shows until the translator confirms the three forms.
    load_ui_translations.__globals__["_ui_cache"].clear()
    assert load_ui_translations(None, "fr", packaged=packaged).ngettext(
        "One session", "%(count)s sessions", 3) == "%(count)s sessions"
    translate(packaged / "fr/LC_MESSAGES/ui.po", {("One session", "%(count)s sessions"): (
        "Une séance", "%(count)s de séances", "%(count)s séances")})
    migrated = load_ui_translations(None, "fr", packaged=packaged)
    assert [migrated.ngettext("One session", "%(count)s sessions", n) for n in (0, 1, 2, 1_000_000)] == [
        "Une séance", "Une séance", "%(count)s séances", "%(count)s de séances"]
    assert main(["ui-extract", "--templates", str(templates), "--locales", str(packaged)]) == 0
    assert "plural-forms-differ" not in capsys.readouterr().err


def test_migrating_arabic_reorders_the_forms(tmp_path, templates, packaged, monkeypatch):
    forms = tuple(f"{i}: %(count)s" for i in range(6))
    translate(packaged / "ar/LC_MESSAGES/ui.po", {("One session", "%(count)s sessions"): forms})
    simulate_babel(monkeypatch, NEW_BABEL)
    update_ui_catalogs(templates, packaged, ["ar"], plural_forms="cldr")
    with (packaged / "ar/LC_MESSAGES/ui.po").open("rb") as f:
        entry = read_po(f)["One session"]
    # 11–99 was form 5 and becomes form 4; 100–102 was form 4 and becomes form 5.
    assert entry.fuzzy and entry.string == forms[:4] + (forms[5], forms[4])


def test_a_plural_entry_written_for_another_rule_falls_back_to_the_source(tmp_path, packaged, old_babel):
    project = project_with_ui_catalog(tmp_path, "fr", {"Mentor guide": "Guide du parrain"})
    po = project.catalog_path("fr", "ui")
    text = po.read_text(encoding="utf-8").replace(
        r'"Plural-Forms: nplurals=2; plural=(n > 1);\n"',
        r'"Plural-Forms: nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\n"')
    assert "nplurals=3" in text
    po.write_text(text, encoding="utf-8")
    french = load_ui_translations(project, "fr", packaged=packaged)
    assert french.gettext("Mentor guide") == "Guide du parrain"
    # The packaged entry has two forms for a two-form rule: under the project's three-form rule it
    # would show a wrong form for some counts, so the template's text shows instead.
    assert french.ngettext("One session", "%(count)s sessions", 2) == "%(count)s sessions"


def test_the_plural_forms_header_is_parsed_as_gettext_does():
    forms = plurals.PluralForms.parse("nplurals=2; plural=(n > 1);")
    assert (forms.count, [forms.index(n) for n in (0, 1, 2)]) == (2, [0, 0, 1])
    assert forms.same_as(plurals.PluralForms.parse("nplurals=2; plural=n>1"))
    assert not forms.same_as(plurals.PluralForms.parse("nplurals=2; plural=(n != 1);"))
    for bad in ("nplurals=2;", "nplurals=x; plural=n;", "nplurals=2; plural=(n > ;",
                "nplurals=2; plural=n;", "nplurals=2; plural=__import__('os');"):
        with pytest.raises(ValueError):
            plurals.PluralForms.parse(bad)


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


def test_msgfmt_accepts_the_ui_catalogs(packaged, templates, monkeypatch):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt (GNU gettext) is required under CI")
        pytest.skip("msgfmt (GNU gettext) is not installed")
    migrated = packaged.parent / "migrated-locales"
    shutil.copytree(packaged, migrated)
    simulate_babel(monkeypatch, NEW_BABEL)
    update_ui_catalogs(templates, migrated, plural_forms="cldr")
    new = packaged.parent / "new-locales"
    update_ui_catalogs(templates, new)
    shipped = [PACKAGED_LOCALES / f"{language}/LC_MESSAGES/ui.po" for language in ("fr", "ja", "ar")]
    for path in [*shipped, *(folder / f"{language}/LC_MESSAGES/ui.po" for folder in (packaged, migrated, new)
                             for language in ("fr", "ja", "ar"))]:
        result = subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
        assert result.returncode == 0, (path, result.stderr)
