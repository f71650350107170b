"""The command line: parse arguments, call the public API, map outcomes to exit codes.

Exit codes: 0 no error, 1 findings with an error (or warnings under --strict), 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .findings import RmkitError, UsageError, codes_reference
from .reporters import REPORTERS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
AUDIENCES = ("mentor", "mentee")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 on usage errors: keep that, with our wording
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"rmkit: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rmkit", description="Curricula for reverse-mentoring programs: "
                     "validate, translate and build mentor guides and mentee workbooks.")
    parser.add_argument("-C", dest="directory", type=Path, default=Path("."),
                        help="run in this project directory (default: the current one)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="check the curriculum, editions and translations")
    validate.add_argument("--format", choices=sorted(REPORTERS), default="text")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")

    build = commands.add_parser("build", help="build the mentor guide and mentee workbook of every edition")
    build.add_argument("--edition", action="append", dest="editions", metavar="ID",
                       help="build only this edition (repeatable)")
    build.add_argument("--audience", choices=AUDIENCES)
    build.add_argument("--out", type=Path, default=None, help="output directory (default: site/)")
    build.add_argument("--strict", action="store_true", help="fail on warnings too")
    build.add_argument("--jobs", type=int, default=None, help="parallel site builds (default: CPU count)")
    build.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs")
    build.add_argument("--format", choices=sorted(REPORTERS), default="text")

    serve = commands.add_parser("serve", help="live preview that rebuilds on change")
    serve.add_argument("--edition", metavar="ID")
    serve.add_argument("--audience", choices=AUDIENCES, default="mentor")
    serve.add_argument("--port", type=int, default=8000)

    init = commands.add_parser("init", help="create a new project that validates and builds")
    init.add_argument("target", type=Path, metavar="DIR")

    schema = commands.add_parser("schema", help="JSON Schemas for editors")
    schema_commands = schema.add_subparsers(dest="schema_command", required=True, parser_class=_Parser)
    export = schema_commands.add_parser("export", help="write the JSON Schemas into DIR")
    export.add_argument("target", type=Path, metavar="DIR")

    commands.add_parser("codes", help="print the reference of every finding code (Markdown)")

    editions = commands.add_parser("editions", help="list every edition × audience (for CI fan-out)")
    editions.add_argument("--format", choices=("text", "json"), default="text")

    i18n = commands.add_parser("i18n", help="gettext catalogs of the content")
    i18n_commands = i18n.add_subparsers(dest="i18n_command", required=True, parser_class=_Parser)
    i18n_commands.add_parser("extract", help="write locales/curriculum.pot")
    update = i18n_commands.add_parser("update", help="create or update each language's catalog")
    update.add_argument("--language", action="append", dest="languages", metavar="L")
    status = i18n_commands.add_parser("status", help="translation progress per language")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.add_argument("--fail-under", type=float, default=None, metavar="PCT")
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = _parser().parse_args(argv)
    root: Path = args.directory
    if not root.is_dir():
        print(f"rmkit: error: {root} is not a directory", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _run(args, root)
    except RmkitError as e:
        sys.stdout.write(REPORTERS[getattr(args, "format", "text") if getattr(args, "format", "text") in REPORTERS
                                   else "text"](e.findings))
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    except UsageError as e:  # a usage mistake found late (e.g. an unknown --edition)
        print(f"rmkit: error: {e}", file=sys.stderr)
        return EXIT_USAGE


def _run(args, root: Path) -> int:
    if args.command == "validate":
        from .validate import validate_project

        _, findings = validate_project(root)
        sys.stdout.write(REPORTERS[args.format](findings))
        return _exit_code(findings, args.strict)
    if args.command == "build":
        from .build import build

        result = build(root, out=args.out, editions=args.editions, audience=args.audience,
                       strict=args.strict, jobs=args.jobs, engine=args.engine)
        if args.format != "text" or result.findings:
            sys.stdout.write(REPORTERS[args.format](result.findings))
        if args.format == "text":
            for line in result.summary():
                print(line)
        return _exit_code(result.findings, args.strict)
    if args.command == "serve":
        from .serve import serve

        return serve(root, edition=args.edition, audience=args.audience, port=args.port)
    if args.command == "init":
        from .scaffold import create_project

        target = args.target if args.target.is_absolute() else root / args.target
        try:
            create_project(target)
        except FileExistsError as e:
            print(f"rmkit: error: {e}", file=sys.stderr)
            return EXIT_USAGE
        print(f"created {target}: run `rmkit -C {target} build` to build it")
        return EXIT_OK
    if args.command == "schema":
        from .schema import export_schemas

        target = args.target if args.target.is_absolute() else root / args.target
        for path in export_schemas(target):
            print(f"wrote {path}")
        return EXIT_OK
    if args.command == "codes":
        sys.stdout.write(codes_reference())
        return EXIT_OK
    if args.command == "editions":
        from .build import list_targets

        return list_targets(root, args.format)
    if args.command == "i18n":
        from . import catalogs

        return catalogs.run_command(root, args)
    raise AssertionError(args.command)


def _exit_code(findings, strict: bool) -> int:
    if any(f.is_error for f in findings) or (strict and findings):
        return EXIT_FINDINGS
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
