"""`rmkit build`: the mentor guide and mentee workbook of every edition, as sites and PDFs."""

from __future__ import annotations

from pathlib import Path

from . import AUDIENCES, add_format, exit_code, report


def add_parser(commands) -> None:
    parser = commands.add_parser("build", help="build the mentor guide and mentee workbook of every edition")
    parser.add_argument("--edition", action="append", dest="editions", metavar="ID",
                        help="build only this edition (repeatable)")
    parser.add_argument("--audience", choices=AUDIENCES)
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: site/)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--jobs", type=int, default=None, help="parallel site builds (default: CPU count)")
    parser.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs")
    parser.add_argument("--no-pdf", dest="pdfs", action="store_false",
                        help="make no PDF (the sites then link to none)")
    parser.add_argument("-q", "--quiet", action="store_true", help="show no progress while building")
    add_format(parser)


def run(args, root) -> int:
    from ..build import build
    from ..progress import Progress

    progress = None if args.quiet else Progress()
    result = build(root, out=args.out, editions=args.editions, audience=args.audience,
                   strict=args.strict, jobs=args.jobs, engine=args.engine, pdfs=args.pdfs, progress=progress)
    if args.format != "text" or result.findings:
        report(result.findings, args.format)
    if args.format == "text":
        for line in result.summary():
            print(line)
    return exit_code(result.findings, args.strict)
