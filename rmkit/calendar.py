"""Calendar files: an edition's sessions for one audience, as iCalendar (RFC 5545).

One explicit event per session the audience attends (no recurrence rule: a session moved
off a holiday moves alone), on the dates of the resolved edition. With a time zone and a
`session_time`, events are timed in that zone and the file carries the zone's definition
(`VTIMEZONE`); without, they are all-day events and the description says how long to
book. Texts come from the resolved edition (translated, placeholders filled) and the ui
catalog, through the `calendar-event.txt.j2` template.

The file is the same, byte for byte, for the same edition and the same stamp: `DTSTAMP`
is `SOURCE_DATE_EPOCH` when set; otherwise it is the stamp of the file written last time
if nothing else in it changed (so that an unchanged calendar does not change the site),
else today at midnight UTC (as MkDocs dates its sitemap: builds of the same day agree).
"""

from __future__ import annotations

import datetime
import os
import re
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import icalendar

from .resolve import Edition, Meeting

CALENDAR_FILE = "calendar.ics"
_STAMP = re.compile(rb"^DTSTAMP:[0-9]{8}T[0-9]{6}Z\r$", re.MULTILINE)
PRODUCT = "-//rmkit//Reverse mentoring calendar//EN"


def session_objectives(module: dict, session: dict) -> list[dict]:
    """The objectives a session works on: those its exercises serve, else all of its module's."""
    exercises = {e["id"]: e for e in module.get("exercises", [])}
    served = {objective for item in session.get("agenda", []) if item.get("exercise") in exercises
              for objective in exercises[item["exercise"]].get("objectives", [])}
    chosen = [o for o in module.get("objectives", []) if o["id"] in served]
    return chosen or list(module.get("objectives", []))


def event_uid(edition: Edition, audience: str, meeting: Meeting) -> str:
    """The same on every build, different for every session, audience, edition and program."""
    return (f"{meeting.session['id']}.{meeting.module['id']}.{audience}.{edition.id}"
            f"@{edition.program['id']}.rmkit")


def timed(edition: Edition) -> bool:
    return edition.session_time is not None and edition.timezone is not None


def calendar_file(edition: Edition, audience: str, *, name: str, describe: Callable[[Meeting, str], str],
                  address: Callable[[Meeting], str], previous: Path | None = None) -> bytes | None:
    """The audience's calendar of a dated edition (None for an undated one).

    `name` is the site's name; `address(meeting)` the address of the session on its module
    page; `describe(meeting, address)` the event's description. `previous`: the file as
    written by the last build, whose stamp is kept if nothing else changed.
    """
    meetings = [m for m in edition.calendar_for(audience) if m.date is not None]
    if edition.start_date is None or not meetings:
        return None

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        stamp = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    else:
        stamp = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    data = _calendar(edition, audience, meetings, name, describe, address, stamp).to_ical()
    if not epoch and previous is not None and previous.is_file():
        # The stamp of the file written before, if nothing else changed. (A stamp line is
        # never folded: it is 24 octets long.)
        before = previous.read_bytes()
        kept = _STAMP.search(before)
        if kept and _STAMP.sub(lambda _: kept.group(0), data) == before:
            return before
    return data


def _calendar(edition: Edition, audience: str, meetings: list[Meeting], name: str,
              describe: Callable[[Meeting, str], str], address: Callable[[Meeting], str],
              stamp: datetime.datetime) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    zone = zoneinfo.ZoneInfo(edition.timezone) if timed(edition) else None
    if zone is not None:
        calendar.add("x-wr-timezone", edition.timezone)
    language = {"LANGUAGE": edition.id}
    for meeting in meetings:
        event = icalendar.Event()
        event.add("uid", event_uid(edition, audience, meeting))
        event.add("dtstamp", stamp)
        if zone is not None:
            start = datetime.datetime.combine(meeting.date, edition.session_time, tzinfo=zone)
            event.add("dtstart", start)
            event.add("dtend", start + datetime.timedelta(minutes=meeting.session["minutes"]))
        else:
            # A day to find the time in, not a day taken: the event does not show as busy.
            event.add("dtstart", meeting.date)
            event.add("dtend", meeting.date + datetime.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        event.add("summary", f"{meeting.session['title']} · {meeting.module['title']}", parameters=language)
        link = address(meeting)
        event.add("description", describe(meeting, link).strip(), parameters=language)
        if "://" in link:
            event.add("url", link)
        calendar.add_component(event)
    if zone is not None:
        first, last = meetings[0].date, meetings[-1].date
        calendar.add_missing_timezones(first_date=datetime.date(first.year, 1, 1),
                                       last_date=datetime.date(last.year + 1, 1, 1))
    return calendar
