"""Plural forms: which translation a count shows, as GNU gettext decides it.

The form shown for a count comes from the catalog's own `Plural-Forms` header, never from
the rule of the installed Babel: translators wrote their forms for that header, and a newer
Babel (newer CLDR data) may count the forms differently or in another order. Babel's rule
is used only to start a new catalog, and to tell when a catalog's rule differs from it
(`rmkit i18n update` warns; `--plural-forms cldr` migrates, see `migrate`).
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

# Counts a rule is compared on: every n up to 1,100 covers the n % 100 and n % 10 rules of
# gettext; the large ones cover the CLDR "many" forms (French, Spanish, Italian millions).
SAMPLES = (*range(0, 1100), 10_000, 100_000, 1_000_000, 2_000_000, 10_000_000, 1_000_000_000)


@dataclass(frozen=True)
class PluralForms:
    """A `Plural-Forms` rule: how many forms, and the C expression that picks one for n."""

    count: int
    expression: str

    @classmethod
    def parse(cls, header: str) -> "PluralForms":
        """`nplurals=2; plural=(n > 1);` → PluralForms; ValueError with the reason otherwise."""
        params = {}
        for part in header.split(";"):
            name, sep, value = part.partition("=")
            if sep:
                params[name.strip().lower()] = value.strip()
        try:
            count = int(params["nplurals"])
            expression = params["plural"]
        except (KeyError, ValueError):
            raise ValueError(f"'{header.strip()}' is not `nplurals=N; plural=EXPRESSION;`") from None
        forms = cls(count, expression)
        forms.index(0)  # raises ValueError for an expression gettext cannot evaluate
        if count < 1 or any(not 0 <= forms.index(n) < count for n in SAMPLES[:200]):
            raise ValueError(f"'{header.strip()}' picks a form outside 0…{count - 1}")
        return forms

    @property
    def header(self) -> str:
        return f"nplurals={self.count}; plural={self.expression};"

    def index(self, n: int) -> int:
        return _compiled(self.expression)(n)

    def same_as(self, other: "PluralForms") -> bool:
        """Whether both rules show the same form for every count (the text may differ)."""
        return self.count == other.count and all(self.index(n) == other.index(n) for n in SAMPLES)


@lru_cache(maxsize=64)
def _compiled(expression: str):
    try:
        return gettext.c2py(expression)  # the stdlib's own parser of gettext's C subset
    except (ValueError, SyntaxError, RecursionError) as e:
        raise ValueError(f"the plural expression '{expression}' is not valid: {e}") from None


def of_language(language: str) -> PluralForms:
    """The rule of the installed Babel (CLDR) for a language; English's for an unknown one."""
    try:
        Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return PluralForms(2, "(n != 1)")
    count, expression = get_plural(language)
    return PluralForms(count, expression)


def declared(catalog: Catalog) -> PluralForms | None:
    """The rule of a catalog's own `Plural-Forms` header, None when the header has none."""
    # Babel keeps the header's values apart from its locale's defaults until they are asked for.
    if catalog._num_plurals is None or catalog._plural_expr is None:
        return None
    return PluralForms(catalog._num_plurals, catalog._plural_expr)


def of_catalog(catalog: Catalog, language: str) -> PluralForms:
    """The rule that shows this catalog's forms: its header's, or else its language's."""
    return declared(catalog) or of_language(language)


def set_rule(catalog: Catalog, forms: PluralForms) -> None:
    catalog.mime_headers = [("Plural-Forms", forms.header)]


def migrate(catalog: Catalog, new: PluralForms) -> list[Message]:
    """Give `catalog` the rule `new`; returns the plural entries that changed, marked fuzzy.

    Each new form starts from the translation the old rule showed for the same count, so
    the translator reviews forms in the right places instead of retyping them.
    """
    old = of_catalog(catalog, str(catalog.locale or ""))
    set_rule(catalog, new)
    changed = []
    for message in catalog:
        if not (message.id and message.pluralizable and isinstance(message.string, (list, tuple))):
            continue
        strings = list(message.string) + [""] * max(0, old.count - len(message.string))
        remapped = []
        for form in range(new.count):
            sample = next((n for n in SAMPLES if new.index(n) == form), None)
            remapped.append(strings[old.index(sample)] if sample is not None else strings[-1])
        if tuple(remapped) != tuple(message.string) or old.count != new.count:
            message.string = tuple(remapped)
            if any(message.string):
                message.flags.add("fuzzy")
            changed.append(message)
    return changed
