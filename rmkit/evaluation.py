"""The evaluation template: the columns a program's session feedback is collected in.

Each dated edition offers `site/<edition>/evaluation-template.csv`, beside its two sites, and
the mentor guide holds a copy that its evaluation page links to. `rmkit report` reads files in this layout (or a survey
tool's export mapped onto it, see `responses.py`). The columns come from the resolved
edition: the fixed columns below, then one per evaluation question of the program, headed
by the question's id.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .cache import write_if_changed

TEMPLATE_FILE = "evaluation-template.csv"
# Who answered, in which pair, as which side, about which module, on which day.
FIXED_COLUMNS = ("respondent_id", "pair_id", "role", "module", "session_date")
SCALES = ("rating-5", "yes-no", "text")


def questions_of(program: dict) -> list[dict]:
    """The evaluation questions a program declares (none is allowed)."""
    return list(((program.get("evaluation") or {}).get("questions")) or [])


def template_columns(program: dict) -> list[str]:
    return list(FIXED_COLUMNS) + [q["id"] for q in questions_of(program)]


def template_csv(program: dict) -> str:
    """The header row of the template (UTF-8, comma-separated), as spreadsheets and survey tools read it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(template_columns(program))
    return out.getvalue()


def offers_template(edition) -> bool:
    return edition.start_date is not None and bool(questions_of(edition.program))


def site_files(edition) -> dict[str, str]:
    """The template inside the mentor guide too, so that the guide's link works wherever the
    guide is published (alone, or previewed by `rmkit serve`)."""
    return {f"docs/{TEMPLATE_FILE}": template_csv(edition.program)} if offers_template(edition) else {}


def write_templates(out: Path, editions) -> None:
    """`site/<edition>/evaluation-template.csv` for each dated edition (those with a calendar)."""
    for edition in editions:
        if offers_template(edition):
            write_if_changed(out / edition.id / TEMPLATE_FILE, template_csv(edition.program))
