"""Reporters: findings as text for people, JSON for tools, annotations for GitHub Actions."""

from __future__ import annotations

import json
from typing import Callable

from .findings import Finding


def _location(f: Finding) -> str:
    if f.line is None:
        return f.file
    return f"{f.file}:{f.line}:{f.column or 1}"


def report_text(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{_location(f)}: {f.severity.value}[{f.code}]: {f.message}")
        if f.hint:
            lines.append(f"  hint: {f.hint}")
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    lines.append(f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
    return "\n".join(lines) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def report_json(findings: list[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def report_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for f in findings:
        props = [f"file={_escape_property(f.file)}"]
        if f.line is not None:
            props += [f"line={f.line}", f"col={f.column or 1}"]
        props.append(f"title={_escape_property(f.code)}")
        message = f.message + (f"\n{f.hint}" if f.hint else "")
        lines.append(f"::{f.severity.value} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


REPORTERS: dict[str, Callable[[list[Finding]], str]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
}
