"""The evaluation report: session feedback by module, role and segment, with no individual shown.

responses (responses.py) + the program in the report's language (a resolved edition) +
optionally the participants and pairs of `rmkit pair` → figures → one offline HTML page
(`report.html.j2`, charts inlined as SVG by charts.py) and its PDF.

Privacy, as the report states it: a cell of a table is shown only when at least `min_group`
different people answered in it; when a table shows a total, a single hidden cell (or hidden
cells that together hold fewer than `min_group` people) would be given away by subtraction,
so more cells are hidden, smallest first (secondary suppression). Free text is shown only
for a module where at least `min_group` people wrote an answer. Respondent ids never reach
the page; pairs to follow up are named by their pair id.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_interval
from babel.numbers import format_decimal, format_percent

from .evaluation import questions_of
from .formats import Formats
from .model import for_mentors_only
from .responses import ROLES, RATING_SCALE, Response, Responses

DEFAULT_MIN_GROUP = 5
# Questions with a part in the analysis, known by their id (the bundled program's).
OBJECTIVES_QUESTION, CONTINUE_QUESTION = "objectives-met", "continue-pair"
LOW_RATINGS = (1, 2)  # the lowest two of the 1-to-5 scale
# Tenure bands in years, [low, high): wide enough that most bands can be shown.
TENURE_BANDS = ((0, 2), (2, 5), (5, 10), (10, 20), (20, None))
SEGMENTS = ("tenure", "function", "learner_profile", "country", "site")
NOT_STATED = ""  # the segment of people for whom the participants file gives no value


# -- cells and suppression ---------------------------------------------------------------------

@dataclass
class Cell:
    """The answers to one question from one group (a module, a role, a segment)."""

    key: str
    values: list = field(default_factory=list)
    respondents: set = field(default_factory=set)
    shown: bool = True
    reason: str = ""  # "small" (fewer than min_group people) | "secondary" (would be given away)

    @property
    def answers(self) -> int:
        return len(self.values)

    @property
    def people(self) -> int:
        return len(self.respondents)

    @property
    def mean(self) -> float | None:
        return sum(self.values) / len(self.values) if self.values else None

    def share(self, value) -> float | None:
        return sum(v == value for v in self.values) / len(self.values) if self.values else None

    def distribution(self) -> list[float]:
        return [self.share(v) for v in RATING_SCALE]


def suppress(cells: list[Cell], total: Cell | None, min_group: int) -> None:
    """Hide cells with fewer than `min_group` people, then enough others that no hidden cell
    can be worked out from `total` by subtraction. Cells with no answer stay as they are."""
    for cell in cells:
        if cell.answers and cell.people < min_group:
            cell.shown, cell.reason = False, "small"
    if total is not None and total.answers and total.people < min_group:
        total.shown, total.reason = False, "small"
    if total is None or not total.shown:
        return
    while True:
        hidden = [c for c in cells if not c.shown]
        people = set().union(*(c.respondents for c in hidden)) if hidden else set()
        if not hidden or (len(hidden) > 1 and len(people) >= min_group):
            return
        candidates = sorted((c for c in cells if c.shown and c.answers), key=lambda c: (c.people, c.answers, c.key))
        if not candidates:  # only the total is left to give the hidden cells away
            total.shown, total.reason = False, "secondary"
            return
        candidates[0].shown, candidates[0].reason = False, "secondary"


# -- the figures -------------------------------------------------------------------------------

@dataclass
class Table:
    """One question across the groups of one breakdown (modules, roles or a segment)."""

    question: dict
    by: str
    rows: list[Cell]
    total: Cell
    labels: dict[str, str]  # cell key → label shown

    def chart_rows(self) -> list[tuple[str, list[float] | float]]:
        """(label, the shares of ratings 1 to 5 | the share of yes) of every cell shown."""
        return [(self.labels.get(c.key, c.key), c.distribution() if self.question.get("scale") == "rating-5"
                 else c.share(True)) for c in self.rows if c.shown and c.answers]


@dataclass
class Rate:
    module: dict
    role: str
    received: int
    expected: int

    @property
    def share(self) -> float | None:
        return self.received / self.expected if self.expected else None


@dataclass
class FollowUp:
    pair: str
    reasons: list[dict]  # {kind: "said-no" | "low-twice", role, question, modules, dates}


@dataclass
class FreeText:
    module: dict
    question: dict
    answers: list[str]
    people: int
    shown: bool


@dataclass
class Report:
    program: dict
    modules: list[dict]  # the program's modules that have answers, in program order
    questions: list[dict]
    min_group: int
    responses: Responses
    people: int
    first_date: datetime.date | None
    last_date: datetime.date | None
    rates: list[Rate] | None  # None without a pairs file
    pair_count: int | None
    by_module: list[Table]
    by_role: list[Table]
    segments: dict[str, list[Table]] | None  # None without a participants file
    follow_ups: list[FollowUp]
    follow_ups_without_pair: int
    free_texts: list[FreeText]


def _cells(responses: list[Response], question: dict, key_of, keys: list[str]) -> tuple[list[Cell], Cell]:
    cells = {k: Cell(k) for k in keys}
    total = Cell("")
    for r in responses:
        if question["id"] not in r.answers:
            continue
        key = key_of(r)
        if key not in cells:
            cells[key] = Cell(key)
        value = r.answers[question["id"]]
        for cell in (cells[key], total):
            cell.values.append(value)
            cell.respondents.add(r.respondent)
    return list(cells.values()), total


def _table(responses, question, by, key_of, keys, labels, min_group) -> Table:
    rows, total = _cells(responses, question, key_of, keys)
    suppress(rows, total, min_group)
    return Table(question, by, rows, total, labels)


def tenure_band(years) -> str:
    """'2-5' for 2 ≤ years < 5; '20-' for 20 years and more; NOT_STATED if unknown."""
    try:
        value = float(years)
    except (TypeError, ValueError):
        return NOT_STATED
    if math.isnan(value) or value < 0:
        return NOT_STATED
    for low, high in TENURE_BANDS:
        if high is None or value < high:
            return f"{low}-{high if high is not None else ''}"
    return NOT_STATED


def segment_of(person, segment: str) -> str:
    if person is None:
        return NOT_STATED
    if segment == "tenure":
        return tenure_band(getattr(person, "tenure_years", None))
    value = getattr(person, segment, None)
    return str(value).strip() if value not in (None, "") else NOT_STATED


def analyse(responses: Responses, program: dict, modules: list[dict], *, min_group: int = DEFAULT_MIN_GROUP,
            participants: dict | None = None, pairs: list | None = None) -> Report:
    """Every figure of the report; `program` and `modules` in the report's language."""
    kept = responses.kept
    questions = questions_of(program)
    answered = {r.module for r in kept}
    shown_modules = [m for m in modules if m["id"] in answered]
    module_ids = [m["id"] for m in shown_modules]
    module_titles = {m["id"]: m["title"] for m in modules}
    scored = [q for q in questions if q.get("scale") in ("rating-5", "yes-no")]

    by_module = [_table(kept, q, "module", lambda r: r.module, module_ids, module_titles, min_group) for q in scored]
    by_role = [_table(kept, q, "role", lambda r: r.role, list(ROLES), {}, min_group) for q in scored]

    segments = None
    if participants is not None:
        segments = {}
        for segment in SEGMENTS:
            def key_of(r, segment=segment):
                return segment_of(participants.get(r.respondent), segment)
            keys = sorted({segment_of(p, segment) for p in participants.values()}, key=_segment_order(segment))
            segments[segment] = [_table(kept, q, segment, key_of, keys, {}, min_group) for q in scored]

    rates, pair_count = None, None
    if pairs is not None:
        pair_count = len(pairs)
        paired = {"mentor": {p[0] for p in pairs}, "mentee": {p[1] for p in pairs}}
        rates = []
        for module in shown_modules:
            for role in ROLES:
                expected = set() if role == "mentee" and for_mentors_only("module", module) else paired[role]
                received = {r.respondent for r in kept if r.module == module["id"] and r.role == role} & expected
                rates.append(Rate(module, role, len(received), len(expected)))

    follow_ups, without_pair = follow_up(kept, questions)
    free_texts = []
    for module in shown_modules:
        for question in (q for q in questions if q.get("scale") == "text"):
            written = [r for r in kept if r.module == module["id"] and question["id"] in r.answers]
            if not written:
                continue
            people = len({r.respondent for r in written})
            # Sorted, not in file order: the order of rows could tell who wrote what.
            answers = sorted((r.answers[question["id"]] for r in written), key=lambda t: (t.casefold(), t))
            free_texts.append(FreeText(module, question, answers if people >= min_group else [], people,
                                       people >= min_group))
    dates = sorted(r.session_date for r in kept)
    return Report(program, shown_modules, questions, min_group, responses, len({r.respondent for r in kept}),
                  dates[0] if dates else None, dates[-1] if dates else None, rates, pair_count,
                  by_module, by_role, segments, follow_ups, without_pair, free_texts)


