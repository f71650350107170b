"""Dates, durations, numbers, lists and names in an edition's locale, all from Babel.

Durations go through Babel's units, not `format_timedelta`, which rounds 90 minutes
to "2 hours".
"""

from __future__ import annotations

import datetime

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit


class Formats:
    """The formatting functions templates use, bound to one locale.

    Results are kept: a site formats the same few durations and dates thousands of times.
    """

    def __init__(self, locale: Locale):
        self.locale = locale
        self._kept: dict[tuple, str] = {}

    def _keep(self, key: tuple, make) -> str:
        if key not in self._kept:
            self._kept[key] = make()
        return self._kept[key]

    def date(self, value: datetime.date) -> str:
        return self._keep(("date", value), lambda: format_date(value, format="long", locale=self.locale))

    def time(self, value: datetime.time) -> str:
        return self._keep(("time", value), lambda: format_time(value, format="short", locale=self.locale))

    def zone(self, name: str) -> str:
        """A time zone as people say it: 'Japan Time', '日本時間'."""
        return self._keep(("zone", name), lambda: get_timezone_location(name, locale=self.locale))

    def minutes(self, value: int) -> str:
        return self._unit(value, "duration-minute")

    def weeks(self, value: int) -> str:
        return self._unit(value, "duration-week")

    def _unit(self, value: int, unit: str) -> str:
        def make() -> str:
            # Some locales (ja) have no long pattern for some units: Babel then prints the
            # unit's id, so fall back to the short pattern, which every locale has.
            text = format_unit(value, unit, length="long", locale=self.locale)
            if unit in text:
                text = format_unit(value, unit, length="short", locale=self.locale)
            return text

        return self._keep((unit, value), make)

    def number(self, value) -> str:
        return self._keep(("number", value), lambda: format_decimal(value, locale=self.locale))

    def clock(self, minutes: int) -> str:
        """An offset into a session, `h:mm`, with the locale's digits for the hours."""
        return f"{self.number(minutes // 60)}:{minutes % 60:02d}"

    def list(self, items) -> str:
        items = [str(i) for i in items]
        return format_list(items, locale=self.locale) if items else ""

    def country_name(self, country: str) -> str:
        return self.locale.territories.get(country, country)


def own_name(locale: Locale) -> str:
    """A locale named in its own language: 'français (France)', '日本語 (日本)'."""
    language = locale.languages.get(locale.language, locale.language)
    if locale.territory:
        return f"{language} ({locale.territories.get(locale.territory, locale.territory)})"
    return language
