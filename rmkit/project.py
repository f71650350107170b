"""A curriculum project on disk: where its files are, and loading them all (stage 1)."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, finding
from .loader import Document, load_yaml

PACKAGE_DEFAULTS = Path(__file__).parent / "defaults"


@dataclass
class Project:
    root: Path
    program: Document | None = None
    modules: dict[str, Document] = field(default_factory=dict)  # by file stem, sorted
    editions: Document | None = None
    countries: dict[str, Document] = field(default_factory=dict)  # by file stem
    # Every file present, loaded or not: a broken file is not also reported as missing.
    module_files: set[str] = field(default_factory=set)
    country_files: set[str] = field(default_factory=set)

    @property
    def curriculum_dir(self) -> Path:
        return self.root / "curriculum"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def templates_dirs(self) -> list[Path]:
        """The project's own templates first, so they override the packaged ones file by file."""
        own = self.root / "templates"
        return ([own] if own.is_dir() else []) + [PACKAGE_DEFAULTS / "templates"]

    def mkdocs_config(self) -> Path:
        own = self.root / "mkdocs.yml"
        return own if own.is_file() else PACKAGE_DEFAULTS / "mkdocs.yml"

    def catalog_path(self, language: str, domain: str = "curriculum") -> Path:
        return self.locales_dir / language / "LC_MESSAGES" / f"{domain}.po"


@contextmanager
def gc_paused():
    """Pause the cycle collector while building many long-lived objects.

    Loading keeps every node (for positions); with the collector on, each gen-2 pass
    rescans them all, which costs as much as parsing. Nothing built here is cyclic.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_project(root: Path) -> tuple[Project, list[Finding]]:
    """Read every YAML file of the project. Files that cannot be read are left out, with findings."""
    with gc_paused():
        return _load_project(root)


def _load_project(root: Path) -> tuple[Project, list[Finding]]:
    project = Project(root=root.resolve())
    findings: list[Finding] = []

    def load(path: Path) -> Document | None:
        document, problems = load_yaml(path, project.relative(path))
        findings.extend(problems)
        return document

    program = project.curriculum_dir / "program.yml"
    if os.path.lexists(program):  # a FIFO or device too: load_yaml says what it is
        project.program = load(program)
    else:
        findings.append(finding("file-missing", project.relative(program),
                                "the project has no curriculum/program.yml"))
    for path in sorted((project.curriculum_dir / "modules").glob("*.yml")):
        project.module_files.add(path.stem)
        document = load(path)
        if document:
            project.modules[path.stem] = document
    editions = project.locales_dir / "editions.yml"
    if os.path.lexists(editions):
        project.editions = load(editions)
    else:
        findings.append(finding("file-missing", project.relative(editions),
                                "the project has no locales/editions.yml"))
    for path in sorted((project.locales_dir / "countries").glob("*.yml")):
        project.country_files.add(path.stem)
        document = load(path)
        if document:
            project.countries[path.stem] = document
    return project, findings