def _segment_order(segment: str):
    def order(key: str):
        if key == NOT_STATED:
            return (2, 0, "")
        if segment == "tenure":
            return (0, float(key.split("-")[0]), key)
        return (1, 0, key.casefold())
    return order


def follow_up(responses: list[Response], questions: list[dict]) -> tuple[list[FollowUp], int]:
    """Pairs to talk to: either side said no to continuing, or gave one of the lowest two
    ratings to the same question in two sessions in a row. Also: how many respondents meet a
    rule without a known pair."""
    rated = [q["id"] for q in questions if q.get("scale") == "rating-5"]
    continues = any(q["id"] == CONTINUE_QUESTION and q.get("scale") == "yes-no" for q in questions)
    by_person: dict[tuple, list[Response]] = defaultdict(list)
    for r in responses:
        by_person[r.respondent, r.role, r.pair].append(r)
    reasons: dict[str, list[dict]] = defaultdict(list)
    without_pair = set()
    for (respondent, role, pair), answers in sorted(by_person.items(), key=lambda item: (item[0][2] or "", item[0][1], item[0][0])):
        answers.sort(key=lambda r: (r.session_date, r.module))
        found = []
        if continues:
            for r in answers:
                if r.answers.get(CONTINUE_QUESTION) is False:
                    found.append({"kind": "said-no", "role": role, "modules": [r.module], "dates": [r.session_date]})
        for qid in rated:
            series = [r for r in answers if qid in r.answers]
            for before, after in zip(series, series[1:]):
                if before.answers[qid] in LOW_RATINGS and after.answers[qid] in LOW_RATINGS:
                    found.append({"kind": "low-twice", "role": role, "question": qid,
                                  "modules": [before.module, after.module],
                                  "dates": [before.session_date, after.session_date]})
                    break
        if found and pair:
            reasons[pair] += found
        elif found:
            without_pair.add(respondent)
    ordered = sorted(reasons, key=lambda p: (not p.isdigit(), int(p) if p.isdigit() else 0, p))
    return [FollowUp(p, sorted(reasons[p], key=lambda f: (f["dates"][0], f["role"], f["kind"]))) for p in ordered], \
        len(without_pair)


