"""Reporters asserted exactly, and the CLI's exit codes, on projects built inline."""

import json
import subprocess
import sys

import pytest

from rmkit.cli import main
from rmkit.findings import CODES, codes_reference
from rmkit.validate import validate_project

from .helpers import replace_once, starter_project

MODULE = "curriculum/modules/getting-started.yml"


@pytest.fixture
def broken(tmp_path):
    """The starter with one unknown exercise in an agenda and one fuzzy objective."""
    root = starter_project(tmp_path)
    replace_once(root / MODULE, "      - exercise: pair-agreement\n", "      - exercise: pair-agreemnt\n")
    replace_once(root / MODULE, "text: Explain one business", "text: Understand one business")
    return root


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_reporter_exact(broken, capsys):
    code, out, _ = run(capsys, "-C", str(broken), "validate")
    assert code == 1
    assert out == (
        "curriculum/modules/getting-started.yml:13:11: warning[fuzzy-objective]: objective "
        "'explain-business-priority' says \"Understand\", which nobody can observe\n"
        "  hint: Use an observable verb such as explain, set up, compare, publish.\n"
        "curriculum/modules/getting-started.yml:22:19: error[unknown-exercise]: agenda names exercise "
        "'pair-agreemnt', which this module does not define\n"
        "  hint: Exercises of this module: business-priority, pair-agreement.\n"
        "1 error, 1 warning\n"
    )


def test_json_reporter_equals_the_library_records(broken, capsys):
    code, out, _ = run(capsys, "-C", str(broken), "validate", "--format", "json")
    assert code == 1
    _, findings = validate_project(broken)
    assert json.loads(out) == [f.to_dict() for f in findings]
    assert set(json.loads(out)[0]) == {"code", "severity", "file", "line", "column", "pointer", "message", "hint"}
    assert json.loads(out)[1]["pointer"] == "/sessions/0/agenda/1/exercise"


def test_github_reporter_exact(broken, capsys):
    code, out, _ = run(capsys, "-C", str(broken), "validate", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::warning file=curriculum/modules/getting-started.yml,line=13,col=11,title=fuzzy-objective::"
        "objective 'explain-business-priority' says \"Understand\", which nobody can observe%0A"
        "Use an observable verb such as explain, set up, compare, publish.",
        "::error file=curriculum/modules/getting-started.yml,line=22,col=19,title=unknown-exercise::"
        "agenda names exercise 'pair-agreemnt', which this module does not define%0A"
        "Exercises of this module: business-priority, pair-agreement.",
    ]


def test_strict_fails_on_warnings_only(tmp_path, capsys):
    root = starter_project(tmp_path)
    replace_once(root / MODULE, "text: Explain one business", "text: Understand one business")
    assert run(capsys, "-C", str(root), "validate")[0] == 0
    assert run(capsys, "-C", str(root), "validate", "--strict")[0] == 1


def test_clean_project_exits_zero(tmp_path, capsys):
    code, out, _ = run(capsys, "-C", str(starter_project(tmp_path)), "validate", "--strict")
    assert (code, out) == (0, "0 errors, 0 warnings\n")


@pytest.mark.parametrize("argv", [["validate", "--format", "xml"], ["frobnicate"], [], ["build", "--audience", "boss"]])
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_missing_directory_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(capsys, "-C", str(tmp_path / "nope"), "validate")
    assert code == 2 and "is not a directory" in err


def test_init_creates_a_project_that_validates(tmp_path, capsys):
    code, out, _ = run(capsys, "init", str(tmp_path / "new"))
    assert code == 0
    assert (tmp_path / "new/schemas/module.schema.json").is_file()
    assert run(capsys, "-C", str(tmp_path / "new"), "validate", "--strict")[0] == 0


def test_init_refuses_a_non_empty_directory(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    code, _, err = run(capsys, "init", str(tmp_path))
    assert code == 2 and "not empty" in err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_schema_export_writes_every_schema(tmp_path, capsys):
    code, out, _ = run(capsys, "schema", "export", str(tmp_path / "schemas"))
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert names == ["country.schema.json", "editions.schema.json", "module.schema.json", "program.schema.json"]
    for path in (tmp_path / "schemas").iterdir():
        assert json.loads(path.read_text())["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_codes_reference_page_is_current(capsys):
    """docs/error-codes.md is generated: regenerate with `rmkit codes > docs/error-codes.md`."""
    from pathlib import Path

    page = Path(__file__).resolve().parents[1] / "docs" / "error-codes.md"
    assert page.read_text(encoding="utf-8") == codes_reference()
    for name in CODES:
        assert f"`{name}`" in page.read_text(encoding="utf-8")


def test_console_script_runs_as_a_module(tmp_path):
    result = subprocess.run([sys.executable, "-m", "rmkit", "-C", str(starter_project(tmp_path)), "validate"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("0 errors, 0 warnings\n")


def test_committed_schemas_match_the_packaged_ones():
    """The modelines of the bundled YAML point at schemas/: keep it equal to the package's."""
    from pathlib import Path

    from rmkit.schema import KINDS, schema_file

    exported = Path(__file__).resolve().parents[1] / "schemas"
    for kind in KINDS:
        assert (exported / schema_file(kind).name).read_text() == schema_file(kind).read_text()
