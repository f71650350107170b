"""Working days of an edition: public holidays, weekends and company closures.

Public holidays and weekend days come from the `holidays` library, per country (and
`subdivision`, e.g. a German Land), named in the edition's language where the library
has that language and in English otherwise. Closures (`closed:` in editions.yml) are the
company's own days off. Resolving an edition asks this module where each session can
meet; validation asks it whether a start date falls on a day off.
"""

from __future__ import annotations

import datetime
import re
import warnings
import zoneinfo
from dataclasses import dataclass
from functools import cache

HOLIDAY_POLICIES = ("shift", "flag", "ignore")
DEFAULT_HOLIDAY_POLICY = "shift"
# Monday to Friday work where the library knows nothing of a country.
DEFAULT_WEEKEND = frozenset({5, 6})
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


@dataclass(frozen=True)
class DayOff:
    """Why nobody meets on `date`."""

    date: datetime.date
    kind: str  # "holiday" | "closure" | "weekend" | "taken" (the session before was moved to it)
    names: tuple[str, ...] = ()  # the holidays' names, in the edition's language where the library has it
    estimated: bool = False  # a lunar holiday whose date the library computes, not an official one


@dataclass(frozen=True)
class Closure:
    """Days the company is closed, both ends included."""

    first: datetime.date
    last: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


class WorkingDays:
    """The days an edition's pairs can meet: not a public holiday, a weekend day or a closure."""

    def __init__(self, country: str, *, subdivision: str | None = None, language: str | None = None,
                 closures: tuple[Closure, ...] = ()):
        self.country = country
        self.closures = closures
        self.public = public_holidays(country, subdivision, holiday_language(country, language))
        # An estimated holiday's name carries the library's "(estimated)" label, in its language.
        self._estimated_mark = _estimated_mark(self.public)

    def day_off(self, day: datetime.date) -> DayOff | None:
        """Why `day` is not a working day, or None if it is one. A holiday says more than a weekend."""
        if self.public is not None and self._public_holiday(day):
            names = tuple(self.public.get_list(day))
            estimated = bool(self._estimated_mark) and any(self._estimated_mark in n for n in names)
            return DayOff(day, "holiday", names, estimated)
        if any(day in closure for closure in self.closures):
            return DayOff(day, "closure")
        if self._weekend_day(day):
            return DayOff(day, "weekend")
        return None

    def _public_holiday(self, day: datetime.date) -> bool:
        with warnings.catch_warnings():
            # Past the years it has data for, the library warns (once per year asked); the
            # weekend and closures still apply.
            warnings.simplefilter("ignore")
            return day in self.public

    def _weekend_day(self, day: datetime.date) -> bool:
        if self.public is None:
            return day.weekday() in DEFAULT_WEEKEND
        # Some countries work on some weekend days (e.g. to bridge a holiday): the library lists them.
        return day.weekday() in self.public.weekend and day not in getattr(self.public, "weekend_workdays", ())

    def next_working_day(self, day: datetime.date) -> datetime.date:
        """`day` itself if it is a working day, else the first working day after it."""
        while self.day_off(day) is not None:
            day += datetime.timedelta(days=1)
        return day


def holiday_language(country: str, language: str | None) -> str | None:
    """The library's language closest to the edition's: its own, else English, else the country's default."""
    entity = _holiday_class(country)
    if entity is None or not language:
        return None
    supported = tuple(getattr(entity, "supported_languages", ()) or ())
    base = language.replace("-", "_").split("_")[0]
    for wanted in (f"{base}_{country}", language.replace("-", "_"), base):
        if wanted in supported:
            return wanted
    same = [s for s in supported if s.split("_")[0] == base]
    if same:
        return same[0]
    for english in (f"en_{country}", "en_US", "en_GB"):
        if english in supported:
            return english
    return next((s for s in supported if s.startswith("en")), None)


@cache
def public_holidays(country: str, subdivision: str | None, language: str | None):
    """The library's holidays of a country (None if it has none), years added as they are asked for."""
    entity = _holiday_class(country)
    if entity is None:
        return None
    return entity(subdiv=subdivision, language=language)


@cache
def _holiday_class(country: str):
    """The library's class for a country, or None if it does not know the country.

    Only that country's module is imported: listing the supported countries imports all.
    """
    import importlib

    from holidays.registry import COUNTRIES  # only editions with dates need the library

    for module, names in COUNTRIES.items():
        if names[1] == country:
            return getattr(importlib.import_module(f"holidays.countries.{module}"), country)
    return None


def has_public_holidays(country: str) -> bool:
    return _holiday_class(country) is not None


def subdivisions(country: str) -> tuple[str, ...]:
    """The subdivision codes (and aliases) the library accepts for a country."""
    entity = _holiday_class(country)
    if entity is None:
        return ()
    aliases = entity.get_subdivision_aliases() if hasattr(entity, "get_subdivision_aliases") else {}
    return tuple(entity.subdivisions) + tuple(a for a in aliases if a not in entity.subdivisions)


