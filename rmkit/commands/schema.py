"""`rmkit schema export DIR`: the JSON Schemas, for editor completion."""

from __future__ import annotations

from pathlib import Path

from . import EXIT_OK


def add_parser(commands) -> None:
    schema = commands.add_parser("schema", help="JSON Schemas for editors")
    schema_commands = schema.add_subparsers(dest="schema_command", required=True,
                                            parser_class=type(schema))
    export = schema_commands.add_parser("export", help="write the JSON Schemas into DIR")
    export.add_argument("target", type=Path, metavar="DIR")


def run(args, root) -> int:
    from ..schema import export_schemas

    target = args.target if args.target.is_absolute() else root / args.target
    for path in export_schemas(target):
        print(f"wrote {path}")
    return EXIT_OK