# -- numbers in the report's language ----------------------------------------------------------

class ReportFormats(Formats):
    """The edition's formats, plus the percentages and means of a report."""

    def percent(self, value: float | None) -> str:
        return "" if value is None else format_percent(value, locale=self.locale)

    def period(self, first: datetime.date, last: datetime.date) -> str:
        """'9 February – 9 March 2027', as the locale writes a range of dates."""
        if first == last:
            return self.date(first)
        return format_interval(first, last, skeleton="yMMMMd", locale=self.locale)

    def mean(self, value: float | None) -> str:
        return "" if value is None else format_decimal(round(value, 2), format="#,##0.0", locale=self.locale)


# -- the page ----------------------------------------------------------------------------------

REPORT_TEMPLATE = "report.html.j2"


def render_report(project, report: Report, language: str, locale, direction: str) -> str:
    """The report page (HTML), through the project's templates and the ui catalog."""
    from . import charts
    from .render import Renderer

    fmt = ReportFormats(locale)
    context = {"report": report, "fmt": fmt, "language": language, "direction": direction,
               "chart": charts.Charts(fmt, direction), "modules_by_id": {m["id"]: m for m in report.modules},
               "questions_by_id": {q["id"]: q for q in report.questions},
               "objectives_question": OBJECTIVES_QUESTION}
    return Renderer(project)._render(REPORT_TEMPLATE, context, language)


