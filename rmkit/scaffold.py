"""`rmkit init`: a new project that validates and builds, from the packaged starter."""

from __future__ import annotations

import shutil
from pathlib import Path

from .project import PACKAGE_DEFAULTS
from .schema import export_schemas

STARTER = PACKAGE_DEFAULTS / "starter"


def create_project(target: Path) -> None:
    """Copy the starter project into `target`, which must be empty or absent."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target} exists and is not empty: rmkit init only writes into a new directory")
    shutil.copytree(STARTER, target, dirs_exist_ok=True)
    export_schemas(target / "schemas")
