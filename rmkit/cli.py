"""The command line: parse arguments, call the public API, map outcomes to exit codes.

Exit codes: 0 no error, 1 findings with an error (or warnings under --strict), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from .commands import AUDIENCES, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE  # noqa: F401 (re-exported)
from .findings import RmkitError, UsageError
from .reporters import REPORTERS

# The commands, in the order `rmkit --help` lists them: each is a module of rmkit.commands
# with `add_parser(commands)` and `run(args, root) -> int`.
COMMANDS = ("validate", "build", "serve", "init", "schema", "codes", "editions", "i18n", "package",
            "pair", "report")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 on usage errors: keep that, with our wording
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"rmkit: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rmkit", description="Curricula for reverse-mentoring programs: "
                     "validate, translate and build mentor guides and mentee workbooks.")
    parser.add_argument("-C", dest="directory", type=Path, default=Path("."),
                        help="run in this project directory (default: the current one)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        _command(name).add_parser(commands)
    return parser


def _command(name: str):
    return importlib.import_module(f".commands.{name}", __package__)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = _parser().parse_args(argv)
    root: Path = args.directory
    if not root.is_dir():
        print(f"rmkit: error: {root} is not a directory", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _run(args, root)
    except RmkitError as e:
        sys.stdout.write(REPORTERS[getattr(args, "format", "text") if getattr(args, "format", "text") in REPORTERS
                                   else "text"](e.findings))
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    except UsageError as e:  # a usage mistake found late (e.g. an unknown --edition)
        print(f"rmkit: error: {e}", file=sys.stderr)
        return EXIT_USAGE


def _run(args, root: Path) -> int:
    return _command(args.command).run(args, root)


if __name__ == "__main__":
    sys.exit(main())