def write_report(html: str, out: Path, *, pdf: bool = True) -> list[Path]:
    """`out/index.html` and `out/report.pdf`, both made before either is written, each whole."""
    from .findings import RmkitError, finding

    files = {"index.html": html.encode("utf-8")}
    if pdf:
        try:
            files["report.pdf"] = _write_pdf(html, out)
        except Exception as e:  # WeasyPrint's own errors: say so, write nothing
            raise RmkitError([finding("build-failed", (out / "report.pdf").as_posix(),
                                      f"the PDF could not be made: {type(e).__name__}: {e}",
                                      hint="Run again with --no-pdf to write the HTML page only.")]) from None
    out.mkdir(parents=True, exist_ok=True)
    return [_write_atomically(out / name, data) for name, data in files.items()]


def _write_atomically(path: Path, data: bytes) -> Path:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def _write_pdf(html: str, base: Path) -> bytes:
    """The report as PDF, through the workbooks' pipeline (pdf.py: WeasyPrint, PDF/UA-1). No
    request leaves the page: everything it shows is inline, and any other URL is refused."""
    from .pdf import html_to_pdf

    return html_to_pdf(html, base)


# -- the command: everything gathered, then written ----------------------------------------------

@dataclass
class Outcome:
    out: Path
    written: list[Path]
    findings: list
    report: Report

    def summary(self) -> str:
        responses = self.report.responses
        files = ", ".join(_shown(p) for p in self.written)
        return (f"wrote {files}: {len(responses.kept)} of {responses.rows} response row(s) reported, "
                f"{responses.left_out_rows} left out")


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def report_language(project, language: str | None):
    """The program as read in `language`: the first edition in that language, with every module.

    Returns (edition, language). The report covers all modules, whatever an edition excludes.
    """
    from .catalogs import load_translations
    from .findings import UsageError
    from .resolve import edition_entries, resolve_edition

    entries = edition_entries(project)
    language = language or project.program.data["source_language"]
    entry = next((e for e in entries if e["language"] == language), None)
    if entry is None:
        known = sorted({e["language"] for e in entries})
        raise UsageError(f"no edition is in language '{language}'; languages of the editions: {', '.join(known)}")
    whole = {k: v for k, v in entry.items() if k != "modules"}
    return resolve_edition(project, whole, load_translations(project, language)), language


def yes_no_words(project) -> dict[str, bool]:
    """'Yes' and 'No' in every interface language: survey exports write the respondent's."""
    from .ui_catalogs import UI_LANGUAGES, load_ui_translations

    words = {}
    for language in UI_LANGUAGES:
        translations = load_ui_translations(project, language)
        words[translations.gettext("Yes")] = True
        words[translations.gettext("No")] = False
    return words


def make_report(root: Path, response_files: list[Path], *, map_file: Path | None = None,
                participants: Path | None = None, pairs: Path | None = None, language: str | None = None,
                min_group: int = DEFAULT_MIN_GROUP, out: Path | None = None, pdf: bool = True) -> Outcome:
    """`rmkit report`: read, check, count, then write `out/index.html` (and `out/report.pdf`)."""
    from .findings import RmkitError, sort_key
    from .participants import load_pairs, load_participants
    from .responses import load_map, load_responses
    from .validate import validate_project

    project, findings = validate_project(Path(root))
    errors = [f for f in findings if f.is_error]
    if errors:
        raise RmkitError(errors)
    edition, language = report_language(project, language)
    source = project.program.data
    problems = []
    people = None
    if participants is not None:
        loaded, found = load_participants(participants, source, file=participants.as_posix())
        if any(f.is_error for f in found):  # breakdowns and checks need every person: no report without them
            raise RmkitError(sorted(found, key=sort_key))
        problems += found
        people = {p.id: p for p in loaded}
    pair_rows = None
    if pairs is not None:
        pair_rows, found = load_pairs(pairs, file=pairs.as_posix())
        problems += found
    mapping = None
    if map_file is not None:
        mapping, found = load_map(map_file, map_file.as_posix(), source)
        problems += found
    responses = load_responses([(path, path.as_posix()) for path in response_files], source, mapping=mapping,
                               participants=people, pairs=pair_rows, yes_no_words=yes_no_words(project))
    problems += responses.findings
    problems.sort(key=sort_key)
    result = analyse(responses, edition.program, edition.modules, min_group=min_group,
                     participants=people, pairs=pair_rows)
    html = render_report(project, result, language, edition.locale, edition.direction)
    out = out if out is not None else project.root / "report"
    return Outcome(out, write_report(html, out, pdf=pdf), problems, result)
