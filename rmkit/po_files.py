"""PO files: reading, checking, merging and writing gettext catalogs, whatever their domain.

The content's catalogs (rmkit/catalogs.py) and the interface strings' (rmkit/ui_catalogs.py)
are both .po files; what is done to the file itself is done here, once:
- `read_catalog(path, file, language)` → (catalog or None, findings): a strict reading that
  says where a catalog breaks, as GNU msgfmt would, instead of Babel's lenient one;
- `check_translations(catalog, file)` → findings on the placeholders and raw HTML of every
  confirmed translation;
- `merge_template(path, language, template, header_comment, …)` → CatalogUpdate: create a
  catalog, or merge a new template into it, keeping the catalog's own plural rule (see
  rmkit/plurals.py) unless `plural_forms="cldr"`;
- `keep_creation_date(path, catalog)` and `write_if_changed(path, catalog)`: a rerun that
  changes nothing leaves the file as it was, date included;
- `catalog_locale(language)` → the Babel locale to read a catalog with.
"""

from __future__ import annotations

import datetime
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel import __version__ as babel_version
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from . import plurals
from .content_rules import text_problems
from .files import FileProblem, read_regular_file
from .findings import Finding, finding
from .text import PlaceholderError, placeholders

# Babel guesses format flags from the text; the content uses brace placeholders only, and a
# guessed `python-format` (e.g. on "10% of") would make msgfmt reject correct translations.
FORMAT_FLAGS = {"python-format", "python-brace-format"}

PLURAL_FORMS_CHOICES = ("catalog", "cldr")


def catalog_locale(language: str) -> str | None:
    """The Babel locale for a catalog's language; None when Babel does not know it.

    Without a locale the catalog still works, only without a Plural-Forms header.
    """
    try:
        Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return None
    return language


# -- reading and checking ----------------------------------------------------------------

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
        return read_po(io.BytesIO(raw), locale=catalog_locale(language), abort_invalid=True), []
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


# -- writing: only when the catalog changed ----------------------------------------------

def keep_creation_date(path: Path, catalog: Catalog, **options) -> None:
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


def write_if_changed(path: Path, catalog: Catalog, **options) -> bool:
    rendered = _render(catalog, **options)
    if path.is_file() and path.read_bytes() == rendered:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rendered)
    return True


# -- merging a template into a catalog ----------------------------------------------------

@dataclass
class CatalogUpdate:
    """What merging a template into one catalog did."""

    changed: bool
    warnings: list[Finding] = field(default_factory=list)
    migrated: int = 0  # plural entries turned fuzzy by `--plural-forms cldr`


def merge_template(path: Path, language: str, template: Catalog, header_comment: str, *, file: str,
                   plural_forms: str, revive_obsolete: bool, format_flags: bool) -> CatalogUpdate:
    """Create `path` from the template, or merge the template into it; write it if it changed.

    `file` names the catalog in findings; `revive_obsolete` gives a text that comes back its
    old translation; `format_flags` makes each entry's format flags the template's.
    """
    if plural_forms not in PLURAL_FORMS_CHOICES:
        raise ValueError(plural_forms)
    babel_rule = plurals.of_language(language)
    if path.is_file():
        with path.open("rb") as f:
            catalog = read_po(f, locale=catalog_locale(language), domain=template.domain)
    else:  # a new catalog starts with the installed Babel's rule for its language
        catalog = Catalog(locale=catalog_locale(language), domain=template.domain, project=template.project,
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
    return CatalogUpdate(write_if_changed(path, catalog, include_previous=True), warnings, migrated)


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
