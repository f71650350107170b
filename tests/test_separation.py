"""Audience separation is a security property: nothing mentor-only in any file of a mentee output.

The scan reads every file of every mentee site of the bundled program (pages, search index,
sitemap, 404 page, compressed files too) and looks for every mentor-only text of that
edition, as the edition shows it (translated, placeholders filled).
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from rmkit.catalogs import load_translations
from rmkit.model import TEXT_FIELDS, iter_texts
from rmkit.resolve import edition_entries, resolve_edition
from rmkit.validate import validate_project

from .conftest import ROOT

_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`#>|]+")
_TAG = re.compile(r"<[^<>]+>")
_LINE_START = re.compile(r"(?:^|\n)\s*(?:[-*+]|\d+\.)?\s+|\n")


def _normalized(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _fragments(text: str) -> list[str]:
    """The distinctive plain-text runs of a Markdown text, as they appear once rendered."""
    plain = _MARKUP.sub(lambda m: m.group(1) or "", text)
    runs = [_normalized(run) for run in _LINE_START.split(plain)]
    return [run for run in runs if len(run) >= 12]


def _readable(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    text = data.decode("utf-8", errors="replace")
    if path.suffix in (".json", ".js") and "search" in path.parts:
        # The search index escapes non-ASCII text: read its strings as the browser would.
        start = text.find("{")
        if start >= 0:
            try:
                text += json.dumps(json.loads(text[start:]), ensure_ascii=False)
            except ValueError:
                pass
    return _normalized(text)


def _texts_by_audience(edition) -> tuple[set[str], set[str], set[str]]:
    """(mentor-only texts, those the mentor guide shows, texts a mentee may see) of one edition.

    The mentor guide shows the country notes of its own edition's country only.
    """
    documents = [("program", edition.program), ("country", edition.country_profile)]
    documents += [("module", m) for m in edition.modules]
    mentor_only, shown, shared = set(), set(), set()
    for kind, data in documents:
        for field in iter_texts(kind, data):
            if not field.mentor_only:
                shared.add(field.text)
                continue
            mentor_only.add(field.text)
            if field.tokens[0] != "country_notes" or field.tokens[1] == edition.country:
                shown.add(field.text)
    return mentor_only - shared, shown - shared, shared


def _editions():
    project, findings = validate_project(ROOT)
    assert not any(f.is_error for f in findings), findings
    return project, edition_entries(project)


def test_the_text_table_marks_every_mentor_only_field_of_the_spec():
    mentor_only = {path for kind in TEXT_FIELDS.values() for path, _md, only in kind if only}
    for expected in [("mentor_prep", "explain"), ("exercises", "*", "mentor_notes"),
                     ("exercises", "*", "difficulties", "*", "response"), ("exercises", "*", "variants", "?"),
                     ("exercises", "*", "debrief", "*"), ("exercises", "*", "solution"),
                     ("country_notes", "?"), ("culture", "notes", "*"), ("preparation", "mentor", "*")]:
        assert expected in mentor_only


@pytest.mark.slow
def test_no_mentee_file_holds_a_mentor_only_text(bundled_site: Path):
    project, entries = _editions()
    checked_editions = 0
    for entry in entries:
        edition = resolve_edition(project, entry, load_translations(project, entry["language"]))
        mentor_only, shown, shared = _texts_by_audience(edition)
        visible = {f for text in shared for f in _fragments(text)}
        fragments = {f for text in mentor_only for f in _fragments(text)} - visible
        assert len(fragments) > 50, f"{entry['id']}: too few mentor-only texts to make the scan meaningful"

        mentee_files = [p for p in (bundled_site / entry["id"] / "mentee").rglob("*") if p.is_file()]
        assert any(p.name == "search_index.json" for p in mentee_files)
        assert any(p.name.startswith("sitemap") for p in mentee_files)
        leaks = []
        for path in mentee_files:
            if path.suffix in (".png", ".ico", ".svg", ".woff", ".woff2"):
                continue
            content = _readable(path)
            leaks += [f"{path.relative_to(bundled_site)}: {f[:60]!r}" for f in fragments if f in content]
        assert leaks == [], f"mentor-only text in the mentee output of {entry['id']}"

        # The scan can fail: the mentor guide of the same edition shows these very texts.
        mentor_pages = " ".join(_readable(p) for p in (bundled_site / entry["id"] / "mentor").rglob("*.html"))
        expected = {f for text in shown for f in _fragments(text)} - visible
        missing = [f for f in expected if f not in mentor_pages]
        assert missing == [], f"{entry['id']}: the mentor guide lacks {missing[:5]}"
        checked_editions += 1
    assert checked_editions >= 6


# -- the PDFs: the same rule, on the text a reader of the printed page sees ---------------------

_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]+")


def _pdf_text(path: Path, right_to_left: bool = False) -> str:
    """The text of a PDF, NFKC-normalised, without bidi marks, one space between words.

    poppler (`pdftotext`) reads left-to-right text best; right to left, it splits lines into
    visual runs and detaches vowel marks from their letters, so pypdf reads those PDFs.
    """
    import subprocess
    import unicodedata

    if right_to_left:
        import pypdf

        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    else:
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout
    return " ".join(_dehyphenated(unicodedata.normalize("NFKC", text).translate(_BIDI_MARKS)).split())


def _dehyphenated(text: str) -> str:
    # poppler joins a word hyphenated at the end of a line ("self-" "assessment"): compare without hyphens.
    return text.replace("-", "").replace("\u00ad", "")


def _shown_in(fragment: str, text: str, right_to_left: bool, spaced: bool = True) -> bool:
    """Whether a text fragment shows in a PDF's text.

    Without spaces between words (Japanese), a line break in the PDF is not a space: compare
    without any. Right to left, text extraction gives the runs of a mixed line (Arabic words, a
    number, a Latin name) in visual order, so the words of a fragment may come out of order
    around them: the fragment shows if its words all show close together (within three times
    its length), vowel marks aside.
    """
    fragment = _dehyphenated(unicodedata_nfkc(fragment))
    if not spaced:
        return fragment.replace(" ", "") in text.replace(" ", "")
    if not right_to_left:
        return fragment in text
    wanted = Counter(_ARABIC_WORD.findall(_ARABIC_MARKS.sub("", fragment)))
    if not wanted:
        return fragment in text
    words = _arabic_words(text)
    span = 3 * sum(wanted.values())
    rarest = min(wanted, key=lambda word: len(words["at"].get(word, ())))
    for at in words["at"].get(rarest, ()):
        window = Counter(words["list"][max(0, at - span):at + span])
        if not wanted - window:
            return True
    return False


_WORDS_CACHE: dict[int, dict] = {}


def _arabic_words(text: str) -> dict:
    key = id(text)
    if key not in _WORDS_CACHE:
        listed = _ARABIC_WORD.findall(_ARABIC_MARKS.sub("", text))
        at: dict[str, list[int]] = {}
        for i, word in enumerate(listed):
            at.setdefault(word, []).append(i)
        _WORDS_CACHE.clear()
        _WORDS_CACHE[key] = {"list": listed, "at": at, "text": text}
    return _WORDS_CACHE[key]


def unicodedata_nfkc(text: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.slow
def test_no_mentee_pdf_holds_a_mentor_only_text_and_each_mentor_pdf_holds_them(bundled_site: Path):
    project, entries = _editions()
    checked = 0
    for entry in entries:
        edition = resolve_edition(project, entry, load_translations(project, entry["language"]))
        right_to_left = edition.direction == "rtl"
        spaced = edition.language.split("_")[0] not in ("ja", "zh", "th")
        mentor_only, shown, shared = _texts_by_audience(edition)
        visible = {f for text in shared for f in _fragments(text)}
        fragments = {f for text in mentor_only for f in _fragments(text)} - visible
        pdfs = {audience: bundled_site / entry["id"] / audience /
                f"{edition.program['id']}-{entry['id']}-{audience}.pdf" for audience in ("mentee", "mentor")}
        mentee, mentor = _pdf_text(pdfs["mentee"], right_to_left), _pdf_text(pdfs["mentor"], right_to_left)
        assert len(mentee) > 5000 and len(mentor) > len(mentee)
        leaks = [f[:60] for f in fragments if _shown_in(f, mentee, right_to_left, spaced)]
        assert leaks == [], f"mentor-only text in the mentee PDF of {entry['id']}"
        # The scan can fail: the mentor guide of the same edition prints these very texts.
        expected = {f for text in shown for f in _fragments(text)} - visible
        missing = [f[:60] for f in expected if not _shown_in(f, mentor, right_to_left, spaced)]
        assert missing == [], f"{entry['id']}: the mentor PDF lacks {missing[:5]}"
        checked += 1
    assert checked >= 6
