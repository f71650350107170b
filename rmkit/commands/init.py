"""`rmkit init DIR`: a new project that validates and builds."""

from __future__ import annotations

import sys
from pathlib import Path

from . import EXIT_OK, EXIT_USAGE


def add_parser(commands) -> None:
    parser = commands.add_parser("init", help="create a new project that validates and builds")
    parser.add_argument("target", type=Path, metavar="DIR")


def run(args, root) -> int:
    from ..scaffold import create_project

    target = args.target if args.target.is_absolute() else root / args.target
    try:
        create_project(target)
    except FileExistsError as e:
        print(f"rmkit: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(f"created {target}: run `rmkit -C {target} build` to build it")
    return EXIT_OK
