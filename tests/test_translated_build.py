"""The translator's round trip, through the build: extract → update → translate → build,
then an English change turns the translation fuzzy and the edition shows the English."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from rmkit.build import build
from rmkit.cli import main
from rmkit.findings import RmkitError

from .helpers import replace_once, starter_project

SOURCE = "Write the pair agreement"
FRENCH = "Rédiger la charte du binôme"


def _french_project(tmp_path: Path) -> Path:
    root = starter_project(tmp_path)
    (root / "locales" / "countries" / "FR.yml").write_text(
        "country: FR\nvars:\n  network:\n    professional: LinkedIn\n    messaging: WhatsApp\n", encoding="utf-8")
    (root / "locales" / "editions.yml").write_text(
        "editions:\n  - {id: en-GB, language: en, country: GB}\n"
        "  - {id: fr-FR, language: fr, country: FR, start_date: 2027-01-18}\n", encoding="utf-8")
    assert main(["-C", str(root), "i18n", "update"]) == 0
    return root


def _translate_everything(catalog_path: Path, **overrides) -> None:
    with catalog_path.open("rb") as f:
        catalog = read_po(f, locale="fr")
    for message in catalog:
        if message.id:
            message.string = overrides.get(message.id, f"[fr] {message.id}")
            message.flags.discard("fuzzy")
    with catalog_path.open("wb") as f:
        write_po(f, catalog, width=76)


def _page(root: Path) -> str:
    return (root / "site" / "fr-FR" / "mentee" / "modules" / "getting-started.html").read_text(encoding="utf-8")


def test_translate_build_change_confirm(tmp_path, capsys):
    root = _french_project(tmp_path)
    catalog = root / "locales" / "fr" / "LC_MESSAGES" / "curriculum.po"
    _translate_everything(catalog, **{SOURCE: FRENCH})
    result = build(root, jobs=1, strict=True)
    assert result.findings == []
    assert FRENCH in _page(root) and "18 janvier 2027" in _page(root)

    # The designer rewrites the English title: the translation turns fuzzy and is not shown.
    replace_once(root / "curriculum" / "modules" / "getting-started.yml",
                 f"title: {SOURCE}", "title: Write the pair agreement together")
    assert main(["-C", str(root), "i18n", "update"]) == 0
    with catalog.open("rb") as f:
        entry = read_po(f, locale="fr").get("Write the pair agreement together")
    assert entry.fuzzy and entry.string == FRENCH
    result = build(root, jobs=1)
    assert [f.code for f in result.findings] == ["incomplete-translation"]
    assert "1 text(s)" in result.findings[0].message
    assert "Write the pair agreement together" in _page(root) and FRENCH not in _page(root)
    with pytest.raises(RmkitError):
        build(root, jobs=1, strict=True)

    # The translator confirms an updated translation.
    _translate_everything(catalog, **{"Write the pair agreement together": "Rédiger ensemble la charte du binôme"})
    assert build(root, jobs=1, strict=True).findings == []
    assert "Rédiger ensemble la charte du binôme" in _page(root)
