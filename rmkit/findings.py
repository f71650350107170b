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
        Code("file-too-large", _E, "A YAML file is larger than 1 MiB.",
             "Split the content into several modules."),
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
        Code("unknown-learner-profile", _E, "An exercise variant names a learner profile the program does not declare.",
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
        Code("malformed-placeholder", _E, "A text has an unbalanced brace or an invalid placeholder.",
             "Placeholders look like `{name}` or `{group.name}`; write `{{` and `}}` for literal braces."),
        Code("undefined-placeholder", _E, "A placeholder is not defined by the country of some edition.",
             "Add the value to `vars` of every country profile used by an edition."),
        # -- translations
        Code("catalog-malformed", _E, "A translation catalog (.po) cannot be read.", ""),
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
        Code("engine-warning", _W, "The site engine warned while building a site (e.g. a broken link).",
             "Open the generated project under build/ to see the page it names."),
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
