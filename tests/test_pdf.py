"""The printed mentor guide and mentee workbook: one PDF per site, made by WeasyPrint.

Text is read back with poppler's `pdftotext`, structure with pikepdf and pypdf, pages are
drawn with `pdftoppm`. A missing tool fails the test, it does not skip it.
"""

from __future__ import annotations

import io
import re
import socket
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pikepdf
import pypdf
import pytest

import rmkit.pdf
from rmkit.build import build
from rmkit.cli import main
from rmkit.findings import RmkitError
from rmkit.progress import Progress

from .helpers import add_second_module, empty_catalogs, replace_once, starter_project

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "tests" / "screenshots"
EDITIONS = ("en-GB", "ja-JP", "ar-AE")
SITES = sorted(f"{e}/{a}" for e in EDITIONS for a in ("mentee", "mentor"))
MODULES = ("Getting started", "Second steps")
PROFILE = """\
country: {cc}
vars:
  network:
    professional: LinkedIn
    messaging: {messaging}
culture:
  hierarchy: high
  notes:
    - Ask before correcting a senior in front of others, in {cc}.
"""
# Bidi controls that PDF text extraction may insert around runs of the other direction.
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _project(tmp_path: Path) -> Path:
    """The starter with two modules and three editions: en-GB and ja-JP dated, ar-AE undated on letter paper."""
    root = starter_project(tmp_path)
    add_second_module(root, mentor_notes="Let the mentee set the pace of the second module")
    countries = root / "locales" / "countries"
    (countries / "JP.yml").write_text(PROFILE.format(cc="JP", messaging="LINE"), encoding="utf-8")
    (countries / "AE.yml").write_text(PROFILE.format(cc="AE", messaging="Botim"), encoding="utf-8")
    (root / "locales" / "editions.yml").write_text(
        "editions:\n"
        "  - {id: en-GB, language: en, country: GB, start_date: 2027-01-11}\n"
        "  - {id: ja-JP, language: ja, country: JP, start_date: 2027-05-17}\n"
        "  - {id: ar-AE, language: ar, country: AE, pdf: {page_size: letter}}\n", encoding="utf-8")
    empty_catalogs(root, ("ja", "ar"))
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = _project(tmp_path_factory.mktemp("pdf"))
    result = build(root, jobs=2)
    assert result.built == SITES
    assert result.pdfs == [f"{s}/{_pdf_name(s)}" for s in SITES]
    return root


def _pdf_name(site: str) -> str:
    edition, audience = site.split("/")
    return f"my-program-{edition}-{audience}.pdf"


def _pdf(root: Path, site: str) -> Path:
    return root / "site" / site / _pdf_name(site)


