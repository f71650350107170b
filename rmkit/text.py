"""Rules for text fields: placeholders (`{name}`, `{group.name}`, `{{`/`}}`).

What a text may hold as Markdown (no raw HTML, links and images) is content_rules.py's.

Placeholders use Python's format syntax, parsed by `string.Formatter`, so gettext tools
check them with the `python-brace-format` flag.
"""

from __future__ import annotations

import re
import string

_formatter = string.Formatter()
PLACEHOLDER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)?")


class PlaceholderError(ValueError):
    """The text's braces do not form placeholders."""


def placeholders(text: str) -> set[str]:
    """The placeholder names in `text`. Raises PlaceholderError on malformed braces."""
    if "{" not in text and "}" not in text:
        return set()
    names = set()
    try:
        for _literal, name, spec, conversion in _formatter.parse(text):
            if name is None:
                continue
            if spec or conversion or not PLACEHOLDER_NAME.fullmatch(name):
                raise PlaceholderError(f"'{{{name}{'!' + conversion if conversion else ''}"
                                       f"{':' + spec if spec else ''}}}' is not a placeholder")
            names.add(name)
    except ValueError as e:
        if isinstance(e, PlaceholderError):
            raise
        raise PlaceholderError(str(e).replace("Single", "a single")) from None
    return names


def fill(text: str, values: dict) -> str:
    """`text` with its placeholders replaced from a country's `vars` and braces unescaped.

    Callers validate first: an unknown name raises KeyError.
    """
    if "{" not in text and "}" not in text:
        return text
    out = []
    for literal, name, _spec, _conversion in _formatter.parse(text):
        out.append(literal)
        if name is not None:
            out.append(str(lookup(values, name)))
    return "".join(out)


def lookup(values: dict, name: str):
    group, _, key = name.partition(".")
    value = values[group]
    if key:
        if not isinstance(value, dict):
            raise KeyError(name)
        value = value[key]
    elif isinstance(value, dict):
        raise KeyError(name)
    return value


def defined(values: dict, name: str) -> bool:
    try:
        lookup(values, name)
    except (KeyError, TypeError):
        return False
    return True
