"""Session feedback as data: response files (and a survey tool's export) → located responses.

A response file is a UTF-8 CSV in the layout of `evaluation-template.csv` (see
`evaluation.py`): one row per person and session. A survey tool's export (Microsoft Forms,
Google Forms) is read through a mapping file (`--map map.yml`), a flat mapping from the
export's column header to a template column or question id; `~` leaves a column out on
purpose (the export's own time stamps, names, e-mail addresses).

Every problem is a located finding (`responses.csv:27:6`); a row with an error is left out
of the report and counted under its reason, the rest is kept. Nothing is dropped silently.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .evaluation import FIXED_COLUMNS, questions_of
from .findings import Finding, finding
from .loader import load_yaml
from .tables import csv_records, read_text  # the same CSV reading as the participants file

REQUIRED_COLUMNS = ("respondent_id", "module", "session_date")
ROLES = ("mentor", "mentee")
RATING_SCALE = range(1, 6)
# Answers to yes/no questions written as words or numbers; `load_responses` adds each
# interface language's own words for yes and no (from the ui catalogs).
YES_NO_WORDS = {"yes": True, "y": True, "true": True, "1": True,
                "no": False, "n": False, "false": False, "0": False}
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


@dataclass(frozen=True)
class Response:
    """One person's answers after one session."""

    file: str
    line: int
    respondent: str
    pair: str | None  # the pair's id: a row number of the pairs file when one is given
    role: str
    module: str
    session_date: datetime.date
    answers: dict  # question id → int (rating-5) | bool (yes-no) | str (text); unanswered: absent


@dataclass
class Responses:
    kept: list[Response] = field(default_factory=list)
    rows: int = 0  # data rows read, kept or not
    left_out: Counter = field(default_factory=Counter)  # finding code → rows left out for it
    findings: list[Finding] = field(default_factory=list)

    @property
    def left_out_rows(self) -> int:
        return sum(self.left_out.values())


# -- the mapping file ------------------------------------------------------------------------

def load_map(path: Path, file: str, program: dict) -> tuple[dict[str, str | None], list[Finding]]:
    """`their column header → template column or question id` (None: left out on purpose)."""
    document, findings = load_yaml(path, file)
    if document is None:
        return {}, findings
    targets = set(FIXED_COLUMNS) | {q["id"] for q in questions_of(program)}
    mapping: dict[str, str | None] = {}
    for header, target in document.data.items():
        pointer = "/" + header.replace("~", "~0").replace("/", "~1")
        if target is not None and not isinstance(target, str):
            findings.append(document.locate("wrong-type", pointer, f"'{header}' maps to {target!r}, not to a column",
                                            hint="Write a template column, a question id, or ~ to leave it out."))
        elif target is not None and target not in targets:
            findings.append(document.locate(
                "unknown-question", pointer, f"'{header}' maps to '{target}', which is neither a template "
                f"column nor a question of the program", hint=_columns_hint(program)))
        else:
            mapping[header.strip()] = target
    return mapping, findings


def _columns_hint(program: dict) -> str:
    return ("Template columns: " + ", ".join(FIXED_COLUMNS) + "; questions: "
            + (", ".join(q["id"] for q in questions_of(program)) or "none") + ".")


# -- response files --------------------------------------------------------------------------

@dataclass
class _Row:
    file: str
    line: int
    cells: list[str]
    positions: list[tuple[int, int]]  # (line, column) where each cell starts


