"""`rmkit codes`: the reference of every finding code (Markdown)."""

from __future__ import annotations

import sys

from . import EXIT_OK


def add_parser(commands) -> None:
    commands.add_parser("codes", help="print the reference of every finding code (Markdown)")


def run(args, root) -> int:
    from ..findings import codes_reference

    sys.stdout.write(codes_reference())
    return EXIT_OK
