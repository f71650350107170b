"""`rmkit build`: the mentor guide and mentee workbook of every edition, as sites and PDFs."""

from __future__ import annotations

from . import add_build_options, add_format, report_result


def add_parser(commands) -> None:
    parser = commands.add_parser("build", help="build the mentor guide and mentee workbook of every edition")
    add_build_options(parser, only="build", out="site/")
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
    return report_result(result, args)
