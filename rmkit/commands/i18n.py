"""`rmkit i18n extract|update|status`: the gettext round trip for translators.

The work on the catalogs is rmkit/catalogs.py's; this module validates the project first,
says what each step wrote, and maps the outcome to an exit code. Findings that stop the work
are printed as text, whatever the command's `--format`.
"""

from __future__ import annotations

import json
import sys

from . import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, print_findings


def add_parser(commands) -> None:
    i18n = commands.add_parser("i18n", help="gettext catalogs of the content")
    i18n_commands = i18n.add_subparsers(dest="i18n_command", required=True, parser_class=type(i18n))
    i18n_commands.add_parser("extract", help="write locales/curriculum.pot")
    update = i18n_commands.add_parser("update", help="create or update each language's catalog")
    update.add_argument("--language", action="append", dest="languages", metavar="L")
    update.add_argument("--plural-forms", choices=("catalog", "cldr"), default="catalog",
                        help="keep each catalog's plural rule (default), or migrate it to the installed "
                             "Babel's (CLDR) rule, marking the plural entries fuzzy for the translator")
    status = i18n_commands.add_parser("status", help="translation progress per language")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.add_argument("--fail-under", type=float, default=None, metavar="PCT")


def run(args, root) -> int:
    from ..findings import RmkitError

    try:
        if args.i18n_command == "extract":
            _extract(_project_for(root, catalogs_too=False))
            return EXIT_OK
        if args.i18n_command == "update":
            return _update(_project_for(root, catalogs_too=True), args.languages, args.plural_forms)
        if args.i18n_command == "status":
            return _status(_project_for(root, catalogs_too=True), args.format, args.fail_under)
    except RmkitError as e:
        print_findings(e.findings)
        return EXIT_FINDINGS
    raise AssertionError(args.i18n_command)


def _project_for(root, catalogs_too: bool):
    """The project, validated; raises with the errors that stop translation work.

    A translator's slip in one catalog (a lost placeholder) must not block extraction or
    merging; a catalog that cannot be read does block merging into it and counting it.
    """
    from ..findings import RmkitError
    from ..validate import validate_project

    project, findings = validate_project(root)
    blocking = [f for f in findings if f.is_error and
                (not f.file.endswith(".po") or (catalogs_too and f.code == "catalog-malformed"))]
    if blocking:
        raise RmkitError(blocking)
    return project


def _extract(project):
    from ..catalogs import template_path, write_template

    template, changed = write_template(project)
    print(f"{'wrote' if changed else 'unchanged'} {project.relative(template_path(project))}")
    return template


def _update(project, requested: list[str] | None, plural_forms: str = "catalog") -> int:
    from babel import __version__ as babel_version

    from ..catalogs import header_comment, translated_languages, update_catalog
    from ..reporters import report_text

    languages = translated_languages(project)
    unknown = [lang for lang in requested or [] if lang not in languages]
    if unknown:
        print(f"rmkit: error: no edition is translated into {', '.join(unknown)}; "
              f"translated languages: {', '.join(languages) or 'none'}", file=sys.stderr)
        return EXIT_USAGE
    template = _extract(project)  # the merge always starts from a fresh template
    header = header_comment(project.program.data, "catalog")
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


def _status(project, output: str, fail_under: float | None) -> int:
    from ..catalogs import catalog_status, extract_template, format_status, translated_languages

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
