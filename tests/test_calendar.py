"""Calendars people can book: working days (holidays, weekends, closures) and calendar.ics.

Projects are built on tmp_path from the starter: a mentor-only preparation module and four
one-session modules, one session every week, so that the sessions land on the days each test
names. Real public holidays of the `holidays` library: Golden Week (JP), Eid al-Adha (MA),
Whit Monday and Corpus Christi (DE, Bavaria), an English bank holiday (GB).
"""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import icalendar
import pytest

from rmkit.build import build
from rmkit.catalogs import load_translations
from rmkit.render import Renderer
from rmkit.resolve import Edition, edition_entries, resolve_edition
from rmkit.validate import validate_project

from .helpers import replace_once, starter_project

MODULES = ("preparation", "getting-started", "second-steps", "third-steps", "fourth-steps")
PROFILES = {"JP": "Asia/Tokyo", "MA": "Africa/Casablanca", "DE": "Europe/Berlin", "AE": "Asia/Dubai"}
EPOCH = 1_800_000_000  # 2027-01-15T08:00:00Z


def _project(tmp_path: Path, editions: str, mkdocs_yml: str | None = None) -> Path:
    """The starter with five modules (the first for mentors only), weekly sessions, and `editions`."""
    root = starter_project(tmp_path)
    modules = root / "curriculum" / "modules"
    source = (modules / "getting-started.yml").read_text(encoding="utf-8")
    for module_id in MODULES[1:]:
        title = module_id.replace("-", " ").capitalize()
        (modules / f"{module_id}.yml").write_text(
            source.replace("id: getting-started", f"id: {module_id}").replace("title: Getting started",
                                                                             f"title: {title}"), encoding="utf-8")
    (modules / "preparation.yml").write_text(
        source.replace("id: getting-started", "id: preparation")
        .replace("title: Getting started", "title: Mentor workshop\naudience: mentor")
        .replace("title: Kickoff", "title: Preparation workshop"), encoding="utf-8")
    replace_once(root / "curriculum" / "program.yml", "modules: [getting-started]",
                 f"modules: [{', '.join(MODULES)}]")
    replace_once(root / "curriculum" / "program.yml", "every_weeks: 4", "every_weeks: 1")
    countries = root / "locales" / "countries"
    gb = (countries / "GB.yml").read_text(encoding="utf-8")
    for country, zone in PROFILES.items():
        (countries / f"{country}.yml").write_text(
            gb.replace("country: GB", f"country: {country}").replace("Europe/London", zone), encoding="utf-8")
    for language in ("ja", "ar", "de"):  # empty catalogs: the editions show the source text
        catalog = root / "locales" / language / "LC_MESSAGES" / "curriculum.po"
        catalog.parent.mkdir(parents=True)
        catalog.write_text(f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n'
                           '"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
    (root / "locales" / "editions.yml").write_text("editions:\n" + editions, encoding="utf-8")
    if mkdocs_yml is not None:
        (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    return root


def _editions(root: Path) -> list[Edition]:
    project, findings = validate_project(root)
    assert not any(f.is_error for f in findings), findings
    return [resolve_edition(project, entry, load_translations(project, entry["language"]))
            for entry in edition_entries(project)]


def _edition(tmp_path: Path, entry: str) -> Edition:
    return _editions(_project(tmp_path, f"  - {entry}\n"))[0]


def _dates(edition: Edition, audience: str = "mentor") -> list[str]:
    return [m.date.isoformat() for m in edition.calendar_for(audience)]


def _rendered(root: Path, edition_id: str, audience: str) -> dict[str, str | bytes]:
    project, _ = validate_project(root)
    editions = _editions(root)
    edition = next(e for e in editions if e.id == edition_id)
    return Renderer(project).site(edition, audience, editions, root / "build" / edition_id / audience).files


# -- working days ---------------------------------------------------------------------------

GOLDEN_WEEK = "{id: ja-JP, language: ja, country: JP, start_date: 2027-04-26"


def test_golden_week_moves_one_session_and_not_the_ones_after_it(tmp_path):
    edition = _edition(tmp_path, GOLDEN_WEEK + "}")
    # 3 May (Constitution Day), 4 and 5 May are holidays: the session moves to Thursday 6 May.
    assert _dates(edition) == ["2027-04-26", "2027-05-06", "2027-05-10", "2027-05-17", "2027-05-24"]
    moved = edition.calendar[1]
    assert moved.moved and not moved.flagged
    assert moved.day_off.date == datetime.date(2027, 5, 3) and moved.day_off.kind == "holiday"
    assert moved.day_off.names == ("憲法記念日",) and not moved.day_off.estimated
    assert [m.day_off for m in edition.calendar if m is not moved] == [None] * 4
    # The mentee's calendar leaves out the mentors' workshop; the dates stay.
    assert _dates(edition, "mentee") == _dates(edition)[1:]


def test_flag_keeps_the_holiday_and_marks_it_and_ignore_does_nothing(tmp_path):
    flagged = _edition(tmp_path / "flag", GOLDEN_WEEK + ", holidays: flag}")
    assert _dates(flagged) == ["2027-04-26", "2027-05-03", "2027-05-10", "2027-05-17", "2027-05-24"]
    assert flagged.calendar[1].flagged and not flagged.calendar[1].moved
    assert flagged.calendar[1].day_off.names == ("憲法記念日",)
    ignored = _edition(tmp_path / "ignore", GOLDEN_WEEK + ", holidays: ignore}")
    assert _dates(ignored) == _dates(flagged)
    assert all(m.day_off is None for m in ignored.calendar)


def test_eid_al_adha_in_morocco_is_estimated_and_named_in_arabic_or_english(tmp_path):
    arabic = _edition(tmp_path / "ar", "{id: ar-MA, language: ar, country: MA, start_date: 2027-05-10}")
    assert _dates(arabic)[:3] == ["2027-05-10", "2027-05-18", "2027-05-24"]
    day_off = arabic.calendar[1].day_off
    assert day_off.names == ("عيد الأضحى (تقديري)",) and day_off.estimated
    english = _edition(tmp_path / "en", "{id: en-MA, language: en, country: MA, start_date: 2027-05-10}")
    assert english.calendar[1].day_off.names == ("Eid al-Adha (estimated)",)


def test_whit_monday_in_germany_and_corpus_christi_in_bavaria_only(tmp_path):
    whit_monday = _edition(tmp_path / "de", "{id: de-DE, language: de, country: DE, start_date: 2027-05-10}")
    assert _dates(whit_monday)[:3] == ["2027-05-10", "2027-05-18", "2027-05-24"]
    assert whit_monday.calendar[1].day_off.names == ("Pfingstmontag",)
    # Thursday 27 May 2027 is Corpus Christi in Bavaria, a working day in Berlin.
    bavaria = _edition(tmp_path / "by", "{id: de-DE, language: de, country: DE, subdivision: BY, "
                                        "start_date: 2027-05-13}")
    berlin = _edition(tmp_path / "be", "{id: de-DE, language: de, country: DE, subdivision: BE, "
                                       "start_date: 2027-05-13}")
    assert _dates(bavaria)[2] == "2027-05-28" and bavaria.calendar[2].day_off.names == ("Fronleichnam",)
    assert _dates(berlin)[2] == "2027-05-27" and berlin.calendar[2].day_off is None


def test_closures_move_sessions_like_holidays(tmp_path):
    edition = _edition(tmp_path, "{id: en-GB, language: en, country: GB, subdivision: ENG, "
                                 "start_date: 2027-08-02, closed: [2027-08-09, {from: 2027-08-16, to: 2027-08-18}]}")
    # 30 August 2027 is the summer bank holiday in England (not in Scotland).
    assert _dates(edition) == ["2027-08-02", "2027-08-10", "2027-08-19", "2027-08-23", "2027-08-31"]
    assert [m.day_off.kind if m.day_off else None for m in edition.calendar] == \
        [None, "closure", "closure", None, "holiday"]
    assert edition.calendar[4].day_off.names == ("Late Summer Bank Holiday",)


def test_a_closure_longer_than_the_cadence_never_puts_two_sessions_on_one_day(tmp_path):
    # Weekly sessions and the company closed for three weeks: the three sessions planned in
    # the closure, and the one planned on the bank holiday after it (30 August 2027 in
    # England), each take the next free working day, in order.
    edition = _edition(tmp_path, "{id: en-GB, language: en, country: GB, subdivision: ENG, "
                                 "start_date: 2027-08-02, closed: [{from: 2027-08-09, to: 2027-08-27}]}")
    assert _dates(edition) == ["2027-08-02", "2027-08-31", "2027-09-01", "2027-09-02", "2027-09-03"]
    assert [m.day_off.kind if m.day_off else None for m in edition.calendar] == \
        [None, "closure", "closure", "closure", "holiday"]
    # A working day taken by a session pushed there: the next session moves past it.
    root = _project(tmp_path / "2", "  - {id: en-GB, language: en, country: GB, subdivision: ENG, "
                                    "start_date: 2027-08-02, closed: [{from: 2027-08-09, to: 2027-08-13}, "
                                    "{from: 2027-08-16, to: 2027-08-20}]}\n")
    edition = _editions(root)[0]
    assert _dates(edition) == ["2027-08-02", "2027-08-23", "2027-08-24", "2027-08-25", "2027-08-31"]
    assert [m.day_off.kind if m.day_off else None for m in edition.calendar] == \
        [None, "closure", "closure", "taken", "holiday"]
    assert all(m.moved for m in edition.calendar[1:])
    page = _rendered(root, "en-GB", "mentee")["docs/calendar.md"]
    assert "Moved from 23 August 2027: the session before was moved to that day" in page


def test_a_weekend_start_moves_to_monday_and_is_a_warning(tmp_path):
    root = _project(tmp_path, "  - {id: en-GB, language: en, country: GB, start_date: 2027-05-15}\n")
    _, findings = validate_project(root)
    findings = [f for f in findings if f.code != "unused-catalog"]  # the test project's ja, ar, de catalogs
    assert [(f.code, f.line, f.column) for f in findings] == [("start-on-day-off", 2, 56)]
    assert "a weekend day" in findings[0].message
    edition = _editions(root)[0]
    assert _dates(edition)[0] == "2027-05-17" and edition.calendar[0].day_off.kind == "weekend"


# -- pages ----------------------------------------------------------------------------------

def test_calendar_and_module_pages_show_the_moved_date_and_why(tmp_path):
    root = _project(tmp_path, "  - " + GOLDEN_WEEK + ", session_time: \"16:00\"}\n"
                              "  - {id: ar-MA, language: ar, country: MA, start_date: 2027-05-10}\n")
    ja = _rendered(root, "ja-JP", "mentee")
    calendar = ja["docs/calendar.md"]
    assert "| 1 | 2027年5月6日 · *2027年5月3日から変更：憲法記念日* |" in calendar
    # The cadence counts from the planned day.
    assert calendar.split("\n\n")[1].startswith("2027年5月3日から")
    assert ("各セッションは16:00（日本時間）に始まります。 "
            "[カレンダーに追加](calendar.ics){ .md-button download }") in calendar
    assert "2027年5月6日" in ja["docs/modules/getting-started.md"]
    assert "2027年5月3日" not in ja["docs/modules/getting-started.md"]
    assert "[カレンダーに追加](calendar.ics)" in ja["docs/index.md"]
    ar = _rendered(root, "ar-MA", "mentee")["docs/calendar.md"]
    assert "| 1 | 18 ماي 2027 · *نُقلت من 17 ماي 2027: عيد الأضحى (تقديري)* |" in ar
    assert "[أضف إلى تقويمك](calendar.ics)" in ar


def test_a_flagged_date_is_marked_on_the_calendar_page(tmp_path):
    root = _project(tmp_path, "  - " + GOLDEN_WEEK + ", holidays: flag}\n")
    calendar = _rendered(root, "ja-JP", "mentee")["docs/calendar.md"]
    assert "| 1 | 2027年5月3日 · *休業日：憲法記念日* |" in calendar


def test_an_undated_edition_has_no_calendar_file_and_no_link(tmp_path):
    files = _rendered(_project(tmp_path, "  - {id: en-GB, language: en, country: GB}\n"), "en-GB", "mentee")
    assert "docs/calendar.ics" not in files
    assert "calendar.ics" not in files["docs/calendar.md"] + files["docs/index.md"]


# -- calendar.ics -----------------------------------------------------------------------------

def check_ics(data: bytes, sessions: int) -> icalendar.Calendar:
    """The RFC 5545 rules every calendar file of rmkit keeps; returns the parsed calendar."""
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:  # a fold never splits a UTF-8 character
        line.decode("utf-8")
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] and calendar["X-WR-CALNAME"]
    events = calendar.walk("VEVENT")
    assert len(events) == sessions
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION"} <= set(event)
        assert "RRULE" not in event
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    zones = {str(c["TZID"]) for c in calendar.walk("VTIMEZONE")}
    used = set(re.findall(rb";TZID=([^:;]+)[:;]", data))
    assert {z.decode() for z in used} <= zones
    return calendar


def test_timed_events_in_the_edition_zone_with_its_vtimezone(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    root = _project(tmp_path, "  - " + GOLDEN_WEEK + ", session_time: \"16:00\"}\n")
    edition = _editions(root)[0]
    for audience in ("mentor", "mentee"):
        data = _rendered(root, "ja-JP", audience)["docs/calendar.ics"]
        calendar = check_ics(data, len(edition.calendar_for(audience)))
        assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
        events = calendar.walk("VEVENT")
        moved = next(e for e in events if str(e["UID"]).startswith("kickoff.getting-started."))
        start, end = moved.decoded("DTSTART"), moved.decoded("DTEND")
        assert start.replace(tzinfo=None) == datetime.datetime(2027, 5, 6, 16, 0)
        assert str(start.tzinfo) == "Asia/Tokyo"
        assert end - start == datetime.timedelta(minutes=45)
        assert b"DTSTART;TZID=Asia/Tokyo:20270506T160000\r\n" in data
        assert moved.decoded("DTSTAMP") == datetime.datetime.fromtimestamp(EPOCH, datetime.timezone.utc)
        assert str(moved["SUMMARY"]) == "Kickoff · Getting started"
        description = str(moved["DESCRIPTION"])
        assert "2027年5月3日から変更：憲法記念日" in description
        assert "- Agree on a rhythm, confidentiality and the right to withdraw with your mentor" in description
        assert "modules/getting-started.html#session-kickoff" in description and "URL" not in moved
    mentor = _rendered(root, "ja-JP", "mentor")["docs/calendar.ics"].decode("utf-8")
    mentee = _rendered(root, "ja-JP", "mentee")["docs/calendar.ics"].decode("utf-8")
    assert "Preparation workshop · Mentor workshop" in mentor
    assert "Preparation workshop" not in mentee and "Mentor workshop" not in mentee
    assert "Let the mentee propose the rhythm" not in mentee  # mentor notes stay in the guide


def test_without_a_session_time_events_last_the_day_and_say_how_long_to_book(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    root = _project(tmp_path, "  - {id: en-GB, language: en, country: GB, start_date: 2027-01-11}\n",
                    mkdocs_yml="site_name: Pilot\nsite_url: https://learn.example.com/rm/\n")
    data = _rendered(root, "en-GB", "mentee")["docs/calendar.ics"]
    calendar = check_ics(data, 4)
    assert not calendar.walk("VTIMEZONE") and b"TZID" not in data
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("DTSTART") == datetime.date(2027, 1, 18)
    assert event.decoded("DTEND") == datetime.date(2027, 1, 19)
    assert b"DTSTART;VALUE=DATE:20270118\r\n" in data
    assert str(event["DESCRIPTION"]).startswith("Book 45 minutes on this day.")
    link = "https://learn.example.com/rm/en-GB/mentee/modules/getting-started.html#session-kickoff"
    assert str(event["URL"]) == link and link in str(event["DESCRIPTION"])
    assert str(calendar["X-WR-CALNAME"]) == "Digital reverse mentoring · Mentee workbook"


def test_uids_are_unique_across_editions_and_audiences_and_stable(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    editions = ("  - {id: en-GB, language: en, country: GB, start_date: 2027-01-11}\n"
                "  - {id: en-MA, language: en, country: MA, start_date: 2027-01-11}\n")
    first, second = _project(tmp_path / "a", editions), _project(tmp_path / "b", editions)
    uids = []
    for edition in ("en-GB", "en-MA"):
        for audience in ("mentor", "mentee"):
            data = _rendered(first, edition, audience)["docs/calendar.ics"]
            assert data == _rendered(second, edition, audience)["docs/calendar.ics"]
            uids += [str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
    assert len(uids) == 5 + 4 + 5 + 4 == len(set(uids))


def test_an_unchanged_calendar_keeps_its_stamp_without_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = _project(tmp_path, "  - {id: en-GB, language: en, country: GB, start_date: 2027-01-11}\n")
    written = root / "build" / "en-GB" / "mentee" / "docs" / "calendar.ics"
    written.parent.mkdir(parents=True)
    old = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.timezone.utc)
    fresh = _rendered(root, "en-GB", "mentee")["docs/calendar.ics"]
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d")
    assert f"DTSTAMP:{today}T000000Z".encode() in fresh
    written.write_bytes(fresh.replace(f"DTSTAMP:{today}T000000Z".encode(),
                                      old.strftime("DTSTAMP:%Y%m%dT%H%M%SZ").encode()))
    assert _rendered(root, "en-GB", "mentee")["docs/calendar.ics"] == written.read_bytes()
    # Something else changed: the file is stamped anew.
    replace_once(root / "curriculum" / "modules" / "second-steps.yml", "title: Kickoff", "title: Second kickoff")
    assert f"DTSTAMP:{today}T000000Z".encode() in _rendered(root, "en-GB", "mentee")["docs/calendar.ics"]


# -- the build --------------------------------------------------------------------------------

def test_every_dated_site_has_its_calendar_linked_and_builds_repeat_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    root = _project(tmp_path / "one", "  - " + GOLDEN_WEEK + ", session_time: \"16:00\"}\n"
                                      "  - {id: ar-AE, language: ar, country: AE, start_date: 2027-05-10}\n"
                                      "  - {id: en-GB, language: en, country: GB}\n")
    copy = tmp_path / "two" / "project"
    shutil.copytree(root, copy)
    build(root, jobs=2)
    build(copy, jobs=2)
    editions = {e.id: e for e in _editions(root)}
    for edition, label in (("ja-JP", "カレンダーに追加"), ("ar-AE", "أضف إلى تقويمك")):
        for audience in ("mentor", "mentee"):
            site = root / "site" / edition / audience
            data = (site / "calendar.ics").read_bytes()
            assert data == (copy / "site" / edition / audience / "calendar.ics").read_bytes()
            check_ics(data, len(editions[edition].calendar_for(audience)))
            for page in ("calendar.html", "index.html"):
                html = (site / page).read_text(encoding="utf-8")
                assert re.search(r'<a[^>]*href="calendar\.ics"[^>]*>' + label + "</a>", html), (edition, page)
    assert not list((root / "site" / "en-GB").rglob("calendar.ics"))
    # Eid al-Adha holidays in the UAE run from 16 to 18 May 2027 (estimated): the session moves to the 19th.
    ar = (root / "site" / "ar-AE" / "mentee" / "calendar.html").read_text(encoding="utf-8")
    assert "نُقلت من 17 مايو 2027" in ar and "(تقديري)" in ar
    assert b"DTSTART;VALUE=DATE:20270519" in (root / "site" / "ar-AE" / "mentee" / "calendar.ics").read_bytes()


@pytest.mark.slow
def test_every_calendar_of_the_bundled_program(bundled_site: Path):
    from .conftest import ROOT

    editions = _editions(ROOT)
    for edition in editions:
        for audience in ("mentor", "mentee"):
            path = bundled_site / edition.id / audience / "calendar.ics"
            if edition.start_date is None:
                assert not path.exists()
                continue
            calendar = check_ics(path.read_bytes(), len(edition.calendar_for(audience)))
            assert str(calendar["X-WR-CALNAME"]).startswith(edition.title)
            first = calendar.walk("VEVENT")[0]
            assert first.decoded("DTSTART") == (
                datetime.datetime.combine(edition.calendar_for(audience)[0].date, edition.session_time,
                                          tzinfo=first.decoded("DTSTART").tzinfo)
                if edition.session_time else edition.calendar_for(audience)[0].date)
    timed = {e.id for e in editions if e.session_time and e.timezone}
    assert {"en-GB", "ja-JP", "ar-AE"} <= timed
    ja = (bundled_site / "ja-JP" / "mentee" / "calendar.ics").read_bytes()
    assert b"DTSTART;TZID=Asia/Tokyo:20270507T160000\r\n" in ja and b"TZID:Asia/Tokyo\r\n" in ja
