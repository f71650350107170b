"""`rmkit serve`: a live preview that rebuilds on change."""

from __future__ import annotations

from . import AUDIENCES


def add_parser(commands) -> None:
    parser = commands.add_parser("serve", help="live preview that rebuilds on change")
    parser.add_argument("--edition", metavar="ID")
    parser.add_argument("--audience", choices=AUDIENCES, default="mentor")
    parser.add_argument("--port", type=int, default=8000)


def run(args, root) -> int:
    from ..serve import serve

    return serve(root, edition=args.edition, audience=args.audience, port=args.port)
