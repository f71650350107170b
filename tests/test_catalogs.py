"""Translation catalogs of the content: extraction, update, status, loading and checks.

Every test works on the packaged starter copied to tmp_path, with a French edition added.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from rmkit.catalogs import check_catalogs, load_translations
from rmkit.cli import main
from rmkit.project import load_project
from rmkit.validate import validate_project

from .helpers import replace_once, starter_project

REPO = Path(__file__).resolve().parents[1]
PROGRAM = "curriculum/program.yml"
MODULE = "curriculum/modules/getting-started.yml"
FRENCH = "locales/fr/LC_MESSAGES/curriculum.po"
TEMPLATE = "locales/curriculum.pot"
WITH_PLACEHOLDER = "Digital tools such as {network.professional} the mentee uses at work"
KICKOFF_SOURCE = "The pair meets, agrees how it works together and picks first goals."
KICKOFF_FRENCH = "Le binôme se rencontre, convient de sa façon de travailler et choisit ses premiers objectifs."


@pytest.fixture
def project(tmp_path) -> Path:
    """The starter with a French edition (country FR) and one text holding a placeholder."""
    root = starter_project(tmp_path)
    with (root / "locales/editions.yml").open("a", encoding="utf-8") as f:
        f.write("  - id: fr-FR\n    language: fr\n    country: FR\n    title: Mentorat inversé, France\n")
    gb = (root / "locales/countries/GB.yml").read_text(encoding="utf-8")
    (root / "locales/countries/FR.yml").write_text(gb.replace("country: GB", "country: FR"), encoding="utf-8")
    replace_once(root / PROGRAM, "- Digital tools and habits the mentee uses at work", f"- {WITH_PLACEHOLDER}")
    return root


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def i18n(capsys, root: Path, *argv):
    return run(capsys, "-C", str(root), "i18n", *argv)


def read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def write(path: Path, catalog) -> None:
    with path.open("wb") as f:
        write_po(f, catalog, include_previous=True)


def translate(path: Path, translations: dict[str, str], *, fuzzy: bool = False) -> None:
    """Change a catalog with Babel, as a translator's PO editor would."""
    catalog = read(path)
    for msgid, msgstr in translations.items():
        message = catalog[msgid]
        message.string = msgstr
        if fuzzy:
            message.flags.add("fuzzy")
        else:
            message.flags.discard("fuzzy")
    write(path, catalog)


def translations(root: Path, language="fr"):
    project, findings = load_project(root)
    assert not findings
    return load_translations(project, language)


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    matches = [n for n, line in enumerate(lines, 1) if line == text]
    assert len(matches) == 1, (text, matches)
    return matches[0]


def catalog_findings(root: Path):
    _, findings = validate_project(root)
    return [(f.code, f.file, f.line, f.column) for f in findings]


# -- extraction ----------------------------------------------------------------------------

def test_extract_writes_every_translatable_text_in_reading_order(project, capsys):
    code, out, _ = i18n(capsys, project, "extract")
    assert (code, out) == (0, "wrote locales/curriculum.pot\n")
    template = read(project / TEMPLATE)
    assert [m.id for m in template if m.id] == [
        "Digital reverse mentoring",
        "Early-career colleagues coach senior leaders on the digital tools of their daily\n"
        "work, and leaders share how the business runs in return.\n",
        WITH_PLACEHOLDER,
        "Fixing printers, lost files or passwords: IT support handles these",
        "Your mentee is an expert in their field; you are the expert in yours.",
        "Book one hour every four weeks in your calendar and protect it.",
        "Getting started",
        KICKOFF_SOURCE,
        "Agree on a rhythm, confidentiality and the right to withdraw with your mentor",
        "A signed pair agreement",
        "Explain one business priority of the mentee's division",
        "The mentor summarises it in two sentences and the mentee confirms",
        "Kickoff",
        "Introductions",
        "Write the pair agreement",
        "Together, write down when you meet, what stays between you, and how either of you can stop.",
        "Let the mentee propose the rhythm; they know their calendar.",
        "Start from the next three meeting dates and write the rules around them.",
        "Start from a blank agreement template and fill it section by section.",
        "A business priority in five minutes",
        "Explain to your mentor one priority of your division and why it matters now.",
        "What surprised you in how this priority was decided?",
        "Meet every four weeks, on a fixed day.",
        "Mentorat inversé, France",
        "Senior leaders expect informality; first names are the norm.",  # FR and GB share it
    ]
    assert template.project == "my-program"
    text = (project / TEMPLATE).read_text(encoding="utf-8")
    assert text.startswith("# Translations template for Digital reverse mentoring (my-program).\n")


