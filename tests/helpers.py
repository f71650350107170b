"""Building project trees for tests: the packaged starter, changed as a case says."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

STARTER = Path(__file__).resolve().parents[1] / "rmkit" / "defaults" / "starter"
CASES = Path(__file__).resolve().parent / "cases"


def starter_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(STARTER, root)
    return root


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def add_second_module(root: Path, *, mentor_notes: str | None = None) -> Path:
    """A copy of the starter's module as `second-steps`, second in the program; returns its file."""
    modules = root / "curriculum" / "modules"
    second = (modules / "getting-started.yml").read_text(encoding="utf-8")
    second = second.replace("id: getting-started", "id: second-steps").replace("title: Getting started",
                                                                                "title: Second steps")
    if mentor_notes is not None:
        second = second.replace("Let the mentee propose the rhythm", mentor_notes)
    (modules / "second-steps.yml").write_text(second, encoding="utf-8")
    replace_once(root / "curriculum" / "program.yml", "modules: [getting-started]",
                 "modules: [getting-started, second-steps]")
    return modules / "second-steps.yml"


def empty_catalogs(root: Path, languages) -> None:
    """A content catalog with no translation for each language: the editions show the source text."""
    for language in languages:
        catalog = root / "locales" / language / "LC_MESSAGES" / "curriculum.po"
        catalog.parent.mkdir(parents=True)
        catalog.write_text(f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n'
                           '"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")


def case_project(case: Path, tmp_path: Path) -> tuple[Path, dict]:
    """The starter project with the case's patches, copies and files applied."""
    root = starter_project(tmp_path)
    spec = yaml.safe_load((case / "case.yml").read_text(encoding="utf-8"))
    for copy in spec.get("copy", []):
        text = (root / copy["from"]).read_text(encoding="utf-8")
        for sub in copy.get("replace", []):
            assert sub["replace"] in text
            text = text.replace(sub["replace"], sub["with"], 1)
        (root / copy["to"]).write_text(text, encoding="utf-8")
    for patch in spec.get("patch", []):
        replace_once(root / patch["file"], patch["replace"], patch["with"])
    if "pad" in spec:
        with (root / spec["pad"]["file"]).open("a", encoding="utf-8") as f:
            f.write("# " + "x" * spec["pad"]["bytes"] + "\n")
    files = case / "files"
    if files.is_dir():
        shutil.copytree(files, root, dirs_exist_ok=True)
    return root, spec
