"""rmkit: curriculum authoring and content packaging for reverse-mentoring programs.

The public API:

- `validate_project(root)` → (project, findings): load and check a project;
- `build(root, ...)` → BuildResult: build the mentor guide and mentee workbook of each edition;
- `Finding`, `Severity`, `CODES`: the records every stage reports.
"""

from .findings import CODES, Finding, RmkitError, Severity
from .validate import validate_project


def build(root, **options):
    from .build import build as _build

    return _build(root, **options)


__all__ = ["CODES", "Finding", "RmkitError", "Severity", "build", "validate_project"]
__version__ = "0.1.0"
