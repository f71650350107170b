"""`rmkit package`: each edition × audience as an LMS package (SCORM 1.2, SCORM 2004, cmi5) or a zip."""

from __future__ import annotations

from pathlib import Path

from ..reporters import REPORTERS
from . import AUDIENCES, exit_code, report


def add_parser(commands) -> None:
    from ..package import FORMATS

    parser = commands.add_parser("package", help="package each edition and audience for an LMS (SCORM, cmi5) or as a zip")
    parser.add_argument("--format", action="append", dest="formats", choices=FORMATS, metavar="FORMAT",
                        help=f"package format, one of {', '.join(FORMATS)} (repeatable; default: the formats "
                             f"program.yml lists under packages:, else zip)")
    parser.add_argument("--edition", action="append", dest="editions", metavar="ID",
                        help="package only this edition (repeatable)")
    parser.add_argument("--audience", choices=AUDIENCES)
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: dist/)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--jobs", type=int, default=None, help="parallel site builds (default: CPU count)")
    parser.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs")
    # --format names the package format here:
    # the findings' report format is --report.
    parser.add_argument("--report", dest="format", choices=sorted(REPORTERS), default="text",
                        help="how findings are reported (default: text)")


def run(args, root) -> int:
    from ..package import package

    result = package(root, out=args.out, formats=args.formats, editions=args.editions, audience=args.audience,
                     strict=args.strict, jobs=args.jobs, engine=args.engine)
    if args.format != "text" or result.findings:
        report(result.findings, args.format)
    if args.format == "text":
        for line in result.summary():
            print(line)
    return exit_code(result.findings, args.strict)
