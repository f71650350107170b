"""Interface strings: the gettext catalogs of the page templates (the `ui` domain).

The labels the templates print ("Objectives", "Mentor notes", …) are translated apart from
the content: rmkit ships their catalogs for French, Japanese and Arabic
(`rmkit/defaults/locales/ui.pot`, `<language>/LC_MESSAGES/ui.po`), and a project may override
entries with its own `locales/<language>/LC_MESSAGES/ui.po` (`rmkit validate` checks it with
the content's catalogs, rmkit/catalogs.py).

Interface:
- `load_ui_translations(project, language)` → gettext translations of the page templates,
  for `jinja2.Environment.install_gettext_translations(…, newstyle=True)`: the packaged
  catalog overridden by the project's, confirmed entries only, plural forms by the catalog's
  own `Plural-Forms` header (rmkit/plurals.py);
- `extract_ui(templates_dir)` → the `ui` template: every `_()`/`gettext()`/`{% trans %}` string;
- `update_ui_catalogs(templates_dir, locales_dir, languages, plural_forms)` → write `ui.pot`
  and merge it into each language's `ui.po`.

Maintainers refresh the packaged catalogs with `python3 -m rmkit.ui_catalogs ui-extract
[--plural-forms cldr]` after changing a template.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from babel.support import Translations as CompiledTranslations

from . import plurals
from .po_files import (PLURAL_FORMS_CHOICES, CatalogUpdate, catalog_locale, keep_creation_date, merge_template,
                       write_if_changed)
from .project import PACKAGE_DEFAULTS, Project

UI_DOMAIN = "ui"
UI_LANGUAGES = ("fr", "ja", "ar")
PACKAGED_TEMPLATES = PACKAGE_DEFAULTS / "templates"
PACKAGED_LOCALES = PACKAGE_DEFAULTS / "locales"

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
                                     "# Written by `python3 -m rmkit.ui_catalogs ui-extract`; do not edit.\n#")
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
    keep_creation_date(pot, template)
    written = [(pot, CatalogUpdate(write_if_changed(pot, template)))]
    header = template.header_comment.replace("# Written by", "# Translate the msgstr lines; written by")
    for language in languages:
        path = locales_dir / language / "LC_MESSAGES" / f"{UI_DOMAIN}.po"
        written.append((path, _update_ui_catalog(path, language, template, header, plural_forms)))
    return written


def _update_ui_catalog(path: Path, language: str, template: Catalog, header_comment: str,
                       plural_forms: str = "catalog") -> CatalogUpdate:
    # Templates use `%(name)s` (newstyle gettext): Babel's own guess of python-format is right here.
    return merge_template(path, language, template, header_comment, file=str(path), plural_forms=plural_forms,
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
            catalog = read_po(f, locale=catalog_locale(language))
        rule = plurals.of_catalog(catalog, language)
        for message in catalog:
            if message.id and _confirmed_message(message):
                singular = message.id if isinstance(message.id, str) else message.id[0]
                confirmed[message.context, singular] = (message, rule)
    # Babel's Catalog keeps the first string added for an id, so the merge happens above.
    merged = Catalog(locale=catalog_locale(language), domain=UI_DOMAIN, fuzzy=False)
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


# -- maintainers: python3 -m rmkit.ui_catalogs ui-extract ----------------------------------

def main(argv: list[str] | None = None) -> int:
    from .commands import EXIT_OK, EXIT_USAGE
    from .reporters import report_text

    parser = argparse.ArgumentParser(prog="python3 -m rmkit.ui_catalogs",
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
