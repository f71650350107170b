"""Translations: gettext catalogs of the content (extraction, update, status, checks).

Interface used by the other stages (keep it stable):
- `load_translations(project, language)` → Translations, whose `gettext(text)` returns the
  confirmed translation of a source text, or the source text itself (untranslated and fuzzy
  entries fall back to the source) and counts the fallbacks in `fallbacks`;
- `check_catalogs(project, valid)` → findings for `rmkit validate`;
- `run_command(root, args)` → exit code, for `rmkit i18n extract|update|status`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.messages.pofile import read_po

from .findings import Finding
from .project import Project


@dataclass
class Translations:
    language: str
    messages: dict[str, str] = field(default_factory=dict)
    fallbacks: set[str] = field(default_factory=set)

    def gettext(self, text: str) -> str:
        translated = self.messages.get(text)
        if translated:
            return translated
        if self.messages is not None:
            self.fallbacks.add(text)
        return text


def load_translations(project: Project, language: str) -> Translations | None:
    """The confirmed translations of `language`; None for the source language."""
    if project.program and language == project.program.data.get("source_language"):
        return None
    path = project.catalog_path(language)
    if not path.is_file():
        return Translations(language)
    with path.open("rb") as f:
        catalog = read_po(f, locale=language)
    messages = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}
    return Translations(language, messages)


def check_catalogs(project: Project, valid: set[str]) -> list[Finding]:
    return []


def run_command(root, args) -> int:
    raise NotImplementedError("rmkit i18n is not implemented yet")