def load_responses(files: list[tuple[Path, str]], program: dict, *, mapping: dict | None = None,
                   participants: dict | None = None, pairs: list[tuple[str, str]] | None = None,
                   yes_no_words: dict[str, bool] | None = None) -> Responses:
    """Read every response file (path, name shown in findings) against the program's questions.

    `participants` (id → participant of `rmkit pair`) and `pairs` ((mentor_id, mentee_id) in
    file order) are checked when given.
    """
    result = Responses()
    questions = {q["id"]: q for q in questions_of(program)}
    words = dict(YES_NO_WORDS)
    words.update({k.casefold(): v for k, v in (yes_no_words or {}).items()})
    checker = _RowChecker(program, questions, words, participants, pairs, result)
    for path, name in files:
        rows, problems, unread = _read_rows(path, name)
        result.findings += problems
        if unread:
            result.rows += unread
            result.left_out["csv-syntax"] += unread
        if not rows:
            continue
        header, data = rows[0], rows[1:]
        columns = _columns(header, mapping or {}, program, questions, result.findings)
        missing = [c for c in REQUIRED_COLUMNS if c not in columns.values()]
        if "role" not in columns.values() and participants is None:
            missing.append("role")
        for row in data:
            result.rows += 1
            if missing:
                result.left_out["missing-column"] += 1
                continue
            if len(row.cells) != len(header.cells):
                _leave_out(result, finding(
                    "csv-fields", row.file, f"this row has {len(row.cells)} cells; the header has "
                    f"{len(header.cells)}", line=row.line, column=1))
                continue
            checker.check(row, columns)
        if missing:
            result.findings.append(finding(
                "missing-column", name, f"the file has no column {', '.join(map(repr, missing))}: its "
                f"{len(data)} row(s) are left out", line=header.line, column=1,
                hint="Add the column, or name the export's column for it in the --map file."))
    return result


def _leave_out(result: Responses, problem: Finding) -> None:
    result.findings.append(problem)
    result.left_out[problem.code] += 1


def _read_rows(path: Path, name: str) -> tuple[list[_Row], list[Finding], int]:
    """The file's records with the position of every cell (the CSV reading of the participants
    file), the findings, and how many lines could not be read (after a CSV syntax error)."""
    findings: list[Finding] = []
    text = read_text(path, name, findings)
    if text is None:
        return [], findings, 0
    records = csv_records(text, name, findings)
    unread = 0
    if records is None:  # the reader stops at a syntax error: keep what comes before it
        error = findings[-1]
        lines = text.splitlines(keepends=True)
        unread = sum(1 for line in lines[error.line - 1:] if line.strip()) - (error.line == 1)  # not the header
        records = csv_records("".join(lines[:error.line - 1]), name, []) or []
    rows = [_Row(name, record[0][1], [value.strip() for value, _, _ in record],
                 [(line, column) for _, line, column in record]) for record in records]
    if not rows and not findings:
        findings.append(finding("file-empty", name, "the file holds no header row", line=1, column=1,
                                hint="Start from evaluation-template.csv: a header row, then one row per answer."))
    return rows, findings, unread


def _columns(header: _Row, mapping: dict, program: dict, questions: dict,
             findings: list[Finding]) -> dict[int, str]:
    """Cell index → template column or question id; unknown and repeated columns are reported."""
    known = set(FIXED_COLUMNS) | set(questions)
    columns: dict[int, str] = {}
    for index, name in enumerate(header.cells):
        line, column = header.positions[index]
        if name in mapping:
            target = mapping[name]
            if target is None:
                continue
        else:
            target = name
        if target not in known:
            findings.append(finding(
                "unknown-question", header.file, f"column '{name}' is neither a template column nor a question "
                "of the program: its answers are left out", line=line, column=column,
                hint=_columns_hint(program) + " Name it in the --map file (~ leaves it out on purpose)."))
        elif target in columns.values():
            findings.append(finding("duplicate-column", header.file, f"column '{name}' repeats '{target}': "
                                    "only the first is read", line=line, column=column))
        else:
            columns[index] = target
    return columns


