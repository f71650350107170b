"""`rmkit i18n extract|update|status`: the gettext round trip for translators."""

from __future__ import annotations


def add_parser(commands) -> None:
    i18n = commands.add_parser("i18n", help="gettext catalogs of the content")
    i18n_commands = i18n.add_subparsers(dest="i18n_command", required=True, parser_class=type(i18n))
    i18n_commands.add_parser("extract", help="write locales/curriculum.pot")
    update = i18n_commands.add_parser("update", help="create or update each language's catalog")
    update.add_argument("--language", action="append", dest="languages", metavar="L")
    update.add_argument("--plural-forms", choices=("catalog", "cldr"), default="catalog",
                        help="keep each catalog's plural rule (default), or migrate it to the installed "
                             "Babel's (CLDR) rule, marking the plural entries fuzzy for the translator")
    status = i18n_commands.add_parser("status", help="translation progress per language")
    status.add_argument("--format", choices=("text", "json"), default="text")
    status.add_argument("--fail-under", type=float, default=None, metavar="PCT")


def run(args, root) -> int:
    from .. import catalogs

    return catalogs.run_command(root, args)
