"""Translations: gettext catalogs of the content (extraction, update, status, checks).

Interface used by the other stages (keep it stable):
- `load_translations(project, language)` → Translations, whose `gettext(text)` returns the
  confirmed translation of a source text, or the source text itself (untranslated and fuzzy
  entries fall back to the source) and counts the fallbacks in `fallbacks`;
- `check_catalogs(project, valid)` → findings for `rmkit validate`;
- `run_command(root, args)` → exit code, for `rmkit i18n extract|update|status`;
- `load_ui_translations(project, language)` → gettext translations of the page templates
  (the `ui` domain), for `jinja2.Environment.install_gettext_translations(…, newstyle=True)`.

The content's catalogs live in the project (`locales/curriculum.pot`,
`locales/<language>/LC_MESSAGES/curriculum.po`); the interface strings' catalogs ship with
rmkit (`rmkit/defaults/locales/`), and a project may override them with its own `ui.po`.
Maintainers refresh the packaged ones with `python3 -m rmkit.catalogs ui-extract`.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import __version__ as babel_version
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from babel.support import NullTranslations
from babel.support import Translations as CompiledTranslations

from . import plurals
from .findings import Finding, RmkitError, finding
from .loader import Document
from .model import iter_texts
from .project import PACKAGE_DEFAULTS, Project
from .content_rules import text_problems
from .files import FileProblem, read_regular_file
from .text import PlaceholderError, placeholders

CONTENT_DOMAIN, UI_DOMAIN = "curriculum", "ui"
UI_LANGUAGES = ("fr", "ja", "ar")
PACKAGED_TEMPLATES = PACKAGE_DEFAULTS / "templates"
PACKAGED_LOCALES = PACKAGE_DEFAULTS / "locales"
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

# Babel guesses format flags from the text; the content uses brace placeholders only, and a
# guessed `python-format` (e.g. on "10% of") would make msgfmt reject correct translations.
FORMAT_FLAGS = {"python-format", "python-brace-format"}


# -- loading translations for a build -------------------------------------------------------

@dataclass
class Translations:
    language: str
    messages: dict[str, str] = field(default_factory=dict)
    fallbacks: set[str] = field(default_factory=set)

    def gettext(self, text: str) -> str:
        if not text:
            return text
        translated = self.messages.get(text)
        if translated:
            return translated
        self.fallbacks.add(text)
        return text


# Parsed confirmed translations by catalog path, valid while (mtime, size) is unchanged:
# every edition of a language reads the same catalog, and `rmkit serve` rebuilds often.
_confirmed_cache: dict[Path, tuple[tuple[int, int], dict[str, str]]] = {}


def load_translations(project: Project, language: str) -> Translations | None:
    """The confirmed translations of `language`; None for the source language."""
    if project.program and language == project.program.data.get("source_language"):
        return None
    path = project.catalog_path(language)
    if not path.is_file():
        return Translations(language)
    return Translations(language, _confirmed(path, project.relative(path), language))


def _confirmed(path: Path, file: str, language: str) -> dict[str, str]:
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _confirmed_cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        catalog = read_po(io.BytesIO(read_regular_file(path)), locale=_locale(language))
    except Exception as e:  # the build validates first; this only guards against a race
        raise RmkitError([finding("catalog-malformed", file, f"cannot read the catalog: {e}")]) from None
    messages = {m.id: m.string for m in catalog
                if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy}
    _confirmed_cache[path] = (stamp, messages)
    return messages


def _locale(language: str) -> str | None:
    """The Babel locale for a catalog's language; None when Babel does not know it.

    Without a locale the catalog still works, only without a Plural-Forms header.
    """
    try:
        Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return None
    return language


# -- the template: every translatable text of the project ----------------------------------

def template_path(project: Project) -> Path:
    return project.locales_dir / f"{CONTENT_DOMAIN}.pot"


def extract_template(project: Project) -> Catalog:
    """Every (t) text of a valid project, once per distinct text, with all its references."""
    program = project.program.data if project.program else {}
    catalog = Catalog(domain=CONTENT_DOMAIN, project=program.get("id"),
                      header_comment=_header_comment(program, "template"), charset="utf-8")
    for kind, document in _documents_in_reading_order(project):
        for (line, _), text_field in _texts_in_file_order(kind, document):
            _add_text(catalog, text_field.text, (document.file, line), _translator_notes(text_field))
    for message in catalog:
        if message.id:
            message.flags = (message.flags - FORMAT_FLAGS) | _format_flags(message.id)
    return catalog


def _documents_in_reading_order(project: Project) -> list[tuple[str, Document]]:
    """Program, its modules in program order, unlisted modules, editions, countries.

    Translators read the template top to bottom, so it follows the curriculum's own order.
    """
    documents = [("program", project.program)] if project.program else []
    listed = project.program.data.get("modules", []) if project.program else []
    order = list(dict.fromkeys(m for m in listed if m in project.modules))
    order += [stem for stem in project.modules if stem not in order]
    documents += [("module", project.modules[stem]) for stem in order]
    if project.editions:
        documents.append(("editions", project.editions))
    documents += [("country", project.countries[code]) for code in sorted(project.countries)]
    return documents


def _texts_in_file_order(kind: str, document: Document) -> list:
    """The document's texts as written (an objective's text, then its evidence), not by field kind."""
    located = [(document.position(t.pointer), t) for t in iter_texts(kind, document.data) if t.text]
    return sorted(located, key=lambda pair: pair[0])


def _translator_notes(text_field) -> list[str]:
    """`#.` comments: a translator must keep Markdown intact, and may adapt mentor-only tone."""
    notes = []
    if text_field.markdown:
        notes.append("Markdown")
    if text_field.mentor_only:
        notes.append("mentor only")
    return ["; ".join(notes)] if notes else []


def _add_text(catalog: Catalog, text: str, location: tuple[str, int], notes: list[str]) -> None:
    existing = catalog.get(text)
    if existing is None:
        catalog.add(text, locations=[location], auto_comments=notes)
        return
    if location not in existing.locations:
        existing.locations.append(location)
    existing.auto_comments += [n for n in notes if n not in existing.auto_comments]


def _format_flags(text: str) -> set[str]:
    try:
        return {"python-brace-format"} if placeholders(text) else set()
    except PlaceholderError:  # validation reports it; extraction runs on valid projects only
        return set()


def _header_comment(program: dict, kind: str) -> str:
    # Babel turns "Translations template for" into "<Language> translations for" in catalogs.
    title = " ".join(str(program.get("title", "")).split())
    name = f"{title} ({program['id']})" if title and program.get("id") else program.get("id", "PROJECT")
    if kind == "template":
        advice = "Written by `rmkit i18n extract`: edit the curriculum, not this file."
    else:
        advice = "Translate the msgstr lines; `rmkit i18n update` merges source changes."
    return f"# Translations template for {name}.\n# {advice}\n#"


def write_template(project: Project) -> tuple[Catalog, bool]:
    """Write locales/curriculum.pot; returns the template and whether the file changed."""
    path = template_path(project)
    catalog = extract_template(project)
    _keep_creation_date(path, catalog)
    return catalog, _write_if_changed(path, catalog)


def _keep_creation_date(path: Path, catalog: Catalog, **options) -> None:
    """Date the template now, unless only the date would change: reruns leave the file alone."""
    catalog.creation_date = _now()
    if not path.is_file():
        return
    old = path.read_bytes()
    try:
        previous = read_po(io.BytesIO(old)).creation_date
    except Exception:  # an edited or broken template is simply rewritten
        return
    catalog.creation_date = previous
    if _render(catalog, **options) != old:
        catalog.creation_date = _now()


def _now() -> datetime.datetime:
    # SOURCE_DATE_EPOCH: the reproducible-builds convention for pinning generated dates.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)


def _render(catalog: Catalog, **options) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, **options)
    return out.getvalue()


def _write_if_changed(path: Path, catalog: Catalog, **options) -> bool:
    rendered = _render(catalog, **options)
    if path.is_file() and path.read_bytes() == rendered:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rendered)
    return True


# -- each language's catalog ---------------------------------------------------------------

def translated_languages(project: Project) -> list[str]:
    """The languages of the editions, except the source language, in edition order."""
    source = project.program.data.get("source_language") if project.program else None
    editions = project.editions.data.get("editions", []) if project.editions else []
    return list(dict.fromkeys(e["language"] for e in editions if e.get("language") != source))


PLURAL_FORMS_CHOICES = ("catalog", "cldr")


@dataclass
class CatalogUpdate:
    """What merging a template into one catalog did."""

    changed: bool
    warnings: list[Finding] = field(default_factory=list)
    migrated: int = 0  # plural entries turned fuzzy by `--plural-forms cldr`


def update_catalog(path: Path, language: str, template: Catalog, header_comment: str, *,
                   file: str | None = None, plural_forms: str = "catalog") -> CatalogUpdate:
    """Create or merge `path` from the template.

    Babel's merge keeps translations of unchanged texts, turns a changed text into a fuzzy
    entry that keeps the previous translation (and `#|` shows the old source), and keeps
    removed texts as obsolete `#~` entries. The catalog keeps its own `Plural-Forms` (see
    rmkit/plurals.py); with `plural_forms="cldr"` it takes the installed Babel's rule.
    """
    return _merge(path, language, template, header_comment, file=file or str(path), plural_forms=plural_forms,
                  revive_obsolete=True, format_flags=True)


def _merge(path: Path, language: str, template: Catalog, header_comment: str, *, file: str,
           plural_forms: str, revive_obsolete: bool, format_flags: bool) -> CatalogUpdate:
    if plural_forms not in PLURAL_FORMS_CHOICES:
        raise ValueError(plural_forms)
    babel_rule = plurals.of_language(language)
    if path.is_file():
        with path.open("rb") as f:
            catalog = read_po(f, locale=_locale(language), domain=template.domain)
    else:  # a new catalog starts with the installed Babel's rule for its language
        catalog = Catalog(locale=_locale(language), domain=template.domain, project=template.project,
                          version=template.version, header_comment=header_comment, fuzzy=False)
        plurals.set_rule(catalog, babel_rule)
    own_rule = plurals.declared(catalog)
    warnings, migrated = [], 0
    if own_rule is None:
        plurals.set_rule(catalog, babel_rule)  # gettext needs the header to pick plural forms
    elif not own_rule.same_as(babel_rule):
        if plural_forms == "cldr":
            migrated = len(plurals.migrate(catalog, babel_rule))
        else:
            warnings.append(finding(
                "plural-forms-differ", file,
                f"the catalog's plural rule '{own_rule.header}' differs from the rule of the installed "
                f"Babel {babel_version} for '{language}' ('{babel_rule.header}'); the catalog's rule "
                f"stays in use", line=_header_line(path, "Plural-Forms"), column=1))
    if revive_obsolete:
        _revive_obsolete(catalog, template)
    catalog.update(template)
    if revive_obsolete:
        _drop_revived_from_obsolete(catalog)
    if format_flags:
        _copy_format_flags(catalog, template)
    return CatalogUpdate(_write_if_changed(path, catalog, include_previous=True), warnings, migrated)


def _header_line(path: Path, name: str) -> int | None:
    try:
        with path.open("rb") as f:
            for number, line in enumerate(f, 1):
                if line.startswith(f'"{name}:'.encode()):
                    return number
                if number > 60:
                    break
    except OSError:
        pass
    return None


def _revive_obsolete(catalog: Catalog, template: Catalog) -> None:
    """A text that comes back gets its old translation back, as GNU msgmerge does."""
    for key, message in list(catalog.obsolete.items()):
        if message.id in template and message.id not in catalog:
            catalog[message.id] = message
            del catalog.obsolete[key]


def _drop_revived_from_obsolete(catalog: Catalog) -> None:
    # An id both active and obsolete is a duplicate definition for msgfmt.
    for key, message in list(catalog.obsolete.items()):
        if message.id in catalog:
            del catalog.obsolete[key]


def _copy_format_flags(catalog: Catalog, template: Catalog) -> None:
    # The merge unions old and new flags; a text that lost its placeholders must lose the flag.
    for message in catalog:
        if message.id and message.id in template:
            source = template[message.id]
            message.flags = (message.flags - FORMAT_FLAGS) | (source.flags & FORMAT_FLAGS)


# -- status --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogStatus:
    language: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def to_dict(self) -> dict:
        return asdict(self)


def catalog_status(project: Project, language: str, template: Catalog) -> CatalogStatus:
    """Progress against the current source texts: an entry the catalog lacks is untranslated."""
    path = project.catalog_path(language)
    entries = {}
    if path.is_file():
        with path.open("rb") as f:
            entries = {m.id: m for m in read_po(f, locale=_locale(language)) if m.id}
    translated = fuzzy = total = 0
    for source in template:
        if not source.id:
            continue
        total += 1
        entry = entries.get(source.id)
        if entry is None or not entry.string:
            continue
        if entry.fuzzy:
            fuzzy += 1
        else:
            translated += 1
    return CatalogStatus(language, total, translated, fuzzy, total - translated - fuzzy)


def format_status(rows: list[CatalogStatus]) -> str:
    header = ("language", "total", "translated", "fuzzy", "untranslated", "percent")
    lines = [header] + [(r.language, str(r.total), str(r.translated), str(r.fuzzy),
                         str(r.untranslated), f"{r.percent:.1f}%") for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths))).rstrip()
        + "\n" for line in lines)


# -- checks for `rmkit validate` -----------------------------------------------------------

def check_catalogs(project: Project, valid: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    languages = _edition_languages(project, valid)
    source = _source_language(project, valid)
    for language, domain, path in _catalog_files(project):
        file = project.relative(path)
        catalog, problems = read_catalog(path, file, language)
        findings += problems
        if catalog is not None and domain == CONTENT_DOMAIN:
            findings += check_translations(catalog, file)
        if languages is not None:
            findings += _unused(file, language, domain, languages, source)
    return findings


def _catalog_files(project: Project) -> list[tuple[str, str, Path]]:
    found = []
    for domain in (CONTENT_DOMAIN, UI_DOMAIN):
        for path in sorted(project.locales_dir.glob(f"*/LC_MESSAGES/{domain}.po")):
            found.append((path.parent.parent.name, domain, path))
    return found


def _edition_languages(project: Project, valid: set[str]) -> set[str] | None:
    if project.editions is None or project.editions.file not in valid:
        return None  # editions unreadable: whether a catalog is used cannot be known
    return {e["language"] for e in project.editions.data["editions"]}


def _source_language(project: Project, valid: set[str]) -> str | None:
    if project.program is None or project.program.file not in valid:
        return None
    return project.program.data["source_language"]


def _unused(file: str, language: str, domain: str, languages: set[str], source: str | None) -> list[Finding]:
    if language not in languages:
        return [finding("unused-catalog", file, f"no edition uses language '{language}'", line=1, column=1,
                        hint="Add an edition in this language to locales/editions.yml, or delete the catalog.")]
    if domain == CONTENT_DOMAIN and language == source:
        return [finding("unused-catalog", file, f"'{language}' is the program's source language: its editions "
                        "show the source text, not this catalog", line=1, column=1,
                        hint="Change the text in the curriculum's YAML files instead, and delete the catalog.")]
    return []


def read_catalog(path: Path, file: str, language: str) -> tuple[Catalog | None, list[Finding]]:
    """Read a .po file strictly: the catalog, or the finding that says where it breaks.

    Babel reads leniently (an unclosed quote or a duplicated msgid passes unnoticed) where
    GNU msgfmt fails, so the lines are checked first, then Babel reads with abort_invalid.
    """
    def malformed(message: str, line: int | None = None) -> tuple[None, list[Finding]]:
        return None, [finding("catalog-malformed", file, message, line=line, column=1 if line else None,
                              hint="Open the catalog in a PO editor or run `msgfmt --check` on it.")]

    try:
        raw = read_regular_file(path)
    except FileProblem as e:
        if e.code == "file-missing":
            return malformed(e.message)
        return None, [finding(e.code, file, e.message, line=1, column=1)]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return malformed("the catalog is not valid UTF-8; save it as UTF-8", raw.count(b"\n", 0, e.start) + 1)
    problem = _syntax_problem(text)
    if problem:
        return malformed(problem[1], problem[0])
    try:
        return read_po(io.BytesIO(raw), locale=_locale(language), abort_invalid=True), []
    except PoFileError as e:
        return malformed(str(e), e.lineno or None)
    except Exception as e:  # Babel raises plain errors for e.g. an unknown charset
        return malformed(f"cannot read the catalog: {e}")


_KEYWORD = re.compile(r'(?:(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?(".*)')
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = set('\\"ntr')  # the escapes Babel reads; any other would reach the page verbatim


def _syntax_problem(text: str) -> tuple[int, str] | None:
    """The first line GNU gettext would reject, as (line, message); obsolete entries aside."""
    entries: dict[tuple[str, str], int] = {}
    keyword, parts, msgid_line = "msgstr", {}, 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _KEYWORD.fullmatch(stripped)
        if not match:
            return number, f"cannot read {_short(stripped)}: expected msgid, msgstr or a quoted text"
        quoted = _QUOTED.fullmatch(match.group(2))
        if not quoted:
            return number, 'the quoted text is not closed, or holds a " that is not written \\"'
        unknown = [e for e in _ESCAPE.findall(quoted.group(1)) if e not in _ESCAPES]
        if unknown:
            return number, f"unknown escape \\{unknown[0]}: write \\\\ for a backslash"
        if match.group(1):
            starts_entry = match.group(1) == "msgctxt" or (match.group(1) == "msgid" and keyword != "msgctxt")
            if starts_entry and not keyword.startswith("msgstr"):
                return msgid_line or number, f"msgid {_short(parts.get('msgid', ''))} has no msgstr"
            if match.group(1) == keyword == "msgstr":
                return number, "a second msgstr for the same msgid"
            if starts_entry:
                parts = {}
            keyword = match.group(1)
            if keyword == "msgid":
                msgid_line = number
            if keyword.startswith("msgstr") and "msgid" in parts:
                key = (parts.get("msgctxt", ""), parts.pop("msgid"))
                if key in entries:
                    return msgid_line, (f"msgid {_short(key[1])} appears twice "
                                        f"(first on line {entries[key]}); keep one entry")
                entries[key] = msgid_line
        if keyword in ("msgctxt", "msgid"):
            parts[keyword] = parts.get(keyword, "") + quoted.group(1)
    if not keyword.startswith("msgstr"):
        return msgid_line or 1, f"msgid {_short(parts.get('msgid', ''))} has no msgstr"
    return None


def _short(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def check_translations(catalog: Catalog, file: str) -> list[Finding]:
    """Placeholders and raw HTML of every confirmed translation (fuzzy ones are not shown)."""
    out = []
    for message in catalog:
        if (isinstance(message.id, str) and message.id and isinstance(message.string, str)
                and message.string and not message.fuzzy):
            out += _check_translation(message, file)
    return out


def _check_translation(message: Message, file: str) -> list[Finding]:
    out = []

    def report(code: str, text: str) -> None:
        out.append(finding(code, file, f"translation of {_short(message.id)}: {text}",
                           line=message.lineno, column=1))

    for problem in text_problems(message.string, html_code="translation-html"):  # the output's allow list
        report(problem.code, problem.message)
    try:
        source = placeholders(message.id)
    except PlaceholderError:
        return out  # the source text itself is reported where it is written
    try:
        translated = placeholders(message.string)
    except PlaceholderError as e:
        report("malformed-placeholder", str(e))
        return out
    if translated != source:
        report("translation-placeholders", _placeholder_difference(source, translated))
    return out


def _placeholder_difference(source: set[str], translated: set[str]) -> str:
    names = lambda found: ", ".join(f"{{{n}}}" for n in sorted(found))  # noqa: E731
    parts = []
    if source - translated:
        parts.append(f"lacks {names(source - translated)}")
    if translated - source:
        parts.append(f"has {names(translated - source)}, which the source does not")
    return " and ".join(parts)


# -- interface strings (the `ui` domain of the page templates) -----------------------------

UI_METHODS = [("**.j2", "jinja2.ext:babel_extract")]
# The same Jinja settings as the renderer's (rmkit/render.py): whitespace control changes the
# text of a `{% trans %}` block, so extraction must see what rendering looks up. Templates with
# a syntax error must fail the extraction, not silently lose their strings.
UI_OPTIONS = {"**.j2": {"extensions": "jinja2.ext.i18n,jinja2.ext.do", "newstyle_gettext": "true",
                        "trim_blocks": "true", "lstrip_blocks": "true", "keep_trailing_newline": "true",
                        "silent": "false"}}


def extract_ui(templates_dir: Path) -> Catalog:
    """Every `_()`/`gettext()`/`{% trans %}` string of the templates, as the `ui` template."""
    catalog = Catalog(domain=UI_DOMAIN, project="rmkit", charset="utf-8",
                      header_comment="# Translations template for rmkit's page templates.\n"
                                     "# Written by `python3 -m rmkit.catalogs ui-extract`; do not edit.\n#")
    prefix = templates_dir.name
    found = extract_from_dir(templates_dir, UI_METHODS, UI_OPTIONS, comment_tags=("Translators:",),
                             strip_comment_tags=True)
    for filename, line, message, comments, context in sorted(found, key=lambda r: (r[0], r[1])):
        location = (f"{prefix}/{Path(filename).as_posix()}", line)
        existing = catalog.get(message, context)
        if existing is None:
            catalog.add(message, locations=[location], auto_comments=comments, context=context)
        elif location not in existing.locations:
            existing.locations.append(location)
    return catalog


def update_ui_catalogs(templates_dir: Path = PACKAGED_TEMPLATES, locales_dir: Path = PACKAGED_LOCALES,
                       languages=UI_LANGUAGES, plural_forms: str = "catalog") -> list[tuple[Path, CatalogUpdate]]:
    """Write `ui.pot` and create or merge `<language>/LC_MESSAGES/ui.po`: (path, what changed) each."""
    template = extract_ui(templates_dir)
    pot = locales_dir / f"{UI_DOMAIN}.pot"
    _keep_creation_date(pot, template)
    written = [(pot, CatalogUpdate(_write_if_changed(pot, template)))]
    header = template.header_comment.replace("# Written by", "# Translate the msgstr lines; written by")
    for language in languages:
        path = locales_dir / language / "LC_MESSAGES" / f"{UI_DOMAIN}.po"
        written.append((path, _update_ui_catalog(path, language, template, header, plural_forms)))
    return written


def _update_ui_catalog(path: Path, language: str, template: Catalog, header_comment: str,
                       plural_forms: str = "catalog") -> CatalogUpdate:
    # Templates use `%(name)s` (newstyle gettext): Babel's own guess of python-format is right here.
    return _merge(path, language, template, header_comment, file=str(path), plural_forms=plural_forms,
                  revive_obsolete=False, format_flags=False)


_ui_cache: dict[tuple, NullTranslations] = {}


def load_ui_translations(project: Project | None, language: str, *,
                         packaged: Path = PACKAGED_LOCALES) -> NullTranslations:
    """The interface strings in `language`: the packaged catalog, overridden by the project's.

    Fuzzy entries are left out. Without any catalog the templates' own (English) text shows.
    """
    paths = [packaged / language / "LC_MESSAGES" / f"{UI_DOMAIN}.po"]
    if project is not None:
        paths.append(project.catalog_path(language, UI_DOMAIN))
    present = [p for p in paths if p.is_file()]
    if not present:
        return NullTranslations()
    key = (language, *((p, p.stat().st_mtime_ns, p.stat().st_size) for p in present))
    if key not in _ui_cache:
        _ui_cache[key] = _compile(language, present)
    return _ui_cache[key]


def _compile(language: str, paths: list[Path]) -> CompiledTranslations:
    """One set of translations from the packaged catalog and the project's override.

    Plural forms follow the last catalog's own `Plural-Forms` header (the project's when it
    has one), never the installed Babel's rule; a plural entry written for another rule is
    left out (the template's text shows) rather than shown in the wrong form.
    """
    confirmed: dict[tuple, Message] = {}
    rule = None
    for path in paths:  # later catalogs (the project's) override earlier ones
        with path.open("rb") as f:
            catalog = read_po(f, locale=_locale(language))
        rule = plurals.of_catalog(catalog, language)
        for message in catalog:
            if message.id and _confirmed_message(message):
                singular = message.id if isinstance(message.id, str) else message.id[0]
                confirmed[message.context, singular] = (message, rule)
    # Babel's Catalog keeps the first string added for an id, so the merge happens above.
    merged = Catalog(locale=_locale(language), domain=UI_DOMAIN, fuzzy=False)
    plurals.set_rule(merged, rule)
    for message, message_rule in confirmed.values():
        if message.pluralizable and not (message_rule.same_as(rule) and len(message.string) == rule.count):
            continue
        merged.add(message.id, message.string, context=message.context)
    mo = io.BytesIO()
    write_mo(mo, merged)
    mo.seek(0)
    return CompiledTranslations(mo, domain=UI_DOMAIN)


def _confirmed_message(message: Message) -> bool:
    # A plural entry with an empty form would print nothing for that count: all or none.
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not message.fuzzy and all(strings)


# -- the command line: rmkit i18n extract|update|status ------------------------------------

def run_command(root, args) -> int:
    from .reporters import report_text

    try:
        if args.i18n_command == "extract":
            _extract(_project_for(Path(root), catalogs_too=False))
            return EXIT_OK
        if args.i18n_command == "update":
            return _update(_project_for(Path(root), catalogs_too=True), args.languages, args.plural_forms)
        if args.i18n_command == "status":
            return _status(_project_for(Path(root), catalogs_too=True), args.format, args.fail_under)
    except RmkitError as e:
        sys.stdout.write(report_text(e.findings))
        return EXIT_FINDINGS
    raise AssertionError(args.i18n_command)


def _project_for(root: Path, catalogs_too: bool) -> Project:
    """The project, validated; raises with the errors that stop translation work.

    A translator's slip in one catalog (a lost placeholder) must not block extraction or
    merging; a catalog that cannot be read does block merging into it and counting it.
    """
    from .validate import validate_project

    project, findings = validate_project(root)
    blocking = [f for f in findings if f.is_error and
                (not f.file.endswith(".po") or (catalogs_too and f.code == "catalog-malformed"))]
    if blocking:
        raise RmkitError(blocking)
    return project


def _extract(project: Project) -> Catalog:
    template, changed = write_template(project)
    print(f"{'wrote' if changed else 'unchanged'} {project.relative(template_path(project))}")
    return template


def _update(project: Project, requested: list[str] | None, plural_forms: str = "catalog") -> int:
    from .reporters import report_text

    languages = translated_languages(project)
    unknown = [lang for lang in requested or [] if lang not in languages]
    if unknown:
        print(f"rmkit: error: no edition is translated into {', '.join(unknown)}; "
              f"translated languages: {', '.join(languages) or 'none'}", file=sys.stderr)
        return EXIT_USAGE
    template = _extract(project)  # the merge always starts from a fresh template
    header = _header_comment(project.program.data, "catalog")
    warnings = []
    for language in requested or languages:
        catalog = project.catalog_path(language)
        existed = catalog.is_file()
        result = update_catalog(catalog, language, template, header, file=project.relative(catalog),
                                plural_forms=plural_forms)
        verb = ("updated" if existed else "created") if result.changed else "unchanged"
        migrated = (f" (plural rule of Babel {babel_version}; {result.migrated} plural "
                    f"{'entry' if result.migrated == 1 else 'entries'} marked fuzzy)") if result.migrated else ""
        print(f"{verb} {project.relative(catalog)}{migrated}")
        warnings += result.warnings
    if warnings:
        sys.stderr.write(report_text(warnings))
    return EXIT_OK


def _status(project: Project, output: str, fail_under: float | None) -> int:
    template = extract_template(project)
    rows = [catalog_status(project, language, template) for language in translated_languages(project)]
    if output == "json":
        sys.stdout.write(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n")
    elif rows:
        sys.stdout.write(format_status(rows))
    else:
        print("every edition uses the source language: nothing to translate")
    behind = [r for r in rows if fail_under is not None and r.percent < fail_under]
    for r in behind:
        print(f"{r.language} is {r.percent:.1f}% translated, under {fail_under:g}%", file=sys.stderr)
    return EXIT_FINDINGS if behind else EXIT_OK


# -- maintainers: python3 -m rmkit.catalogs ui-extract -------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m rmkit.catalogs",
                                     description="Maintainer tools for rmkit's own interface catalogs.")
    commands = parser.add_subparsers(dest="command", required=True)
    ui = commands.add_parser("ui-extract", help="write ui.pot from the templates and merge it into each ui.po")
    ui.add_argument("--templates", type=Path, default=PACKAGED_TEMPLATES)
    ui.add_argument("--locales", type=Path, default=PACKAGED_LOCALES)
    ui.add_argument("--language", action="append", dest="languages", metavar="L",
                    help=f"only this language (repeatable; default: {', '.join(UI_LANGUAGES)})")
    ui.add_argument("--plural-forms", choices=PLURAL_FORMS_CHOICES, default="catalog",
                    help="keep each catalog's plural rule (default), or migrate it to the installed Babel's")
    args = parser.parse_args(argv)
    if not args.templates.is_dir():
        print(f"error: {args.templates} is not a directory of templates", file=sys.stderr)
        return EXIT_USAGE
    from .reporters import report_text

    warnings = []
    for path, result in update_ui_catalogs(args.templates, args.locales, args.languages or UI_LANGUAGES,
                                           args.plural_forms):
        print(f"{'wrote' if result.changed else 'unchanged'} {path}")
        warnings += result.warnings
    if warnings:
        sys.stderr.write(report_text(warnings))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
