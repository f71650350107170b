"""Stage 3, resolve: one edition of the program, as its readers will see it.

An edition picks the program's modules (minus `modules.exclude`), translates every text
through its language's catalog, fills the placeholders from its country's profile, and
dates the calendar from its `start_date`, each session on a working day of its country
(`workdays.py`). Everything here is data; nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError

from .model import DEFAULT_LEARNER_PROFILES, for_mentors_only, map_texts
from .project import Project
from .text import fill
from .workdays import DEFAULT_HOLIDAY_POLICY, DayOff, WorkingDays, session_time, working_days_of

@dataclass(frozen=True)
class Meeting:
    """One session in the calendar: the n-th meeting of the pair."""

    number: int
    module: dict
    session: dict
    week: int
    date: datetime.date | None  # the day the pair meets
    # The day the cadence gives, when it is not a working day: the session moved from it
    # (`holidays: shift`) or stays on it, flagged (`holidays: flag`).
    day_off: DayOff | None = None

    @property
    def moved(self) -> bool:
        return self.day_off is not None and self.day_off.date != self.date

    @property
    def flagged(self) -> bool:
        return self.day_off is not None and self.day_off.date == self.date


@dataclass
class Edition:
    id: str
    language: str
    country: str
    locale: Locale
    title: str
    program: dict
    modules: list[dict]
    country_profile: dict
    start_date: datetime.date | None
    calendar: list[Meeting] = field(default_factory=list)
    # Where and when the pairs meet: an IANA zone, a local time of day (None: no set hour).
    timezone: str | None = None
    session_time: datetime.time | None = None
    holidays: str = DEFAULT_HOLIDAY_POLICY  # shift | flag | ignore
    # Source texts shown untranslated (missing or fuzzy in the catalog).
    untranslated: set[str] = field(default_factory=set)
    # The edition's `pdf` settings in editions.yml (page_size), for the printed outputs.
    pdf: dict = field(default_factory=dict)

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def learner_profiles(self) -> list[dict]:
        return self.program.get("learner_profiles") or list(DEFAULT_LEARNER_PROFILES)

    def modules_for(self, audience: str) -> list[dict]:
        """The modules an audience sees: mentors see all, mentees not those for mentors only."""
        return [m for m in self.modules if audience == "mentor" or not for_mentors_only("module", m)]

    def calendar_for(self, audience: str) -> list[Meeting]:
        """The meetings an audience attends, numbered from 1; dates and weeks stay as planned."""
        shown = {m["id"] for m in self.modules_for(audience)}
        meetings = [m for m in self.calendar if m.module["id"] in shown]
        return [dataclasses.replace(m, number=n) for n, m in enumerate(meetings, start=1)]


def edition_locale(language: str, country: str) -> Locale:
    """The Babel locale of an edition: language and country together when Babel knows them."""
    for candidate in (f"{language}_{country}", language):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


def edition_entries(project: Project) -> list[dict]:
    """The editions as written in locales/editions.yml (the project must have validated)."""
    return list(project.editions.data["editions"]) if project.editions else []


def selected_modules(project: Project, entry: dict) -> list[str]:
    excluded = set(entry.get("modules", {}).get("exclude", []))
    return [m for m in project.program.data["modules"] if m not in excluded]


def resolve_edition(project: Project, entry: dict, translations=None) -> Edition:
    """The edition `entry` of a validated project, translated and filled for its country."""
    country = project.countries[entry["country"]].data
    values = country.get("vars", {})
    gettext = translations.gettext if translations is not None else (lambda text: text)

    def localize(kind: str, data: dict) -> dict:
        return map_texts(kind, data, lambda text, _field: fill(gettext(text), values))

    program = localize("program", project.program.data)
    modules = [localize("module", project.modules[m].data) for m in selected_modules(project, entry)]
    title = fill(gettext(entry["title"]), values) if "title" in entry else program["title"]
    start = datetime.date.fromisoformat(entry["start_date"]) if "start_date" in entry else None
    edition = Edition(
        id=entry["id"], language=entry["language"], country=entry["country"],
        locale=edition_locale(entry["language"], entry["country"]), title=title, program=program,
        modules=modules, country_profile=localize("country", country), start_date=start,
        pdf=dict(entry.get("pdf") or {}),
    )
    edition.timezone = entry.get("timezone") or country.get("timezone")
    edition.session_time = session_time(entry["session_time"]) if "session_time" in entry else None
    edition.holidays = entry.get("holidays", DEFAULT_HOLIDAY_POLICY)
    working_days = working_days_of(entry, entry["language"]) if start and edition.holidays != "ignore" else None
    edition.calendar = plan_meetings(modules, program["cadence"]["every_weeks"], start,
                                     working_days, flag_only=edition.holidays == "flag")
    if translations is not None:
        edition.untranslated = set(translations.fallbacks)
    return edition


def plan_meetings(modules: list[dict], every_weeks: int, start: datetime.date | None,
                  working_days: WorkingDays | None = None, *, flag_only: bool = False) -> list[Meeting]:
    """Sessions in module order, one meeting every `every_weeks` weeks from the start.

    A session whose day is not a working day moves to the next one (or, `flag_only`, stays
    and says why). Each moves on its own: the sessions after it keep their planned days, unless
    a closure longer than the cadence pushed the one before onto or past it. Two sessions never
    share a day: a session moves to the first working day after the one before it.
    """
    meetings = []
    for module in modules:
        for session in module["sessions"]:
            n = len(meetings)
            week = 1 + n * every_weeks
            date = start + datetime.timedelta(weeks=n * every_weeks) if start else None
            day_off = working_days.day_off(date) if date and working_days else None
            if date and working_days and not flag_only:
                previous = meetings[-1].date if meetings else None
                if previous is not None and date <= previous:
                    day_off = day_off or DayOff(date, "taken")
                    date = previous + datetime.timedelta(days=1)
                date = working_days.next_working_day(date)
            meetings.append(Meeting(n + 1, module, session, week, date, day_off))
    return meetings
