"""Translations: gettext catalogs of the content (extraction, update, status, checks).

Interface used by the other stages (keep it stable):
- `load_translations(project, language)` → Translations, whose `gettext(text)` returns the
  confirmed translation of a source text, or the source text itself (untranslated and fuzzy
  entries fall back to the source) and counts the fallbacks in `fallbacks`;
- `check_catalogs(project, valid)` → findings for `rmkit validate`, on the content's catalogs
  and the project's overrides of the interface strings;
- `extract_template(project)`, `write_template(project)`, `update_catalog(path, language, …)`,
  `catalog_status(project, language, template)`: the work of `rmkit i18n extract|update|status`
  (rmkit/commands/i18n.py).

The content's catalogs live in the project (`locales/curriculum.pot`,
`locales/<language>/LC_MESSAGES/curriculum.po`). Reading, checking and writing a .po file is
rmkit/po_files.py's; the interface strings' catalogs are rmkit/ui_catalogs.py's.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from .files import read_regular_file
from .findings import Finding, RmkitError, finding
from .loader import Document
from .model import iter_texts
from .po_files import (FORMAT_FLAGS, CatalogUpdate, catalog_locale, check_translations, keep_creation_date,
                       merge_template, read_catalog, write_if_changed)
from .project import Project
from .text import PlaceholderError, placeholders
from .ui_catalogs import UI_DOMAIN

CONTENT_DOMAIN = "curriculum"

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
        catalog = read_po(io.BytesIO(read_regular_file(path)), locale=catalog_locale(language))
    except Exception as e:  # the build validates first; this only guards against a race
        raise RmkitError([finding("catalog-malformed", file, f"cannot read the catalog: {e}")]) from None
    messages = {m.id: m.string for m in catalog
                if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy}
    _confirmed_cache[path] = (stamp, messages)
    return messages


# -- the template: every translatable text of the project ----------------------------------

def template_path(project: Project) -> Path:
    return project.locales_dir / f"{CONTENT_DOMAIN}.pot"


def extract_template(project: Project) -> Catalog:
    """Every (t) text of a valid project, once per distinct text, with all its references."""
    program = project.program.data if project.program else {}
    catalog = Catalog(domain=CONTENT_DOMAIN, project=program.get("id"),
                      header_comment=header_comment(program, "template"), charset="utf-8")
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


def header_comment(program: dict, kind: str) -> str:
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
    keep_creation_date(path, catalog)
    return catalog, write_if_changed(path, catalog)


# -- each language's catalog ---------------------------------------------------------------

def translated_languages(project: Project) -> list[str]:
    """The languages of the editions, except the source language, in edition order."""
    source = project.program.data.get("source_language") if project.program else None
    editions = project.editions.data.get("editions", []) if project.editions else []
    return list(dict.fromkeys(e["language"] for e in editions if e.get("language") != source))


def update_catalog(path: Path, language: str, template: Catalog, header_comment: str, *,
                   file: str | None = None, plural_forms: str = "catalog") -> CatalogUpdate:
    """Create or merge `path` from the template.

    Babel's merge keeps translations of unchanged texts, turns a changed text into a fuzzy
    entry that keeps the previous translation (and `#|` shows the old source), and keeps
    removed texts as obsolete `#~` entries. The catalog keeps its own `Plural-Forms` (see
    rmkit/plurals.py); with `plural_forms="cldr"` it takes the installed Babel's rule.
    """
    return merge_template(path, language, template, header_comment, file=file or str(path),
                          plural_forms=plural_forms, revive_obsolete=True, format_flags=True)


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
            entries = {m.id: m for m in read_po(f, locale=catalog_locale(language)) if m.id}
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


if __name__ == "__main__":  # the maintainers' command lived here: say where it went, do not succeed silently
    raise SystemExit("rmkit.catalogs has no command of its own: the interface catalogs are refreshed with "
                     "`python3 -m rmkit.ui_catalogs ui-extract`, the content's with `rmkit i18n`")
