"""Data-driven validation cases: tests/cases/{valid,invalid}/<case>/case.yml.

Each case changes the packaged starter project (patches, copies, raw files) and lists the
findings `rmkit validate` must report: code, file, line and column, nothing more, nothing less.
"""

from pathlib import Path

import pytest

from rmkit.validate import validate_project

from .helpers import CASES, case_project

ALL_CASES = sorted(p for p in CASES.glob("*/*") if (p / "case.yml").is_file())


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path, tmp_path):
    root, spec = case_project(case, tmp_path)
    _, findings = validate_project(root)
    found = [{"code": f.code, "file": f.file, "line": f.line, "column": f.column} for f in findings]
    assert found == spec["findings"]
    if case.parent.name == "valid":
        assert not any(f.is_error for f in findings)
    else:
        assert findings, "an invalid case must report something"
    for f in findings:
        assert f.message and f.pointer is not None


def test_every_invalid_case_names_a_catalogued_code():
    from rmkit.findings import CODES
    import yaml

    for case in ALL_CASES:
        for expected in yaml.safe_load((case / "case.yml").read_text())["findings"]:
            assert expected["code"] in CODES, case
