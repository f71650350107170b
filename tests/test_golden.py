"""Golden pages: the rendered Markdown of the bundled program's en-GB edition, compared as a whole.

Regenerate after an intended change with `python3 -m pytest tests/test_golden.py --update-golden`
and review the diff of tests/golden/ before committing it. The locale is the edition's own
(Babel, en_GB), whatever the machine's locale.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rmkit.render import AUDIENCES, Renderer
from rmkit.resolve import edition_entries, resolve_edition
from rmkit.validate import validate_project

from .conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
EDITION = "en-GB"


def _rendered(audience: str) -> dict[str, str]:
    project, findings = validate_project(ROOT)
    assert not any(f.is_error for f in findings), findings
    editions = [resolve_edition(project, entry) for entry in edition_entries(project)]
    edition = next(e for e in editions if e.id == EDITION)
    site = Renderer(project).site(edition, audience, editions, ROOT / "build" / EDITION / audience)
    return {path: content for path, content in site.files.items() if isinstance(content, str)}


@pytest.mark.parametrize("audience", AUDIENCES)
def test_rendered_markdown_matches_the_golden_pages(audience: str, update_golden: bool):
    rendered = _rendered(audience)
    golden = GOLDEN / EDITION / audience
    if update_golden:
        shutil.rmtree(golden, ignore_errors=True)
        for path, content in rendered.items():
            (golden / path).parent.mkdir(parents=True, exist_ok=True)
            (golden / path).write_text(content, encoding="utf-8")
    expected = {p.relative_to(golden).as_posix(): p.read_text(encoding="utf-8")
                for p in golden.rglob("*") if p.is_file()}
    assert expected, "no golden pages: run pytest --update-golden once"
    assert sorted(rendered) == sorted(expected)
    for path in sorted(rendered):
        assert rendered[path] == expected[path], f"{path} differs from tests/golden/{EDITION}/{audience}/{path}"