def test_every_entry_carries_its_source_references(project, capsys):
    replace_once(project / MODULE, "title: A business priority in five minutes", "title: Getting started")
    i18n(capsys, project, "extract")
    text = (project / TEMPLATE).read_text(encoding="utf-8")
    assert ("#: curriculum/modules/getting-started.yml:3\n#: curriculum/modules/getting-started.yml:38\n"
            'msgid "Getting started"\n') in text
    assert f'#: curriculum/program.yml:14\n#, python-brace-format\nmsgid "{WITH_PLACEHOLDER}"\n' in text
    assert '#: locales/editions.yml:9\nmsgid "Mentorat inversé, France"\n' in text
    assert ("#. Markdown; mentor only\n#: locales/countries/FR.yml:10 locales/countries/GB.yml:10\n"
            'msgid "Senior leaders expect informality; first names are the norm."\n') in text


def test_only_texts_with_placeholders_are_flagged_brace_format(project, capsys):
    # "10% of" looks like printf to Babel; a python-format flag would make msgfmt reject translations.
    replace_once(project / MODULE, "- Meet every four weeks, on a fixed day.",
                 "- Spend 10% of each meeting on {{curly}} braces.")
    i18n(capsys, project, "extract")
    text = (project / TEMPLATE).read_text(encoding="utf-8")
    assert f'#, python-brace-format\nmsgid "{WITH_PLACEHOLDER}"' in text
    assert text.count("#, python-brace-format\n") == 1
    assert 'getting-started.yml:46\nmsgid "Spend 10% of each meeting on {{curly}} braces."' in text
    assert "python-format" not in text.replace("python-brace-format", "")


def test_ids_enum_values_numbers_and_placeholder_values_are_never_extracted(project, capsys):
    i18n(capsys, project, "extract")
    msgids = {m.id for m in read(project / TEMPLATE) if m.id}
    never = {"my-program", "getting-started", "agree-pair-rules", "explain-business-priority", "kickoff",
             "pair-agreement", "business-priority", "mentee", "mentor", "beginner", "discussion",
             "experiential", "theoretical", "en", "fr", "GB", "FR", "en-GB", "fr-FR", "low", "LinkedIn",
             "WhatsApp", "45", "10", "20", "15", "4", "60"}
    assert msgids and not msgids & never
    text = (project / TEMPLATE).read_text(encoding="utf-8")
    assert '"LinkedIn"' not in text and '"getting-started"' not in text


def test_rerunning_extract_leaves_an_unchanged_template_alone(project, capsys):
    i18n(capsys, project, "extract")
    path = project / TEMPLATE
    # An old creation date proves the date is kept, not recomputed to the same minute.
    dated = path.read_text(encoding="utf-8")
    old_date = next(line for line in dated.splitlines() if line.startswith('"POT-Creation-Date:'))
    path.write_text(dated.replace(old_date, '"POT-Creation-Date: 2020-01-02 03:04+0000\\n"'), encoding="utf-8")
    before = path.read_bytes()
    code, out, _ = i18n(capsys, project, "extract")
    assert (code, out) == (0, "unchanged locales/curriculum.pot\n")
    assert path.read_bytes() == before
    replace_once(project / MODULE, "title: Kickoff", "title: Kick-off")
    code, out, _ = i18n(capsys, project, "extract")
    assert (code, out) == (0, "wrote locales/curriculum.pot\n")
    assert b"2020-01-02 03:04" not in path.read_bytes()


