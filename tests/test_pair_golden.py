"""Golden reports of `rmkit pair` on the bundled example (examples/pairing/participants.csv) and
the bundled program, compared as a whole, in English and Japanese.

Regenerate after an intended change with
`python3 -m pytest tests/test_pair_golden.py --update-golden` and review the diff of
tests/golden/pairing/ before committing it. The README quotes the English report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rmkit.cli import main

from .conftest import ROOT

GOLDEN = Path(__file__).parent / "golden" / "pairing"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_proposal_for_the_bundled_example_matches_the_golden_report(language, update_golden, capsys):
    code = main(["-C", str(ROOT), "pair", "examples/pairing/participants.csv", "--language", language])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""  # the example is clean: no finding, not even a warning
    golden = GOLDEN / f"proposal.{language}.txt"
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_the_readme_shows_the_english_proposal():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (GOLDEN / "proposal.en.txt").read_text(encoding="utf-8") in readme
