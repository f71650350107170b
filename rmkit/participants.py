"""People's data for the program tools (`rmkit pair`, `rmkit report`): participants and pairs.

Separate from the curriculum pipeline: its own loader, located findings, no site involved.

- `load_participants(path, program=None)` → (participants, findings): a UTF-8 CSV with a
  header (a `;`-delimited export is recognised by its header) or a `.yml` file holding
  `participants:`, a list of mappings with the same fields. `program` is the mapping of
  `curriculum/program.yml` (its `modules` and `learner_profiles` check topics and profiles).
- `load_pairs(path)` → (pairs, findings): a CSV with the columns `mentor_id,mentee_id` (other
  columns are ignored, so `rmkit pair --format csv` output can be passed back). Each pair is
  a `PairRow`, a `(mentor_id, mentee_id)` tuple that also knows its file and line.

Data minimisation: the participants file may hold only the columns listed in `COLUMNS`; any
other column is an error, so that nobody feeds gender, age or ethnicity into a pairing.
Participants come back only when the file has no error: nothing half-read is paired.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .findings import Finding, finding
from .tables import Row, Table, read_table

ROLES = ("mentor", "mentee")
#: Every column the participants file may have; True for the ones it must have.
COLUMNS: dict[str, bool] = {
    "id": True, "name": True, "role": True, "email": False, "country": True, "languages": True,
    "function": True, "manager_id": False, "site": False, "tenure_years": False, "topics": True,
    "learner_profile": False, "availability": False, "timezone": False, "capacity": False,
    "requests": False,
}
REQUIRED_VALUES = ("id", "name", "role", "country", "languages", "function")
LIST_COLUMNS = ("languages", "topics", "availability", "requests")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_PARTS = ("AM", "PM", "EV")
PAIR_COLUMNS = ("mentor_id", "mentee_id")

_SLOT = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)-(am|pm|ev)$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BAD_ID = re.compile(r"[\s;,]")


@dataclass(frozen=True)
class Participant:
    """One person of the program, as the pairing sees them. Lists are tuples, in file order."""

    id: str
    name: str
    role: str  # "mentor" or "mentee"
    country: str
    languages: tuple[str, ...]  # language codes without region: "en", "ja"
    function: str
    email: str = ""
    manager_id: str = ""
    site: str = ""
    tenure_years: float | None = None
    topics: tuple[str, ...] = ()  # module ids as written, free tags case-folded
    learner_profile: str = ""
    availability: tuple[str, ...] = ()  # canonical slots: "Mon-AM"
    timezone: str = ""
    capacity: int = 1  # mentees: always 1
    requests: tuple[str, ...] = ()
    # Where the person is written, for findings about them later (pins, rules).
    file: str = field(default="", compare=False)
    line: int | None = field(default=None, compare=False)

    @property
    def is_mentor(self) -> bool:
        return self.role == "mentor"


class PairRow(tuple):
    """A `(mentor_id, mentee_id)` pair read from a file; `file` and `line` say where."""

    file: str
    line: int | None

    def __new__(cls, mentor_id: str, mentee_id: str, file: str = "", line: int | None = None):
        row = super().__new__(cls, (mentor_id, mentee_id))
        row.file, row.line = file, line
        return row

    @property
    def mentor_id(self) -> str:
        return self[0]

    @property
    def mentee_id(self) -> str:
        return self[1]


# -- participants -----------------------------------------------------------------------------

def load_participants(path: Path | str, program: dict | None = None, *,
                      file: str | None = None) -> tuple[list[Participant], list[Finding]]:
    """The participants of a CSV or YAML file, sorted by id, and the findings about the file.

    Participants are returned only when no finding is an error.
    """
    path = Path(path)
    file = file or path.as_posix()
    findings: list[Finding] = []
    table = read_table(path, file, findings, yaml_key="participants")
    if table is None:
        return [], findings
    if not _check_columns(table, findings):
        return [], findings
    checker = _Checker(table, program, findings)
    people = [p for p in (checker.participant(row) for row in table.rows) if p is not None]
    checker.check_references(people)
    if any(f.is_error for f in findings):
        return [], findings
    return sorted(people, key=lambda p: p.id), findings


def _check_columns(table: Table, findings: list[Finding]) -> bool:
    ok = True
    allowed = ", ".join(COLUMNS)
    seen: set[str] = set()
    for name, (line, column) in zip(table.columns, table.column_positions):
        if name in seen:
            findings.append(finding("duplicate-column", table.file, f"column '{name}' appears twice",
                                    line=line, column=column))
            ok = False
        seen.add(name)
        if name not in COLUMNS:
            near = difflib.get_close_matches(name, COLUMNS, n=1)
            findings.append(finding(
                "unknown-column", table.file,
                f"column '{name}' is not one rmkit reads" + (f" (did you mean '{near[0]}'?)" if near else ""),
                line=line, column=column,
                hint=f"The allowed columns are: {allowed}. Remove any other column before pairing: "
                     "personal data the pairing does not need (gender, age, ethnicity...) must not be fed in."))
            ok = False
    missing = [name for name, required in COLUMNS.items() if required and name not in seen]
    if missing and (table.columns or not table.rows):
        findings.append(finding("missing-column", table.file,
                                f"the file has no column {', '.join(repr(m) for m in missing)}",
                                line=1, column=1, hint=f"The required columns are: "
                                f"{', '.join(n for n, r in COLUMNS.items() if r)}."))
        ok = False
    return ok


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha()
                     and code != "ZZ")


@lru_cache(maxsize=512)
def language_code(text: str) -> str | None:
    """The language of a code such as `fr`, `en-GB` or `pt_BR`; None if Babel does not know it."""
    try:
        return Locale.parse(text.strip().replace("-", "_")).language
    except (ValueError, UnknownLocaleError):
        return None


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(";") if item.strip()]


class _Checker:
    def __init__(self, table: Table, program: dict | None, findings: list[Finding]):
        self.table, self.findings = table, findings
        program = program if isinstance(program, dict) else None
        self.modules = ({m for m in program.get("modules") or [] if isinstance(m, str)}
                        if program is not None else None)
        self.profiles = ({p.get("id") for p in program.get("learner_profiles") or [] if isinstance(p, dict)}
                         if program is not None else None)
        self.rows: dict[str, Row] = {}
        self.unknown_topics: set[str] = set()

    def report(self, code: str, row: Row, column: str | None, message: str, hint: str | None = None) -> None:
        line, col = row.locate(column)
        self.findings.append(finding(code, self.table.file, message, line=line, column=col,
                                     pointer=row.pointer(column), hint=hint))

    def participant(self, row: Row) -> Participant | None:
        values = {name: row.values.get(name, "").strip() for name in COLUMNS}
        if row.broken:
            self.rows.setdefault(values["id"], row)
            return None
        before = len(self.findings)
        for name in REQUIRED_VALUES:
            if not values[name]:
                self.report("missing-value", row, name, f"'{name}' is empty; every person needs one")
        person_id = values["id"]
        if person_id and _BAD_ID.search(person_id):
            self.report("invalid-id", row, "id", f"id '{person_id}' holds a space, comma or semicolon",
                        hint="Use the ids of your HR export as they are, without spaces, commas or semicolons.")
        if person_id in self.rows:
            line, _ = self.rows[person_id].locate("id")
            self.report("duplicate-id", row, "id", f"id '{person_id}' is already used on line {line}")
        elif person_id:
            self.rows[person_id] = row
        role = values["role"].lower()
        if values["role"] and role not in ROLES:
            self.report("unknown-role", row, "role", f"role '{values['role']}' is neither 'mentor' nor 'mentee'")
        if values["email"] and not _EMAIL.match(values["email"]):
            self.report("invalid-format", row, "email", f"'{values['email']}' is not an email address")
        country = values["country"].upper()
        if values["country"] and country not in _countries():
            self.report("invalid-country", row, "country",
                        f"'{values['country']}' is not a two-letter country code (ISO 3166)")
        languages = []
        for code in split_list(values["languages"]):
            language = language_code(code)
            if language is None:
                self.report("invalid-language", row, "languages", f"'{code}' is not a language code")
            elif language not in languages:
                languages.append(language)
        if values["languages"] and not split_list(values["languages"]):
            self.report("missing-value", row, "languages", "'languages' lists no language")
        topics = []
        for topic in split_list(values["topics"]):
            topic = topic if self.modules is not None and topic in self.modules else topic.casefold()
            if self.modules is not None and topic not in self.modules and topic not in self.unknown_topics:
                self.unknown_topics.add(topic)
                # Free tags ("excel", "power-bi") are welcome; a tag close to a module id was
                # most likely meant as one.
                near = difflib.get_close_matches(topic, sorted(self.modules), n=1)
                if near:
                    self.report("unknown-topic", row, "topics",
                                f"topic '{topic}' is not a module of the program: it is matched as a free tag"
                                + (f" (did you mean '{near[0]}'?)" if near else ""))
            if topic not in topics:
                topics.append(topic)
        profile = values["learner_profile"]
        if profile and self.profiles is not None and profile not in self.profiles:
            self.report("unknown-learner-profile", row, "learner_profile",
                        f"learner profile '{profile}' is not declared by the program"
                        + (f" (declared: {', '.join(sorted(self.profiles))})" if self.profiles else ""))
        slots = []
        for slot in split_list(values["availability"]):
            match = _SLOT.match(slot)
            if not match:
                self.report("invalid-slot", row, "availability", f"'{slot}' is not a slot such as 'Mon-AM'")
                continue
            canonical = f"{match.group(1).capitalize()}-{match.group(2).upper()}"
            if canonical not in slots:
                slots.append(canonical)
        timezone = values["timezone"]
        if timezone and timezone not in _time_zones():
            self.report("unknown-timezone", row, "timezone", f"'{timezone}' is not an IANA time zone")
        tenure = None
        if values["tenure_years"]:
            try:
                tenure = float(values["tenure_years"].replace(",", "."))
                if not tenure >= 0 or tenure == float("inf"):
                    raise ValueError
            except ValueError:
                tenure = None
                self.report("invalid-number", row, "tenure_years",
                            f"tenure_years '{values['tenure_years']}' is not a number of years (0 or more)")
        capacity = 1
        if values["capacity"] and role == "mentor":
            try:
                capacity = int(values["capacity"])
                if capacity < 0:
                    raise ValueError
            except ValueError:
                self.report("invalid-capacity", row, "capacity",
                            f"capacity '{values['capacity']}' is not a whole number of mentees (0 or more)")
        requests = []
        for requested in split_list(values["requests"]):
            if requested not in requests:
                requests.append(requested)
        if len(self.findings) > before and any(f.is_error for f in self.findings[before:]):
            return None
        line, _ = row.locate(None)
        return Participant(
            id=person_id, name=values["name"], role=role, country=country, languages=tuple(languages),
            function=values["function"], email=values["email"], manager_id=values["manager_id"],
            site=values["site"], tenure_years=tenure, topics=tuple(topics), learner_profile=profile,
            availability=tuple(slots), timezone=timezone, capacity=capacity, requests=tuple(requests),
            file=self.table.file, line=line)

    def check_references(self, people: list[Participant]) -> None:
        """Managers and requests name someone in the file; no one manages themselves, even indirectly."""
        roles = {person_id: row.values.get("role", "").strip().lower() for person_id, row in self.rows.items()}
        known = self.rows  # ids of every row, valid or not: a broken row is not also "nobody"
        for person in people:
            row = self.rows[person.id]
            if person.manager_id and person.manager_id not in known:
                self.report("unknown-person", row, "manager_id",
                            f"manager_id '{person.manager_id}' names nobody in this file",
                            hint="Leave manager_id empty when the manager does not take part in the program.")
            for requested in person.requests:
                if requested not in known:
                    self.report("unknown-person", row, "requests", f"request '{requested}' names nobody in this file")
                elif requested == person.id or roles.get(requested, person.role) == person.role:
                    self.report("request-ignored", row, "requests",
                                f"request '{requested}' names " + ("this person themselves" if requested == person.id
                                                                   else f"another {person.role}") + "; it is ignored")
        self._check_manager_cycles(people)

    def _check_manager_cycles(self, people: list[Participant]) -> None:
        manager = {p.id: p.manager_id for p in people if p.manager_id}
        reported: set[str] = set()
        for start in sorted(manager, key=lambda i: self.rows[i].locate(None)):
            chain, current = [], start
            while current in manager and current not in chain and current not in reported:
                chain.append(current)
                current = manager[current]
            if current in chain:
                cycle = chain[chain.index(current):]
                reported.update(cycle)
                self.report("manager-cycle", self.rows[cycle[0]], "manager_id",
                            "managers form a cycle: " + " → ".join(cycle + [cycle[0]]))
            reported.update(chain)


# -- pairs --------------------------------------------------------------------------------------

def load_pairs(path: Path | str, *, file: str | None = None) -> tuple[list[PairRow], list[Finding]]:
    """The (mentor_id, mentee_id) pairs of a CSV file, in file order; other columns are ignored."""
    path = Path(path)
    file = file or path.as_posix()
    findings: list[Finding] = []
    table = read_table(path, file, findings, yaml_key="pairs")
    if table is None:
        return [], findings
    missing = [name for name in PAIR_COLUMNS if name not in table.columns]
    if missing:
        findings.append(finding("missing-column", file, f"the file has no column {', '.join(map(repr, missing))}",
                                line=1, column=1, hint="A pair file has the columns mentor_id,mentee_id "
                                "(other columns are ignored)."))
        return [], findings
    pairs: list[PairRow] = []
    seen: dict[tuple[str, str], int | None] = {}
    for row in table.rows:
        mentor_id, mentee_id = (row.values.get(name, "").strip() for name in PAIR_COLUMNS)
        line, column = row.locate(None)
        empty = [name for name, value in zip(PAIR_COLUMNS, (mentor_id, mentee_id)) if not value]
        for name in empty:
            at = row.locate(name)
            findings.append(finding("missing-value", file, f"'{name}' is empty", line=at[0], column=at[1],
                                    pointer=row.pointer(name)))
        if empty:
            continue
        if (mentor_id, mentee_id) in seen:
            continue  # the same pair twice says nothing more
        seen[mentor_id, mentee_id] = line
        pairs.append(PairRow(mentor_id, mentee_id, file, line))
    return pairs, findings