class _RowChecker:
    def __init__(self, program, questions, words, participants, pairs, result: Responses):
        self.modules = list(program.get("modules", []))
        self.questions, self.words = questions, words
        self.participants, self.pairs, self.result = participants, pairs, result
        self.seen: dict[tuple, tuple[str, int]] = {}

    def check(self, row: _Row, columns: dict[int, str]) -> None:
        values = {target: (row.cells[i], row.positions[i]) for i, target in columns.items()}
        problem = self._problem(row, values)
        if isinstance(problem, Finding):
            _leave_out(self.result, problem)
        else:
            self.result.kept.append(problem)

    def _problem(self, row: _Row, values: dict) -> Finding | Response:
        def at(target: str, code: str, message: str, hint: str | None = None) -> Finding:
            line, column = values[target][1] if target in values else (row.line, 1)
            return finding(code, row.file, message, line=line, column=column, hint=hint)

        value = lambda target: values.get(target, ("", None))[0]  # noqa: E731
        for target in REQUIRED_COLUMNS:
            if not value(target):
                return at(target, "missing-value", f"this row has no {target}: it is left out")
        respondent, module = value("respondent_id"), value("module")
        if module not in self.modules:
            return at("module", "unknown-module", f"module '{module}' is not a module of the program",
                      hint="Modules of the program: " + ", ".join(self.modules) + ".")
        match = _DATE.fullmatch(value("session_date"))
        try:
            session_date = datetime.date.fromisoformat(match.group(1)) if match else None
        except ValueError:
            session_date = None
        if session_date is None:
            return at("session_date", "invalid-date", f"'{value('session_date')}' is not a date",
                      hint="Write the session date as YYYY-MM-DD, e.g. 2027-03-08.")
        person = None
        if self.participants is not None:
            person = self.participants.get(respondent)
            if person is None:
                return at("respondent_id", "unknown-person", f"respondent '{respondent}' is not a person of the "
                          "participants file", hint="Use the person's `id` in the participants file of `rmkit pair`.")
        role = value("role").casefold() or (getattr(person, "role", "") or "")
        if role not in ROLES:
            return at("role", "invalid-value", f"role '{value('role')}' is neither mentor nor mentee"
                      if value("role") else "this row has no role: it is left out")
        if person is not None and getattr(person, "role", role) != role:
            return at("role", "invalid-value", f"role '{role}' differs from the participants file "
                      f"('{person.role}')")
        pair = value("pair_id") or None
        if self.pairs is not None:
            pair = self._pair(respondent, role, pair)
            if isinstance(pair, str) and pair.startswith("!"):
                return at("pair_id", "unknown-pair", pair[1:],
                          hint="With --pairs, a pair id is the pair's row number in the pairs file "
                               "(1 for the first pair); leave it empty to find the pair from the respondent.")
        answers = {}
        for qid, question in self.questions.items():
            text = value(qid)
            if not text:
                continue
            parsed = self._answer(question, text)
            if parsed is None:
                return at(qid, "answer-out-of-scale", _scale_message(question, text))
            answers[qid] = parsed
        key = (respondent, pair, module, session_date)  # a mentor of two mentees meets each of them
        if key in self.seen:
            file, line = self.seen[key]
            return finding("duplicate-response", row.file, f"a second response from the same respondent for module "
                           f"'{module}' on {session_date.isoformat()}; the first is at {file}:{line}",
                           line=row.line, column=1)
        self.seen[key] = (row.file, row.line)
        return Response(row.file, row.line, respondent, pair, role, module, session_date, answers)

    def _pair(self, respondent: str, role: str, given: str | None) -> str | None:
        """The pair's number in the pairs file; '!message' when it cannot be."""
        side = 0 if role == "mentor" else 1
        if given:
            if not given.isdigit() or not 1 <= int(given) <= len(self.pairs):
                return f"!pair '{given}' is not a row of the pairs file, which holds {len(self.pairs)} pair(s)"
            if self.pairs[int(given) - 1][side] != respondent:
                return f"!the respondent is not the {role} of pair {int(given)}"
            return str(int(given))
        found = [str(n) for n, pair in enumerate(self.pairs, 1) if pair[side] == respondent]
        # A mentor of two mentees answers for one of them: only pair_id can say which.
        return found[0] if len(found) == 1 else None

    def _answer(self, question: dict, text: str):
        scale = question.get("scale")
        if scale == "rating-5":
            return int(text) if text.isascii() and text.isdigit() and int(text) in RATING_SCALE else None
        if scale == "yes-no":
            return self.words.get(text.casefold())
        return text


def _scale_message(question: dict, text: str) -> str:
    if question.get("scale") == "rating-5":
        return f"'{text}' is not a rating from 1 to 5 (question '{question['id']}')"
    return f"'{text}' is not yes or no (question '{question['id']}')"
