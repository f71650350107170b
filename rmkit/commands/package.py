"""`rmkit package`: each edition × audience as an LMS package (SCORM 1.2, SCORM 2004, cmi5) or a zip."""

from __future__ import annotations

from ..reporters import REPORTERS
from . import add_build_options, report_result


def add_parser(commands) -> None:
    from ..package import FORMATS

    parser = commands.add_parser("package", help="package each edition and audience for an LMS (SCORM, cmi5) or as a zip")
    parser.add_argument("--format", action="append", dest="formats", choices=FORMATS, metavar="FORMAT",
                        help=f"package format, one of {', '.join(FORMATS)} (repeatable; default: the formats "
                             f"program.yml lists under packages:, else zip)")
    add_build_options(parser, only="package", out="dist/")
    # --format names the package format here:
    # the findings' report format is --report.
    parser.add_argument("--report", dest="format", choices=sorted(REPORTERS), default="text",
                        help="how findings are reported (default: text)")


def run(args, root) -> int:
    from ..package import package

    result = package(root, out=args.out, formats=args.formats, editions=args.editions, audience=args.audience,
                     strict=args.strict, jobs=args.jobs, engine=args.engine)
    return report_result(result, args)
