"""`rmkit report`: session feedback → an offline report by module, role and segment."""

from __future__ import annotations

from pathlib import Path

from . import add_format, exit_code, print_findings


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "report", help="report the evaluation answers by module, role and segment, showing no individual")
    parser.add_argument("responses", nargs="+", type=Path, metavar="RESPONSES.csv",
                        help="response files in the layout of evaluation-template.csv, or survey exports with --map")
    parser.add_argument("--map", type=Path, dest="map_file", metavar="FILE",
                        help="YAML: the export's column header → template column or question id (~: leave out)")
    parser.add_argument("--participants", type=Path, metavar="FILE",
                        help="the participants file of `rmkit pair`: breakdowns by tenure, function, profile, place")
    parser.add_argument("--pairs", type=Path, metavar="FILE",
                        help="the pairs file of `rmkit pair` (mentor_id,mentee_id): response rates")
    parser.add_argument("--language", help="the report's language (default: the program's source language)")
    parser.add_argument("--min-group", type=_positive, default=None, metavar="N",
                        help="hide any figure drawn from fewer than N people (default: 5)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: report/)")
    parser.add_argument("--no-pdf", action="store_true", help="write only index.html, not report.pdf")
    add_format(parser)


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run(args, root) -> int:
    from ..report import DEFAULT_MIN_GROUP, make_report

    outcome = make_report(root, args.responses, map_file=args.map_file, participants=args.participants,
                          pairs=args.pairs, language=args.language,
                          min_group=args.min_group or DEFAULT_MIN_GROUP,
                          out=args.out, pdf=not args.no_pdf)
    if args.format != "text" or outcome.findings:
        print_findings(outcome.findings, args.format)
    if args.format == "text":
        print(outcome.summary())
    return exit_code(outcome.findings, False)
