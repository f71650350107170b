"""`rmkit validate`: check the curriculum, editions and translations."""

from __future__ import annotations

from . import add_format, exit_code, print_findings


def add_parser(commands) -> None:
    parser = commands.add_parser("validate", help="check the curriculum, editions and translations")
    add_format(parser)
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")


def run(args, root) -> int:
    from ..validate import validate_project

    _, findings = validate_project(root)
    print_findings(findings, args.format)
    return exit_code(findings, args.strict)
