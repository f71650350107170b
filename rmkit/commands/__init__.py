"""One module per command: each has `add_parser(commands)` and `run(args, root) -> int`.

`rmkit.cli` lists them in `COMMANDS`, in the order `rmkit --help` shows them.
"""

from __future__ import annotations

import sys

from ..reporters import REPORTERS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
AUDIENCES = ("mentor", "mentee")


def exit_code(findings, strict: bool) -> int:
    if any(f.is_error for f in findings) or (strict and findings):
        return EXIT_FINDINGS
    return EXIT_OK


def add_format(parser, choices=None) -> None:
    parser.add_argument("--format", choices=choices or sorted(REPORTERS), default="text")


def report(findings, output_format: str = "text") -> None:
    sys.stdout.write(REPORTERS[output_format](findings))