def test_source_date_epoch_pins_the_creation_date(project, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    i18n(capsys, project, "extract")
    assert '"POT-Creation-Date: 2023-11-14 22:13+0000\\n"' in (project / TEMPLATE).read_text(encoding="utf-8")


# -- update, and loading translations ------------------------------------------------------

def test_translation_round_trip(project, capsys):
    code, out, _ = i18n(capsys, project, "update", "--language", "fr")
    assert (code, out) == (0, "wrote locales/curriculum.pot\ncreated locales/fr/LC_MESSAGES/curriculum.po\n")
    po = project / FRENCH
    assert read(po).locale_identifier == "fr"

    translate(po, {KICKOFF_SOURCE: KICKOFF_FRENCH})
    fr = translations(project)
    assert fr.gettext(KICKOFF_SOURCE) == KICKOFF_FRENCH
    assert fr.gettext("Kickoff") == "Kickoff" and fr.fallbacks == {"Kickoff"}

    # The source sentence changes: the entry turns fuzzy and keeps the translation to revise.
    changed = "The pair meets, agrees how it works together and picks its first goals."
    replace_once(project / MODULE, KICKOFF_SOURCE, changed)
    code, out, _ = i18n(capsys, project, "update")
    assert (code, out) == (0, "wrote locales/curriculum.pot\nupdated locales/fr/LC_MESSAGES/curriculum.po\n")
    entry = read(po)[changed]
    assert entry.fuzzy and entry.string == KICKOFF_FRENCH
    assert f'#| msgid "{KICKOFF_SOURCE}"\n' in po.read_text(encoding="utf-8")
    assert KICKOFF_SOURCE not in read(po).obsolete  # it became the fuzzy entry, not an obsolete one
    fr = translations(project)
    assert fr.gettext(changed) == changed
    assert fr.fallbacks == {changed}

    # The translator confirms the translation (removes the fuzzy flag).
    translate(po, {changed: KICKOFF_FRENCH + " "})
    fr = translations(project)
    assert fr.gettext(changed) == KICKOFF_FRENCH + " " and fr.fallbacks == set()


def test_update_twice_changes_nothing(project, capsys):
    i18n(capsys, project, "update")
    po = project / FRENCH
    translate(po, {"Kickoff": "Lancement"})
    before = po.read_bytes()
    code, out, _ = i18n(capsys, project, "update")
    assert (code, out) == (0, "unchanged locales/curriculum.pot\nunchanged locales/fr/LC_MESSAGES/curriculum.po\n")
    assert po.read_bytes() == before


def test_removed_text_becomes_obsolete_and_comes_back_translated(project, capsys):
    i18n(capsys, project, "update")
    po = project / FRENCH
    translate(po, {"Meet every four weeks, on a fixed day.": "Se voir toutes les quatre semaines, à jour fixe."})
    module = (project / MODULE).read_text(encoding="utf-8")
    takeaways = "takeaways:\n  - Meet every four weeks, on a fixed day.\n"
    (project / MODULE).write_text(module.replace(takeaways, ""), encoding="utf-8")
    i18n(capsys, project, "update")
    catalog = read(po)
    assert "Meet every four weeks, on a fixed day." not in catalog
    assert catalog.obsolete["Meet every four weeks, on a fixed day."].string.startswith("Se voir")
    text = po.read_text(encoding="utf-8")
    assert '#~ msgid "Meet every four weeks, on a fixed day."\n#~ msgstr "Se voir' in text

    (project / MODULE).write_text(module, encoding="utf-8")
    i18n(capsys, project, "update")
    catalog = read(po)
    revived = catalog["Meet every four weeks, on a fixed day."]
    assert revived.string.startswith("Se voir") and not revived.fuzzy
    assert not catalog.obsolete
    assert translations(project).gettext("Meet every four weeks, on a fixed day.").startswith("Se voir")


def test_a_text_that_loses_its_placeholder_loses_the_flag(project, capsys):
    i18n(capsys, project, "update")
    replace_once(project / PROGRAM, WITH_PLACEHOLDER, "Digital tools such as LinkedIn the mentee uses at work")
    i18n(capsys, project, "update")
    entry = read(project / FRENCH)["Digital tools such as LinkedIn the mentee uses at work"]
    assert "python-brace-format" not in entry.flags


def test_source_language_has_no_translations_and_missing_catalog_falls_back(project):
    assert translations(project, "en") is None
    ja = translations(project, "ja")
    assert ja.gettext("Kickoff") == "Kickoff" and ja.fallbacks == {"Kickoff"}


def test_update_refuses_a_language_no_edition_uses(project, capsys):
    code, out, err = i18n(capsys, project, "update", "--language", "fr-FR")
    assert code == 2 and out == ""
    assert err == "rmkit: error: no edition is translated into fr-FR; translated languages: fr\n"
    assert not (project / "locales/fr-FR").exists()


def test_i18n_on_an_invalid_project_reports_findings_not_a_traceback(project, capsys):
    replace_once(project / MODULE, "      - exercise: pair-agreement\n", "      - exercise: pair-agreemnt\n")
    for command in ("extract", "update", "status"):
        code, out, _ = i18n(capsys, project, command)
        assert code == 1
        assert out.startswith("curriculum/modules/getting-started.yml:22:19: error[unknown-exercise]: ")
        assert out.endswith("1 error, 0 warnings\n")
    assert not (project / TEMPLATE).exists()


def test_update_and_status_stop_on_a_malformed_catalog_but_extract_does_not(project, capsys):
    i18n(capsys, project, "update")
    po = project / FRENCH
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Kickoff"', 'msgid "Kickoff'), encoding="utf-8")
    line = line_of(po, 'msgid "Kickoff')
    for command in ("update", "status"):
        code, out, _ = i18n(capsys, project, command)
        assert code == 1
        assert out.startswith(f"{FRENCH}:{line}:1: error[catalog-malformed]: ")
    code, out, _ = i18n(capsys, project, "extract")
    assert code == 0


# -- status --------------------------------------------------------------------------------

@pytest.fixture
def partly_translated(project, capsys):
    """Two confirmed translations, one fuzzy, of 25 texts."""
    i18n(capsys, project, "update")
    translate(project / FRENCH, {"Kickoff": "Lancement", "Introductions": "Présentations"})
    translate(project / FRENCH, {"Getting started": "Premiers pas"}, fuzzy=True)
    return project


def test_status_json(partly_translated, capsys):
    code, out, _ = i18n(capsys, partly_translated, "status", "--format", "json")
    assert code == 0
    assert json.loads(out) == [{"language": "fr", "total": 25, "translated": 2, "fuzzy": 1, "untranslated": 22}]


def test_status_text(partly_translated, capsys):
    code, out, _ = i18n(capsys, partly_translated, "status")
    assert code == 0
    assert out == ("language  total  translated  fuzzy  untranslated  percent\n"
                   "fr           25           2      1            22     8.0%\n")


def test_status_counts_texts_the_catalog_does_not_have_yet(partly_translated, capsys):
    replace_once(partly_translated / MODULE, "title: Kickoff", "title: Kick-off")
    code, out, _ = i18n(capsys, partly_translated, "status", "--format", "json")
    assert json.loads(out)[0] == {"language": "fr", "total": 25, "translated": 1, "fuzzy": 1, "untranslated": 23}


def test_status_fail_under(partly_translated, capsys):
    code, _, err = i18n(capsys, partly_translated, "status", "--fail-under", "50")
    assert code == 1 and err == "fr is 8.0% translated, under 50%\n"
    code, _, err = i18n(capsys, partly_translated, "status", "--fail-under", "8", "--format", "json")
    assert code == 0 and err == ""


def test_status_without_translated_editions(tmp_path, capsys):
    root = starter_project(tmp_path)
    assert i18n(capsys, root, "status", "--format", "json")[:2] == (0, "[]\n")
    assert i18n(capsys, root, "status", "--fail-under", "100")[:2] == (
        0, "every edition uses the source language: nothing to translate\n")


# -- checks for rmkit validate -------------------------------------------------------------

@pytest.fixture
def french(project, capsys) -> Path:
    i18n(capsys, project, "update")
    return project / FRENCH


def test_a_translation_that_loses_a_placeholder_is_an_error_at_its_line(project, french):
    translate(french, {WITH_PLACEHOLDER: "Des outils numériques comme {reseau.pro} au travail"})
    line = line_of(french, f'msgid "{WITH_PLACEHOLDER}"')
    assert catalog_findings(project) == [("translation-placeholders", FRENCH, line, 1)]
    _, findings = validate_project(project)
    assert findings[0].message == (f"translation of '{WITH_PLACEHOLDER[:49]}…': lacks {{network.professional}} "
                                   "and has {reseau.pro}, which the source does not")


def test_fuzzy_translations_are_not_checked(project, french):
    translate(french, {WITH_PLACEHOLDER: "Des outils comme {reseau.pro}"}, fuzzy=True)
    assert catalog_findings(project) == []


def test_malformed_braces_in_a_translation_are_an_error(project, french):
    translate(french, {WITH_PLACEHOLDER: "Des outils comme {network.professional au travail"})
    line = line_of(french, f'msgid "{WITH_PLACEHOLDER}"')
    assert catalog_findings(project) == [("malformed-placeholder", FRENCH, line, 1)]


def test_raw_html_in_a_translation_is_an_error(project, french):
    translate(french, {"Kickoff": "<b>Lancement</b>", "Introductions": "`<b>` reste du code"})
    assert catalog_findings(project) == [("translation-html", FRENCH, line_of(french, 'msgid "Kickoff"'), 1)]


@pytest.mark.parametrize("new, offset, problem", [
    ('msgid "Kickoff', 0, "the quoted text is not closed"),
    ('msgid "Kick"off"', 0, "the quoted text is not closed"),
    ('msgid "Kick\\qoff"', 0, "unknown escape \\q"),
    ('msgid "Kickoff"\nmsgstr ""\n\nmsgid "Kickoff"', 3, "msgid 'Kickoff' appears twice (first on line "),
    ('msgid "Kickoff"\nhello there', 1, "cannot read 'hello there'"),
])
def test_a_malformed_catalog_is_an_error_at_its_line(project, french, new, offset, problem):
    line = line_of(french, 'msgid "Kickoff"')
    french.write_text(french.read_text(encoding="utf-8").replace('msgid "Kickoff"', new), encoding="utf-8")
    _, findings = validate_project(project)
    assert [(f.code, f.file, f.line, f.column) for f in findings] == [("catalog-malformed", FRENCH, line + offset, 1)]
    assert problem in findings[0].message


def test_an_entry_without_msgstr_is_an_error_at_its_msgid(project, french):
    line = line_of(french, 'msgid "Kickoff"')
    french.write_text(french.read_text(encoding="utf-8").replace('msgid "Kickoff"\nmsgstr ""\n', 'msgid "Kickoff"\n'),
                      encoding="utf-8")
    _, findings = validate_project(project)
    assert [(f.code, f.file, f.line) for f in findings] == [("catalog-malformed", FRENCH, line)]
    assert findings[0].message == "msgid 'Kickoff' has no msgstr"


def test_babel_structure_errors_are_findings_too(project, french, monkeypatch):
    """Babel's own strict reading stays the last word when the line check misses something."""
    import rmkit.po_files

    french.write_text(french.read_text(encoding="utf-8").replace('msgstr ""\n', "", 1), encoding="utf-8")
    monkeypatch.setattr(rmkit.po_files, "_syntax_problem", lambda text: None)
    _, findings = validate_project(project)
    assert [(f.code, f.file) for f in findings] == [("catalog-malformed", FRENCH)]
    assert "missing msgstr" in findings[0].message


def test_a_catalog_that_is_not_utf8_is_an_error(project, french):
    raw = french.read_bytes().replace(b'msgid "Kickoff"\nmsgstr ""', 'msgid "Kickoff"\nmsgstr "é"'.encode("latin-1"))
    french.write_bytes(raw)
    line = raw[:raw.index(b'msgstr "\xe9"')].count(b"\n") + 1
    assert catalog_findings(project) == [("catalog-malformed", FRENCH, line, 1)]


def test_a_catalog_no_edition_uses_is_a_warning(project, french):
    for language in ("de", "en"):
        target = project / f"locales/{language}/LC_MESSAGES/curriculum.po"
        target.parent.mkdir(parents=True)
        shutil.copy(french, target)
    assert catalog_findings(project) == [
        ("unused-catalog", "locales/de/LC_MESSAGES/curriculum.po", 1, 1),
        ("unused-catalog", "locales/en/LC_MESSAGES/curriculum.po", 1, 1),
    ]
    _, findings = validate_project(project)
    assert findings[0].message == "no edition uses language 'de'"
    assert "source language" in findings[1].message


def test_check_catalogs_skips_the_unused_check_when_editions_are_invalid(project, french):
    target = project / "locales/de/LC_MESSAGES/curriculum.po"
    target.parent.mkdir(parents=True)
    shutil.copy(french, target)
    loaded, _ = load_project(project)
    assert check_catalogs(loaded, valid=set()) == []
    assert [f.code for f in check_catalogs(loaded, valid={"locales/editions.yml"})] == ["unused-catalog"]


def test_a_project_ui_catalog_is_read_and_its_language_checked(project):
    """A project may override interface strings, the source language's too (e.g. its own wording)."""
    for language in ("en", "de"):
        path = project / f"locales/{language}/LC_MESSAGES/ui.po"
        path.parent.mkdir(parents=True)
        path.write_text('msgid "Mentor guide"\nmsgstr "Mentor handbook"\n', encoding="utf-8")
    broken = project / "locales/fr/LC_MESSAGES/ui.po"
    broken.parent.mkdir(parents=True)
    broken.write_text('msgid "Mentor guide"\nmsgstr "Guide du mentor\n', encoding="utf-8")
    assert catalog_findings(project) == [
        ("unused-catalog", "locales/de/LC_MESSAGES/ui.po", 1, 1),
        ("missing-catalog", "locales/editions.yml", 7, 15),  # a ui.po is not the content's catalog
        ("catalog-malformed", "locales/fr/LC_MESSAGES/ui.po", 2, 1),
    ]


# -- GNU gettext agrees --------------------------------------------------------------------

def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt (GNU gettext) is required under CI")
        pytest.skip("msgfmt (GNU gettext) is not installed")
    return subprocess.run([msgfmt, "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)


def test_msgfmt_accepts_a_generated_catalog_with_placeholders(project, french):
    replace_once(project / MODULE, "- Meet every four weeks, on a fixed day.",
                 "- Spend 10% of the meeting on {network.messaging} and write {{braces}}.\n"
                 "  - |\n    Two lines\n    of Markdown.")
    main(["-C", str(project), "i18n", "update"])
    translate(french, {
        WITH_PLACEHOLDER: "Des outils numériques comme {network.professional} au travail",
        "Spend 10% of the meeting on {network.messaging} and write {{braces}}.":
            "Consacrez 10 % de la rencontre à {network.messaging} et écrivez {{accolades}}.",
        "Two lines\nof Markdown.\n": "Deux lignes\nde Markdown.\n",
    })
    result = msgfmt_check(french)
    assert result.returncode == 0, result.stderr
    assert "python-brace-format" in french.read_text(encoding="utf-8")


def test_msgfmt_rejects_what_validate_rejects(project, french):
    """The flag is what makes GNU tools check placeholders too (so a translator's editor warns)."""
    translate(french, {WITH_PLACEHOLDER: "Des outils comme {reseau.pro}"})
    assert msgfmt_check(french).returncode != 0


CATALOG_FOLDERS = (REPO / "locales", REPO / "rmkit/defaults/locales")


def _shipped_catalogs() -> list[Path]:
    return [path for folder in CATALOG_FOLDERS for path in sorted(folder.glob("*/LC_MESSAGES/*.po"))]


@pytest.mark.parametrize("catalog", _shipped_catalogs(), ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_catalogs_pass_msgfmt(catalog):
    result = msgfmt_check(catalog)
    assert result.returncode == 0, result.stderr


def test_every_shipped_catalog_is_checked():
    """No catalog escapes the check above by sitting where gettext (and rmkit) would not find it."""
    every_po = {path for folder in CATALOG_FOLDERS for path in folder.rglob("*.po")}
    assert every_po == set(_shipped_catalogs())
    if (REPO / "locales").is_dir():  # the bundled curriculum is translated: its catalogs must be found
        assert any(path.is_relative_to(REPO / "locales") for path in every_po)


def test_update_keeps_a_catalog_plural_rule_and_cldr_migrates_it(project, capsys, monkeypatch):
    from rmkit import plurals

    monkeypatch.setattr(plurals, "get_plural", lambda language: (2, "(n > 1)"))  # a Babel like 2.18's
    i18n(capsys, project, "update")
    po = project / FRENCH
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in po.read_text(encoding="utf-8")
    translate(po, {"Kickoff": "Lancement"})
    # A newer Babel counts French forms differently: the catalog keeps its own rule, and says so once.
    monkeypatch.setattr(plurals, "get_plural",
                        lambda language: (3, "(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2"))
    before = po.read_bytes()
    code, out, err = i18n(capsys, project, "update")
    assert code == 0 and po.read_bytes() == before
    assert err.count("warning[plural-forms-differ]") == 1
    header = line_of(po, r'"Plural-Forms: nplurals=2; plural=(n > 1);\n"')
    assert err.startswith(f"locales/fr/LC_MESSAGES/curriculum.po:{header}:1: warning")
    assert "'nplurals=2; plural=(n > 1);'" in err and "'nplurals=3; plural=(n == 0 || n == 1)" in err
    assert "rmkit i18n update --plural-forms cldr" in err
    code, out, err = i18n(capsys, project, "update", "--plural-forms", "cldr")
    assert code == 0 and err == "" and "updated locales/fr/LC_MESSAGES/curriculum.po" in out
    assert "nplurals=3;" in po.read_text(encoding="utf-8") and translations(project).gettext("Kickoff") == "Lancement"
    code, out, err = i18n(capsys, project, "update")
    assert (code, err) == (0, "") and "unchanged locales/fr/LC_MESSAGES/curriculum.po" in out