def _estimated_mark(public) -> str:
    """The part the library adds to an estimated holiday's name, e.g. " (estimated)", "(تقديري)"."""
    if public is None or not getattr(public, "estimated_label", None):
        return ""
    label = public.tr(public.estimated_label)
    return label.replace("%s", "").strip() if "%s" in label else ""


def closures_of(entry: dict) -> tuple[Closure, ...]:
    """The `closed:` list of a validated edition entry."""
    out = []
    for item in entry.get("closed", []):
        if isinstance(item, dict):
            out.append(Closure(datetime.date.fromisoformat(item["from"]), datetime.date.fromisoformat(item["to"])))
        else:
            day = datetime.date.fromisoformat(item)
            out.append(Closure(day, day))
    return tuple(out)


def working_days_of(entry: dict, language: str | None) -> WorkingDays:
    return WorkingDays(entry["country"], subdivision=entry.get("subdivision"), language=language,
                       closures=closures_of(entry))


def session_time(text: str) -> datetime.time | None:
    """`"HH:MM"` as a time of day, or None if it is not one."""
    match = _TIME.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return datetime.time(int(match.group(1)), int(match.group(2)))


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def known_timezone(name: str) -> bool:
    """Whether `name` is an IANA time zone this machine's time zone database holds."""
    return name in _zones()


# -- validation of the keys that date an edition's sessions ---------------------------------

def check_edition_calendar(editions, i: int, entry: dict, country_profile: dict | None) -> list:
    """Findings on an edition's `session_time`, `timezone`, `subdivision`, `closed` and start day.

    `editions` is the validated editions.yml Document; `country_profile` the data of the
    edition's country profile, if it passed its schema.
    """
    from .loader import join_pointer

    def at(*tokens) -> str:
        return join_pointer("editions", i, *tokens)

    out = []
    name = entry["id"]
    if "session_time" in entry and session_time(entry["session_time"]) is None:
        out.append(editions.locate("invalid-time", at("session_time"),
                                   f"session_time {entry['session_time']} of edition '{name}' is not a time of day"))
    if "timezone" in entry and not known_timezone(entry["timezone"]):
        out.append(editions.locate("unknown-timezone", at("timezone"),
                                   f"edition '{name}' names time zone '{entry['timezone']}', which is not an IANA "
                                   f"time zone"))
    zone = entry.get("timezone") or (country_profile or {}).get("timezone")
    if "session_time" in entry and not zone and country_profile is not None:
        out.append(editions.locate("session-time-without-timezone", at("session_time"),
                                   f"edition '{name}' sets session_time but neither it nor the profile of "
                                   f"{entry['country']} names a time zone: its calendar file has all-day events"))
    country = entry["country"]
    policy = entry.get("holidays", DEFAULT_HOLIDAY_POLICY)
    if "subdivision" in entry and has_public_holidays(country) and entry["subdivision"] not in subdivisions(country):
        out.append(editions.locate("unknown-subdivision", at("subdivision"),
                                   f"edition '{name}' names subdivision '{entry['subdivision']}', which the "
                                   f"public holidays of {country} do not have",
                                   hint="Subdivisions of " + country + ": " + ", ".join(subdivisions(country)) + "."))
    closures_valid = True
    for c, item in enumerate(entry.get("closed", [])):
        ends = [(at("closed", c, key), item[key]) for key in ("from", "to")] if isinstance(item, dict) \
            else [(at("closed", c), item)]
        days = []
        for pointer, text in ends:
            try:
                days.append(datetime.date.fromisoformat(text))
            except ValueError:
                closures_valid = False
                out.append(editions.locate("invalid-date", pointer, f"closed date {text} is not a calendar date"))
        if len(days) == 2 and days[1] < days[0]:
            closures_valid = False
            out.append(editions.locate("invalid-closure", at("closed", c, "to"),
                                       f"closure of edition '{name}' ends on {days[1]}, before it starts on {days[0]}"))
    if "start_date" in entry and policy != "ignore":
        try:
            start = datetime.date.fromisoformat(entry["start_date"])
        except ValueError:
            return out  # reported as invalid-date
        if not has_public_holidays(country):
            out.append(editions.locate("no-public-holidays", at("country"),
                                       f"rmkit knows no public holidays of {country}: sessions of edition '{name}' "
                                       f"move off weekends and closures only"))
        if closures_valid and not any(f.code == "unknown-subdivision" for f in out):
            day_off = working_days_of(entry, "en").day_off(start)
            if day_off is not None:
                why = {"holiday": "a public holiday (" + "; ".join(day_off.names) + ")",
                       "closure": "a day the company is closed", "weekend": "a weekend day"}[day_off.kind]
                out.append(editions.locate("start-on-day-off", at("start_date"),
                                           f"start_date {start} of edition '{name}' is {why} in {country}"))
    return out


def check_country_timezone(document) -> list:
    """A country profile's `timezone` must be an IANA time zone."""
    zone = document.data.get("timezone")
    if zone is None or known_timezone(zone):
        return []
    return [document.locate("unknown-timezone", "/timezone",
                            f"country profile {document.data['country']} names time zone '{zone}', "
                            f"which is not an IANA time zone")]
