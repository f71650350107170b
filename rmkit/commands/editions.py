"""`rmkit editions`: every edition × audience, for CI fan-out."""

from __future__ import annotations


def add_parser(commands) -> None:
    parser = commands.add_parser("editions", help="list every edition × audience (for CI fan-out)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args, root) -> int:
    from ..build import list_targets

    return list_targets(root, args.format)