def _text(path: Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    """The PDF's text by poppler, NFKC-normalised, without bidi marks, one space between words."""
    command = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    command += (["-f", str(first)] if first else []) + (["-l", str(last)] if last else []) + [str(path), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    text = unicodedata.normalize("NFKC", text).translate(_BIDI_MARKS)
    return text if layout else " ".join(text.split())


def _words(text: str) -> Counter:
    """Words and numbers, for comparing right-to-left text: poppler gives the runs of a line in
    visual order (a number or a parenthesis may move to the other end of its phrase)."""
    return Counter(re.findall(r"\d+|[^\W\d_]+", text))


def _has_words(text: str, phrase: str) -> bool:
    return not (_words(phrase) - _words(text))


def _pages(path: Path) -> list[str]:
    count = len(pypdf.PdfReader(path).pages)
    return [_text(path, n, n) for n in range(1, count + 1)]


# -- where the PDFs are and what links to them ------------------------------------------------

def test_every_site_has_its_pdf_and_its_pages_link_to_it(built):
    for site in SITES:
        pdf = _pdf(built, site)
        assert pdf.read_bytes().startswith(b"%PDF-1.7")
        home = (built / "site" / site / "index.html").read_text(encoding="utf-8")
        assert f'href="{pdf.name}"' in home
    for edition, label in (("en-GB", "Download the PDF"), ("ja-JP", "PDF をダウンロード"), ("ar-AE", "تنزيل ملف PDF")):
        workbook = (built / "site" / edition / "mentee" / "print.html").read_text(encoding="utf-8")
        assert re.search(rf'href="{re.escape(_pdf_name(edition + "/mentee"))}"[^>]*>{label}</a>', workbook)
        home = (built / "site" / edition / "mentor" / "index.html").read_text(encoding="utf-8")
        assert f">{label}</a>" in home
    landing = (built / "site" / "index.html").read_text(encoding="utf-8")
    for site in SITES:
        assert f'href="{site}/{_pdf_name(site)}"' in landing
    assert "PDF をダウンロード" in landing and "تنزيل ملف PDF" in landing


def test_the_print_html_is_kept_beside_the_generated_project(built):
    html = (built / "build" / "ja-JP" / "mentee" / "print.html").read_text(encoding="utf-8")
    assert '<html lang="ja-JP" dir="ltr">' in html
    assert '<html lang="ar-AE" dir="rtl">' in (built / "build" / "ar-AE" / "mentor" / "print.html").read_text("utf-8")


# -- the document --------------------------------------------------------------------------------

def test_the_cover_names_program_edition_audience_and_dates(built):
    cover = _text(_pdf(built, "en-GB/mentee"), 1, 1)
    assert "Digital reverse mentoring" in cover and "Mentee workbook" in cover
    assert "English (United Kingdom)" in cover
    assert "From 11 January 2027 to 8 February 2027" in cover
    cover = _text(_pdf(built, "ja-JP/mentor"), 1, 1)
    assert "メンターガイド" in cover and "日本語 (日本)" in cover and "2027年5月17日〜2027年6月14日" in cover
    cover = _text(_pdf(built, "ar-AE/mentee"), 1, 1)
    assert _has_words(cover, "العربية (الإمارات العربية المتحدة)") and _has_words(cover, "من الأسبوع 1 إلى الأسبوع 5")


def test_the_table_of_contents_gives_the_page_where_each_module_starts(built):
    path = _pdf(built, "en-GB/mentor")
    reader = pypdf.PdfReader(path)
    starts = {item.title: reader.get_destination_page_number(item) + 1
              for item in reader.outline if not isinstance(item, list)}
    contents = _text(path, 2, 2, layout=True)
    assert "Contents" in contents
    for title in MODULES:
        line = next(line for line in contents.splitlines() if line.strip().startswith(title))
        assert re.search(r"\.{5,}\s*(\d+)\s*$", line), line  # leaders, then the page number
        assert int(line.split()[-1].strip(".")) == starts[title]
        assert title in _text(path, starts[title], starts[title])


def test_each_module_starts_a_page_with_its_title_in_the_running_header_and_a_footer(built):
    path = _pdf(built, "en-GB/mentee")
    pages = _pages(path)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        if number > 1:
            assert f"Page {number} of {total}" in text
    starts = [n for n, text in enumerate(pages, start=1) if text.count("Second steps") >= 2]
    assert starts, "the module's title shows twice on its first page: running header and heading"
    japanese = _pages(_pdf(built, "ja-JP/mentee"))
    assert f"2 / {len(japanese)} ページ" in japanese[1]
    arabic = _pages(_pdf(built, "ar-AE/mentee"))
    assert _has_words(arabic[1], f"الصفحة 2 من {len(arabic)}")


def test_bookmarks_for_modules_sessions_and_exercises(built):
    with pikepdf.open(_pdf(built, "en-GB/mentor")) as pdf:
        with pdf.open_outline() as outline:
            top = [item.title for item in outline.root]
            assert [t for t in top if t in MODULES] == list(MODULES)  # one per module, in order
            assert top[:2] == ["How the program runs", "Calendar"]
            assert top[-1] == "Running the program in United Kingdom"
            module = next(item for item in outline.root if item.title == "Getting started")
            assert [child.title for child in module.children] == [
                "Kickoff · 45 minutes · 11 January 2027", "Write the pair agreement", "A business priority in five minutes"]


def test_tagged_with_language_title_and_structure(built):
    for site, language, title in (("en-GB/mentee", "en-GB", "Digital reverse mentoring · Mentee workbook"),
                                  ("ja-JP/mentor", "ja-JP", "Digital reverse mentoring · メンターガイド"),
                                  ("ar-AE/mentee", "ar-AE", "Digital reverse mentoring · دفتر عمل المسترشد")):
        with pikepdf.open(_pdf(built, site)) as pdf:
            root = pdf.Root
            assert str(root.Lang) == language
            assert bool(root.MarkInfo.Marked)
            assert "/StructTreeRoot" in root and len(root.StructTreeRoot.K) > 0
            assert bool(root.ViewerPreferences.DisplayDocTitle)
            assert str(pdf.docinfo.Title) == title
            assert 'pdfuaid:part="1"' in root.Metadata.read_bytes().decode("utf-8")
            assert "/AcroForm" not in root  # the checkboxes are drawn, not form fields


def _fonts(path: Path) -> set[str]:
    names = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                names.add(str(font.BaseFont))
    return names


def test_fonts_are_embedded_subsets_of_the_right_faces(built):
    japanese, arabic = _fonts(_pdf(built, "ja-JP/mentee")), _fonts(_pdf(built, "ar-AE/mentee"))
    assert any("NotoSansCJKJP" in name.replace("-", "") for name in japanese)
    assert any("NotoNaskhArabic" in name.replace("-", "") for name in arabic)
    assert not any("DejaVu" in name for name in arabic)  # fontconfig's default for Arabic
    assert all(re.match(r"/[A-Z]{6}\+", name) for name in japanese | arabic), "subset fonts carry a tag"
    with pikepdf.open(_pdf(built, "ja-JP/mentee")) as pdf:
        for page in pdf.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_page_sizes_a4_by_default_letter_for_the_edition_that_asks(built):
    a4 = pypdf.PdfReader(_pdf(built, "en-GB/mentee")).pages[0].mediabox
    letter = pypdf.PdfReader(_pdf(built, "ar-AE/mentee")).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def _text_span(path: Path, page: int) -> tuple[float, float, float]:
    """(leftmost, rightmost) x of the words of a page, and the page's width, in points."""
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    # Words of the page's body: not the running header nor the footer.
    words = [(float(a), float(b)) for a, y, b in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"', bbox)
             if 80 < float(y) < 700]
    return min(a for a, _ in words), max(b for _, b in words), width


def test_right_to_left_pages_mirror_the_margins(built):
    """A left-to-right document starts on a right-hand page, a right-to-left one on a left-hand page:
    the wider (binding) margin of page 3 is on the left in the one, on the right in the other."""
    binding = 24 * 72 / 25.4
    left, _right, _width = _text_span(_pdf(built, "en-GB/mentee"), 3)
    assert abs(left - binding) < 3
    _left, right, width = _text_span(_pdf(built, "ar-AE/mentee"), 3)
    assert abs(width - right - binding) < 3
    with pikepdf.open(_pdf(built, "ar-AE/mentee")) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == "/R2L"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)


def test_workbook_checkboxes_notes_and_recap_sheet(built):
    html = (built / "build" / "en-GB" / "mentee" / "print.html").read_text(encoding="utf-8")
    assert html.count('class="checklist"') >= 2 and "<input" not in html
    assert html.count('class="ruled"') == len(MODULES)
    path = _pdf(built, "en-GB/mentee")
    reader = pypdf.PdfReader(path)
    starts = {item.title: reader.get_destination_page_number(item) + 1
              for item in reader.outline if not isinstance(item, list)}
    recap = starts["Recap sheet"]
    assert recap == len(reader.pages)  # nothing after the recap sheet on its page (no glossary here)
    assert "Recap sheet" not in _text(path, recap - 1, recap - 1)  # nothing before it either
    assert "Meet every four weeks, on a fixed day." in _text(path, recap, recap)
    assert "My notes" in _text(path, starts["Second steps"], starts["Self-assessment"] - 1)


def test_no_heading_is_left_alone_at_the_bottom_of_a_page(built):
    from weasyprint import CSS, HTML
    from weasyprint.formatting_structure import boxes

    from rmkit.catalogs import load_translations
    from rmkit.render import Renderer
    from rmkit.resolve import edition_entries, resolve_edition
    from rmkit.validate import validate_project

    project, _ = validate_project(built)
    entry = edition_entries(project)[0]
    edition = resolve_edition(project, entry, load_translations(project, entry["language"]))
    printer = rmkit.pdf.Printer(project, Renderer(project))
    checked = 0
    for audience in ("mentee", "mentor"):
        document = printer.document(edition, audience)
        pages = HTML(string=document.html).render(stylesheets=[CSS(string=document.stylesheet)]).pages
        for number, page in enumerate(pages[:-1], start=1):
            # The innermost blocks of the page (paragraphs, headings, cells, the ruled note space), in order.
            blocks = [box for box in page._page_box.descendants()
                      if isinstance(box, boxes.BlockContainerBox) and box.is_in_normal_flow()
                      and not any(isinstance(child, boxes.BlockLevelBox) for child in box.children)]
            if blocks:
                assert blocks[-1].element_tag not in ("h1", "h2", "h3", "h4"), f"{audience} page {number}"
                checked += 1
    assert checked > 10


# -- what each audience sees ----------------------------------------------------------------------

def test_mentee_pdfs_hold_no_mentor_only_text_and_mentor_pdfs_hold_them(built):
    mentor_only = ["Let the mentee propose the rhythm; they know their calendar.",
                   "Let the mentee set the pace of the second module",
                   "Start from the next three meeting dates and write the rules around them.",
                   "What surprised you in how this priority was decided?",
                   "Ask before correcting a senior in front of others"]
    for edition in EDITIONS:
        mentee, mentor = _text(_pdf(built, f"{edition}/mentee")), _text(_pdf(built, f"{edition}/mentor"))
        assert [t for t in mentor_only if t in mentee] == []
        # Culture notes: the starter's GB profile has other ones.
        expected = mentor_only if edition != "en-GB" else mentor_only[:-1]
        assert [t for t in expected if not _has_words(mentor, t)] == []


# -- incremental ---------------------------------------------------------------------------------

def _stamps(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*.pdf")}


@pytest.fixture
def project(tmp_path) -> Path:
    root = _project(tmp_path)
    (root / "locales" / "editions.yml").write_text(
        "editions:\n  - {id: en-GB, language: en, country: GB}\n  - {id: ja-JP, language: ja, country: JP}\n",
        encoding="utf-8")
    first = build(root, jobs=2)
    assert len(first.pdfs) == 4
    return root


def test_a_rebuild_without_changes_makes_no_pdf_and_touches_none(project, same_build_date):
    before = _stamps(project / "site")
    result = build(project, jobs=2)
    assert result.pdfs == [] and len(result.pdfs_unchanged) == 4
    assert _stamps(project / "site") == before


def test_a_mentor_only_edit_remakes_mentor_pdfs_only(project):
    before = _stamps(project / "site")
    replace_once(project / "curriculum" / "modules" / "getting-started.yml",
                 "they know their calendar.", "they know their diary.")
    result = build(project, jobs=2)
    assert result.pdfs == [f"{e}/mentor/my-program-{e}-mentor.pdf" for e in ("en-GB", "ja-JP")]
    after = _stamps(project / "site")
    for name in before:
        assert (after[name] == before[name]) == ("mentee" in name), name
    assert "they know their diary." in _text(project / "site/en-GB/mentor/my-program-en-GB-mentor.pdf")


def test_a_print_stylesheet_edit_remakes_pdfs_but_no_site(project):
    (project / "templates").mkdir()
    css = (Path(rmkit.pdf.__file__).parent / "defaults" / "templates" / "print.css.j2").read_text("utf-8")
    (project / "templates" / "print.css.j2").write_text(css.replace("#0b5f57", "#004488"), encoding="utf-8")
    result = build(project, jobs=2)
    assert result.built == [] and len(result.pdfs) == 4
    for pdf in (project / "site").rglob("*.pdf"):
        assert pdf.stat().st_nlink >= 1 and pdf.read_bytes().startswith(b"%PDF")


def test_a_site_rebuilt_keeps_its_unchanged_pdf_untouched(project):
    before = _stamps(project / "site")
    # Only the sites' navigation template changes: every site is rebuilt, no PDF is.
    (project / "templates").mkdir()
    nav = (Path(rmkit.pdf.__file__).parent / "defaults" / "templates" / "site.yml.j2").read_text("utf-8")
    (project / "templates" / "site.yml.j2").write_text(nav.replace('_("Home")', '_("Welcome")'), encoding="utf-8")
    result = build(project, jobs=2)
    assert len(result.built) == 4 and result.pdfs == []
    assert _stamps(project / "site") == before


def test_no_pdf_builds_sites_that_link_to_none(project):
    result = build(project, jobs=2, pdfs=False)
    assert result.pdfs == [] and result.pdfs_unchanged == []
    assert list((project / "site").rglob("*.pdf")) == []
    assert ".pdf" not in (project / "site" / "en-GB" / "mentee" / "index.html").read_text(encoding="utf-8")
    assert ".pdf" not in (project / "site" / "index.html").read_text(encoding="utf-8")
    again = build(project, jobs=2)  # and back: the PDFs are made again
    assert len(again.pdfs) == 4


# -- offline, fonts, settings -----------------------------------------------------------------------

def test_a_remote_stylesheet_is_a_located_finding_never_a_download(tmp_path, monkeypatch):
    root = starter_project(tmp_path)
    (root / "templates").mkdir()
    css = (Path(rmkit.pdf.__file__).parent / "defaults" / "templates" / "print.css.j2").read_text("utf-8")
    (root / "templates" / "print.css.j2").write_text(
        '@import url("https://fonts.example.com/face.css");\n' + css, encoding="utf-8")

    def no_network(*args, **kwargs):
        raise AssertionError("rmkit tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=1)
    (problem,) = {(f.code, f.file, f.line, f.column) for f in failure.value.findings}
    assert problem == ("pdf-remote-resource", "templates/print.css.j2", 1, 14)
    assert not (root / "site").exists() or not list((root / "site").rglob("*.pdf"))


def test_a_remote_image_in_the_content_is_never_fetched(tmp_path, monkeypatch):
    root = starter_project(tmp_path)
    replace_once(root / "curriculum" / "modules" / "getting-started.yml",
                 "how either of you can stop.", "how either of you can stop. ![x](https://evil.example/x.png)")
    fetched = []
    fetcher = rmkit.pdf._fetcher_class()
    original = fetcher.fetch
    monkeypatch.setattr(fetcher, "fetch", lambda self, url, headers=None: fetched.append(url) or original(self, url, headers))
    try:
        build(root, jobs=1)
    except RmkitError as e:  # the validator may refuse it first, at its file and line
        assert all(f.file.startswith("curriculum/modules/getting-started.yml") and f.line for f in e.findings)
    assert not any("evil.example" in url for url in fetched)


def test_a_local_image_of_the_project_is_drawn(tmp_path):
    from PIL import Image

    root = starter_project(tmp_path)
    (root / "assets").mkdir()
    Image.new("RGB", (40, 20), "#0b5f57").save(root / "assets" / "picture.png")
    replace_once(root / "curriculum" / "modules" / "getting-started.yml",
                 "how either of you can stop.", "how either of you can stop. ![A picture](assets/picture.png)")
    build(root, jobs=1, audience="mentee")
    with pikepdf.open(root / "site/en-GB/mentee/my-program-en-GB-mentee.pdf") as pdf:
        images = [name for page in pdf.pages for name in (page.Resources.get("/XObject") or {}).keys()]
    assert images


def test_a_missing_font_is_a_warning_that_names_the_debian_package(tmp_path, monkeypatch):
    root = starter_project(tmp_path)
    (root / "locales" / "countries" / "JP.yml").write_text(PROFILE.format(cc="JP", messaging="LINE"), encoding="utf-8")
    (root / "locales" / "editions.yml").write_text(
        "editions:\n  - {id: en-GB, language: en, country: GB}\n  - {id: ja-JP, language: ja, country: JP}\n",
        encoding="utf-8")
    real = rmkit.pdf.installed_font
    monkeypatch.setattr(rmkit.pdf, "installed_font", lambda family: None if "CJK" in family else real(family))
    code = main(["-C", str(root), "build", "--jobs", "1", "--audience", "mentee", "--quiet"])
    assert code == 0
    warnings = [f for f in build(root, jobs=1, audience="mentee").findings if f.code == "pdf-font-missing"]
    assert len(warnings) == 1
    assert "Noto Sans CJK JP" in warnings[0].message and "ja-JP" in warnings[0].message
    assert "fonts-noto-cjk" in warnings[0].hint
    assert (warnings[0].file, warnings[0].line) == ("locales/editions.yml", 3)  # ja-JP's language
    with pytest.raises(RmkitError):
        build(root, jobs=1, audience="mentee", strict=True)


def test_letter_paper_for_every_edition_from_mkdocs_yml_and_a_wrong_size_is_located(tmp_path):
    root = starter_project(tmp_path)
    settings = (Path(rmkit.pdf.__file__).parent / "defaults" / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(settings + "extra:\n  pdf:\n    page_size: letter\n", encoding="utf-8")
    build(root, jobs=1, audience="mentor")
    box = pypdf.PdfReader(root / "site/en-GB/mentor/my-program-en-GB-mentor.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    (root / "mkdocs.yml").write_text(settings + "extra:\n  pdf:\n    page_size: A3\n", encoding="utf-8")
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=1)
    (problem,) = failure.value.findings
    line = settings.count("\n") + 3
    assert (problem.code, problem.file, problem.line, problem.column) == ("invalid-value", "mkdocs.yml", line, 5)


def test_an_edition_with_a_wrong_page_size_is_a_schema_finding(tmp_path):
    root = starter_project(tmp_path)
    (root / "locales" / "editions.yml").write_text(
        "editions:\n  - {id: en-GB, language: en, country: GB, pdf: {page_size: A3}}\n", encoding="utf-8")
    with pytest.raises(RmkitError) as failure:
        build(root, jobs=1)
    assert [(f.file, f.line) for f in failure.value.findings if f.is_error] == [("locales/editions.yml", 2)]


# -- progress ---------------------------------------------------------------------------------------

def test_progress_is_one_line_per_finished_output_off_a_terminal(tmp_path, capsys):
    root = starter_project(tmp_path)
    assert main(["-C", str(root), "build", "--jobs", "2"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and [line.split("]")[0] for line in err] == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert {line.split("] ")[1] for line in err} == {"site en-GB/mentee: built", "PDF en-GB/mentee: built",
                                                    "site en-GB/mentor: built", "PDF en-GB/mentor: built"}
    assert main(["-C", str(root), "build", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_progress_on_a_terminal_updates_one_line_with_what_is_running():
    stream = io.StringIO()
    progress = Progress(stream, live=True)
    progress.begin(4)
    progress.event("started", "site en-GB/mentee")
    progress.event("started", "site en-GB/mentor")
    progress.event("finished", "site en-GB/mentee", "built")
    progress.event("started", "PDF en-GB/mentee")
    progress.end()
    shown = stream.getvalue()
    assert "\n" not in shown
    assert shown.split("\r\x1b[K")[1:] == [
        "[0/4] running: site en-GB/mentee", "[0/4] running: site en-GB/mentee, site en-GB/mentor",
        "[1/4] running: site en-GB/mentor", "[1/4] running: site en-GB/mentor, PDF en-GB/mentee", ""]


# -- page images ----------------------------------------------------------------------------------

def _draw(pdf: Path, page: int, name: str, dpi: int = 60) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = SCREENSHOTS / name
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(prefix)], check=True)
    image = prefix.with_suffix(".png")
    assert image.stat().st_size > 5000
    return image


@pytest.mark.slow
def test_page_images_of_the_japanese_and_arabic_workbooks(bundled_site):
    """The cover and a module page of the ja-JP and ar-AE PDFs of the bundled program, for a person to look at."""
    for edition in ("ja-JP", "ar-AE"):
        for audience in ("mentee", "mentor"):
            pdf = bundled_site / edition / audience / f"digital-reverse-mentoring-{edition}-{audience}.pdf"
            reader = pypdf.PdfReader(pdf)
            # A module is a bookmark with children (its sessions and exercises).
            outline = reader.outline
            first_module = next(item for item, after in zip(outline, outline[1:])
                                if not isinstance(item, list) and isinstance(after, list))
            module_page = reader.get_destination_page_number(first_module) + 1
            _draw(pdf, 1, f"pdf-{edition}-{audience}-cover")
            _draw(pdf, module_page, f"pdf-{edition}-{audience}-module")
            text = _text(pdf, module_page, module_page)
            assert unicodedata.normalize("NFKC", first_module.title).split()[0] in text


def test_serve_makes_no_pdf(tmp_path, monkeypatch):
    import rmkit.serve
    from mkdocs import livereload

    calls = []
    real = rmkit.serve.build
    monkeypatch.setattr(rmkit.serve, "build", lambda *args, **kwargs: calls.append(kwargs) or real(*args, **kwargs))

    def stop(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(livereload.LiveReloadServer, "serve", stop)
    monkeypatch.setattr(livereload.LiveReloadServer, "shutdown", lambda self: None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert rmkit.serve.serve(starter_project(tmp_path), port=port) == 0
    assert calls and all(kwargs["pdfs"] is False for kwargs in calls)
