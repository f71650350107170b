"""Findings: one record per problem found in a project, and the catalog of their codes.

The catalog below is the single source of truth for codes, severities and hints; the
reference page `docs/error-codes.md` is generated from it (`rmkit codes`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    name: str
    severity: Severity
    summary: str
    hint: str = ""


_E, _W = Severity.ERROR, Severity.WARNING

#: Every code rmkit reports. Stable: tools and people match on these names.
CODES: dict[str, Code] = {
    c.name: c
    for c in [
        # -- reading files
        Code("file-missing", _E, "A file the project needs does not exist.",
             "Create it, or run `rmkit init DIR` to start from a working project."),
        Code("file-too-large", _E, "A YAML file or translation catalog is larger than 1 MiB.",
             "Split the content into several modules."),
        Code("file-not-regular", _E, "A file of the project is not a regular file (a FIFO, a device, a folder).",
             "Replace it with a regular file: rmkit reads only regular files."),
        Code("file-empty", _E, "A YAML file holds no document.",
             "Write the mapping the file is for, or delete the file."),
        Code("file-not-utf8", _E, "A file is not valid UTF-8.",
             "Save the file as UTF-8 in your editor."),
        Code("file-has-bom", _E, "A file starts with a UTF-8 byte order mark.",
             "Save the file as UTF-8 without BOM."),
        Code("yaml-tab", _E, "A tab is used for indentation.",
             "YAML indents with spaces only: replace the tab with spaces."),
        Code("yaml-syntax", _E, "The file is not valid YAML.",
             "Check the indentation and quoting around this position."),
        Code("yaml-duplicate-key", _E, "A key appears twice in the same mapping.",
             "YAML would silently keep only the last value: remove or rename one."),
        Code("yaml-alias", _E, "A YAML alias (`*name`) is used.",
             "rmkit does not expand anchors and aliases: write the value out."),
        Code("yaml-not-mapping", _E, "The document is not a mapping of keys to values.",
             "Start the file with `key: value` lines."),
        # -- schema
        Code("missing-key", _E, "A required key is missing.", ""),
        Code("unknown-key", _E, "A key is not part of the content model.",
             "Check the spelling; the content model lists the keys each file accepts."),
        Code("wrong-type", _E, "A value has the wrong type.", ""),
        Code("invalid-value", _E, "A value is not one of the allowed values.", ""),
        Code("invalid-id", _E, "An id is not a slug.",
             "Use lower-case letters, digits and single hyphens, e.g. `security-basics`."),
        Code("invalid-format", _E, "A value does not have the expected format.", ""),
        Code("too-few-items", _E, "A list has fewer items than required.", ""),
        Code("out-of-range", _E, "A number is outside the allowed range.", ""),
        Code("schema", _E, "A value does not match the content model.", ""),
        # -- references and structure
        Code("module-id-mismatch", _E, "A module's `id` differs from its file stem.",
             "Rename the file or change the id so that they match."),
        Code("country-mismatch", _E, "A country profile's `country` differs from its file stem.",
             "Rename the file or change `country` so that they match."),
        Code("duplicate-id", _E, "Two items share an id where ids must be unique.", ""),
        Code("unknown-module", _E, "A module id does not name a module file.",
             "Check the spelling, or create `curriculum/modules/<id>.yml`."),
        Code("unknown-objective", _E, "An exercise serves an objective that does not exist in its module.", ""),
        Code("unknown-exercise", _E, "An agenda names an exercise that does not exist in its module.", ""),
        Code("agenda-minutes", _E, "A session's agenda does not add up to the session's minutes.", ""),
        Code("prerequisite-cycle", _E, "Modules require each other in a cycle.",
             "Remove one of the prerequisites so that the modules have an order."),
        Code("unknown-learner-profile", _E, "An exercise variant or a participant names a learner profile the program "
             "does not declare.",
             "Declare it in `learner_profiles` of program.yml, or use a declared one."),
        Code("unknown-country", _E, "An edition's country has no profile in `locales/countries/`.",
             "Create `locales/countries/<CC>.yml`."),
        Code("duplicate-edition", _E, "Two editions share an id.", ""),
        Code("excluded-prerequisite", _E, "An edition excludes a module that one of its modules requires.",
             "Exclude the dependent module too, or keep the prerequisite."),
        Code("empty-edition", _E, "An edition excludes every module.", ""),
        Code("invalid-date", _E, "A date is not a real calendar date (YYYY-MM-DD).", ""),
        # -- text
        Code("raw-html", _E, "A text field holds raw HTML.",
             "Use Markdown instead (e.g. `**bold**`, a blank line for a new paragraph)."),
        Code("unsafe-link", _E, "A link's scheme is not https, http, mailto or a relative path (e.g. `javascript:`).",
             "Link to an https address, or to a file under the project's `assets/` folder."),
        Code("remote-resource", _E, "An image or other embedded resource is not a file of the project.",
             "Put the file under the project's `assets/` folder and write its path from the project's root "
             "(`assets/diagram.png`): rmkit copies `assets/` into every site and links it relatively."),
        Code("attribute-list", _E, "A text holds an attribute list (`{: …}`), which would set HTML attributes.",
             "Remove it: content texts cannot set ids, classes or other attributes of the page."),
        Code("malformed-placeholder", _E, "A text has an unbalanced brace or an invalid placeholder.",
             "Placeholders look like `{name}` or `{group.name}`; write `{{` and `}}` for literal braces."),
        Code("undefined-placeholder", _E, "A placeholder is not defined by the country of some edition.",
             "Add the value to `vars` of every country profile used by an edition."),
        # -- translations
        Code("catalog-malformed", _E, "A translation catalog (.po) cannot be read.", ""),
        Code("plural-forms-differ", _W, "A catalog's `Plural-Forms` rule differs from the installed Babel's rule "
             "for its language.",
             "The catalog's own rule keeps deciding which form a count shows. To adopt Babel's (CLDR) rule, run "
             "`rmkit i18n update --plural-forms cldr`: the plural entries turn fuzzy for the translator to review."),
        Code("translation-placeholders", _E, "A translation's placeholders differ from its source's.",
             "Keep every `{placeholder}` of the source text, spelled exactly as in the source."),
        Code("translation-html", _E, "A translation holds raw HTML.",
             "Use Markdown, as in the source text."),
        Code("missing-catalog", _W, "An edition's language has no translation catalog; it shows the source text.",
             "Run `rmkit i18n update` and translate the new catalog."),
        Code("unused-catalog", _W, "A translation catalog's language is used by no edition.", ""),
        Code("incomplete-translation", _W, "Some texts of an edition are untranslated or fuzzy and show the source text.",
             "Translate them, and confirm fuzzy entries (remove the fuzzy flag)."),
        # -- lint
        Code("module-not-listed", _W, "A module file is not listed in the program.",
             "Add its id to `modules` in program.yml, or delete the file."),
        Code("session-too-long", _W, "A session is longer than the time booked per session.",
             "Shorten the agenda or raise `cadence.session_minutes`."),
        Code("objective-not-served", _W, "No exercise serves this objective.",
             "Add the objective's id to the `objectives` of an exercise that practises it."),
        Code("fuzzy-objective", _W, "An objective uses a verb nobody can observe.",
             "Use an observable verb such as explain, set up, compare, publish."),
        # -- building
        Code("template-error", _E, "A template cannot be rendered.", ""),
        Code("build-failed", _E, "The site engine failed to build a site.", ""),
        Code("remote-asset", _W, "mkdocs.yml loads a stylesheet or script (`extra_css`, `extra_javascript`) from another host.",
             "Every page would fetch it: put the file under the project's `assets/` folder and name it `assets/<file>`."),
        Code("build-in-progress", _E, "Another `rmkit build` (or `rmkit serve`) is building this project.",
             "Wait for it to finish. The lock (`build/.rmkit-lock`) is released when that process ends, "
             "however it ends."),
        Code("engine-warning", _W, "The site engine warned while building a site (e.g. a broken link).",
             "Open the generated project under build/ to see the page it names."),
        # -- calendar: times, time zones, public holidays and closures
        Code("invalid-time", _E, "A time of day is not `HH:MM` on a 24-hour clock.",
             'Write it in quotes, e.g. `session_time: "18:30"` (unquoted, YAML reads 18:30 as a number).'),
        Code("unknown-timezone", _E, "A time zone is not an IANA time zone name.",
             "Use a name such as `Europe/Paris`, `Asia/Tokyo` or `America/New_York`."),
        Code("unknown-subdivision", _E, "A subdivision is not one the country's public holidays know.", ""),
        Code("invalid-closure", _E, "A closure ends before it starts.",
             "Write the first day in `from` and the last day in `to`."),
        Code("session-time-without-timezone", _W, "An edition sets `session_time` but no time zone applies.",
             "Add `timezone` to the edition or to its country profile."),
        Code("no-public-holidays", _W, "rmkit knows no public holidays for an edition's country.",
             "List the country's holidays in `closed` of the edition, or set `holidays: ignore`."),
        Code("start-on-day-off", _W, "An edition starts on a public holiday, a weekend day or a closure.",
             "Start on a working day; the first session moves to the next one (or set `holidays: flag`)."),
        # -- people's data: the participants and pair files of `rmkit pair` and `rmkit report`
        Code("csv-syntax", _E, "A CSV file is malformed (a quote not closed, text after a quoted value).",
             "Quote a value that holds a comma, a semicolon or a line break, and double the quotes inside it."),
        Code("csv-fields", _E, "A CSV row has more or fewer values than the header has columns.",
             "Quote values that hold the delimiter, or add the missing empty values."),
        Code("unknown-column", _E, "A column of the participants file is not one rmkit reads.",
             "Remove it: rmkit reads only the documented columns, so that nobody feeds it data the "
             "pairing does not need."),
        Code("duplicate-column", _E, "Two columns of a CSV header have the same name.", ""),
        Code("missing-column", _E, "A required column is missing from a CSV header.", ""),
        Code("missing-value", _E, "A required value is empty.", ""),
        Code("unknown-role", _E, "A participant's role is neither `mentor` nor `mentee`.", ""),
        Code("invalid-country", _E, "A country is not a two-letter ISO 3166 code.", "For example GB, FR, JP, IN."),
        Code("invalid-language", _E, "A language is not a language code.", "For example en, fr, ja, hi, ar."),
        Code("unknown-topic", _W, "A topic is not a module id of the program; it is matched as a free tag.",
             "Use the module ids of program.yml, or spell a free tag the same way for mentors and mentees."),
        Code("invalid-slot", _E, "An availability slot is not a day and a part of day.",
             "Write slots as Mon-AM, Thu-PM or Fri-EV (Mon to Sun; AM, PM or EV), separated by semicolons."),
        Code("invalid-number", _E, "A number is not a number of the expected kind.", ""),
        Code("invalid-capacity", _E, "A mentor's capacity is not a whole number of mentees, 0 or more.", ""),
        Code("unknown-person", _E, "An id (a manager, a request, a pair) names nobody in the participants file.", ""),
        Code("request-ignored", _W, "A request names the person themselves or someone of the same role.", ""),
        Code("manager-cycle", _E, "Managers form a cycle: someone is their own manager, directly or not.",
             "Correct the manager_id values so that every chain of managers ends."),
        Code("pair-conflict", _E, "Pinned or kept pairs give a mentee two mentors, or pinned pairs give a mentor "
             "more mentees than their capacity.", "Keep one pair per mentee, or raise the mentor's capacity."),
        Code("pin-breaks-rule", _E, "A pinned pair breaks a hard rule of the pairing.",
             "Unpin it, or correct the participants' data if it is wrong."),
        Code("kept-breaks-rule", _W, "A running pair kept with --keep breaks a hard rule or its mentor's capacity; "
             "it is kept all the same.",
             "Check with the pair whether it still works."),
        # -- evaluation responses (rmkit report): a row with an error is left out of the report
        Code("unknown-question", _E, "A response column is neither a template column nor a question of the program.",
             "Name it in the --map file: a template column, a question id, or ~ to leave it out on purpose."),
        Code("answer-out-of-scale", _E, "An answer is not on its question's scale (1 to 5, or yes/no).", ""),
        Code("duplicate-response", _E, "A respondent answered twice for the same module and session.",
             "Keep one row per person, module and session."),
        Code("unknown-pair", _E, "A response names a pair the pairs file does not hold, or one the respondent "
             "is not in.", ""),
        # -- PDFs
        Code("pdf-font-missing", _W, "A font the PDFs need is not installed; they would use another, or show empty boxes.",
             "Install the Debian package the message names, or build without PDFs (--no-pdf)."),
        Code("pdf-remote-resource", _E, "The PDF would fetch something that is not a file of the project.",
             "rmkit fetches nothing from the network: put the file in the project and refer to it relatively."),
        Code("pdf-failed", _E, "The PDF engine (WeasyPrint) failed to make a PDF.", ""),
        Code("pdf-warning", _W, "The PDF engine warned while making a PDF (e.g. a CSS property it ignores).",
             "Check the print templates (print.html.j2, print.css.j2) of the project's templates/."),
    ]
}


@dataclass(frozen=True)
class Finding:
    """One problem, located as precisely as the input allows."""

    code: str
    severity: Severity
    file: str
    line: int | None
    column: int | None
    pointer: str
    message: str
    hint: str

    def to_dict(self) -> dict:
        record = asdict(self)
        record["severity"] = self.severity.value
        return record

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def finding(code: str, file: str, message: str, *, line: int | None = None,
            column: int | None = None, pointer: str = "", hint: str | None = None) -> Finding:
    """A finding of a catalogued code; the hint defaults to the code's own."""
    entry = CODES[code]
    return Finding(code, entry.severity, file, line, column, pointer, message,
                   entry.hint if hint is None else hint)


class RmkitError(Exception):
    """Work cannot go on; carries the findings that say why."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("; ".join(f.message for f in findings))


class UsageError(Exception):
    """The command asked for something the project does not have (exit code 2, no findings)."""


def sort_key(f: Finding):
    return (f.file, f.line or 0, f.column or 0, f.code)


def codes_reference() -> str:
    """The Markdown reference page of every code (docs/error-codes.md)."""
    lines = ["# Finding codes", "",
             "Generated by `rmkit codes` from `rmkit/findings.py`; do not edit by hand.", "",
             "| code | severity | meaning | hint |", "| --- | --- | --- | --- |"]
    for c in CODES.values():
        lines.append(f"| `{c.name}` | {c.severity.value} | {c.summary} | {c.hint} |")
    return "\n".join(lines) + "\n"
