"""One module per command: each has `add_parser(commands)` and `run(args, root) -> int`.

`rmkit.cli` lists them in `COMMANDS`, in the order `rmkit --help` shows them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..reporters import REPORTERS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
AUDIENCES = ("mentor", "mentee")


def exit_code(findings, strict: bool) -> int:
    if any(f.is_error for f in findings) or (strict and findings):
        return EXIT_FINDINGS
    return EXIT_OK


def add_format(parser, choices=None) -> None:
    parser.add_argument("--format", choices=choices or sorted(REPORTERS), default="text")


def print_findings(findings, output_format: str = "text") -> None:
    sys.stdout.write(REPORTERS[output_format](findings))


def add_build_options(parser, *, only: str, out: str) -> None:
    """The options of every command that runs the build's stages (`build`, `package`)."""
    parser.add_argument("--edition", action="append", dest="editions", metavar="ID",
                        help=f"{only} only this edition (repeatable)")
    parser.add_argument("--audience", choices=AUDIENCES)
    parser.add_argument("--out", type=Path, default=None, help=f"output directory (default: {out})")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--jobs", type=int, default=None, help="parallel site builds (default: CPU count)")
    parser.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs")


def report_result(result, args) -> int:
    """Findings, then the summary lines (text only), then the exit code."""
    if args.format != "text" or result.findings:
        print_findings(result.findings, args.format)
    if args.format == "text":
        for line in result.summary():
            print(line)
    return exit_code(result.findings, args.strict)
