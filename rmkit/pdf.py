"""Output: the printed mentor guide and mentee workbook, one PDF per site.

resolved edition + audience → print HTML and a CSS Paged Media stylesheet, rendered by rmkit
from its templates (`print.html.j2`, `print.css.j2`, overridable from the project's
`templates/`) → a tagged PDF (PDF/UA-1) made by WeasyPrint, in-process.

The PDF engine fetches nothing but the project's own files (`ProjectFiles`): anything else
is refused and reported where it is written. What a PDF is made of (its HTML, stylesheet,
the files it draws in, the fonts and the engine's version) is its digest: an unchanged PDF
is not made again. Each PDF is written to `<staging>/.pdf/<edition>/<audience>/` by its job
in the worker pool; `stage` then puts it beside its site before the output is swapped in.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .cache import MkDocsSettingsLoader
from .findings import Finding, RmkitError, finding
from .formats import own_name
from .project import Project
from .render import Renderer
from .resolve import Edition, edition_entries

HTML_TEMPLATE = "print.html.j2"
STYLESHEET_TEMPLATE = "print.css.j2"
PDF_VARIANT = "pdf/ua-1"
PAGE_SIZES = ("A4", "letter")
STAGED = ".pdf"  # the folder of the staging area where PDF jobs write

# The typefaces the stylesheet names, and the Debian package of each.
FONTS = {
    "base": ("Noto Sans", "fonts-noto-core"),
    "ja": ("Noto Sans CJK JP", "fonts-noto-cjk"),
    "ar": ("Noto Naskh Arabic", "fonts-noto-core"),
}
# Fallbacks after the chosen face: a character it lacks (a Latin product name in Arabic text) is
# taken from the next, never drawn as an empty box while one of them has it.
_FALLBACK = '"Noto Sans", "DejaVu Sans", sans-serif'
ENGINE_PACKAGES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5")


def file_name(program_id: str, edition_id: str, audience: str) -> str:
    """`<program-id>-<edition>-<audience>.pdf`, beside the site's home page."""
    return f"{program_id}-{edition_id}-{audience}.pdf"


def script_of(language: str) -> str:
    base = language.replace("_", "-").split("-")[0]
    return base if base in ("ja", "ar") else "base"


@dataclass
class PrintDocument:
    """One PDF before the engine: its HTML, its stylesheet, and what it is made of."""

    name: str  # edition/audience
    file_name: str
    html: str
    stylesheet: str
    digest: str
    direction: str = "ltr"


@dataclass
class PdfMade:
    pages: int
    warnings: list[str] = field(default_factory=list)  # the engine's, one line each


class Printer:
    """Makes the PDFs of one build. Created before the worker processes fork: WeasyPrint is
    imported and the fonts are looked up once."""

    def __init__(self, project: Project, renderer: Renderer):
        import weasyprint  # noqa: F401 (imported here, before the workers fork)

        self.project = project
        self.renderer = renderer
        self.fonts = {script: installed_font(family) for script, (family, _package) in FONTS.items()}
        self.engine = ";".join(f"{name}=={_version(name)}" for name in ENGINE_PACKAGES)
        self.engine += ";" + ";".join(f"{script}:{path}" for script, path in sorted(self.fonts.items()))
        # Read now, before the workers fork: a wrong value stops the build at once.
        self._default_page_size = self._mkdocs_page_size()

    # -- before the build ---------------------------------------------------------------------

    def font_findings(self, editions: list[Edition]) -> list[Finding]:
        """A warning for each typeface the selected editions need that this machine lacks, at the
        language of the first edition that needs it in locales/editions.yml."""
        out = []
        for script, (family, package) in FONTS.items():
            users = [e for e in editions if script == "base" or script_of(e.language) == script]
            if self.fonts[script] is not None or not users:
                continue
            message = (f"the font '{family}' is not installed: the PDFs of {', '.join(e.id for e in users)} "
                       f"would use whatever font this machine has instead, or show empty boxes")
            hint = f"Install the Debian package {package} (apt-get install {package}), or build with --no-pdf."
            entries = [entry.get("id") for entry in edition_entries(self.project)]
            if self.project.editions is not None and users[0].id in entries:
                out.append(self.project.editions.locate("pdf-font-missing",
                                                        f"/editions/{entries.index(users[0].id)}/language",
                                                        message, hint=hint))
            else:
                out.append(finding("pdf-font-missing", "locales/editions.yml", message, hint=hint))
        return out

    def page_size(self, edition: Edition) -> str:
        """The edition's `pdf.page_size`, else mkdocs.yml's `extra.pdf.page_size`, else A4."""
        return edition.pdf.get("page_size") or self._default_page_size

    def _mkdocs_page_size(self) -> str:
        config = self.project.mkdocs_config()
        try:
            import yaml

            settings = yaml.load(config.read_text(encoding="utf-8"), Loader=MkDocsSettingsLoader)
        except Exception:  # the site build reports an unreadable mkdocs.yml
            return "A4"
        extra = settings.get("extra") if isinstance(settings, dict) else None
        pdf = extra.get("pdf") if isinstance(extra, dict) else None
        value = pdf.get("page_size") if isinstance(pdf, dict) else None
        if value is None:
            return "A4"
        if value not in PAGE_SIZES:
            text = config.read_text(encoding="utf-8")
            match = re.search(r"^[ \t]*page_size[ \t]*:", text, re.MULTILINE)
            line = text.count("\n", 0, match.start()) + 1 if match else None
            column = match.group(0).index("page_size") + 1 if match else None
            raise RmkitError([finding(
                "invalid-value", self.project.relative(config),
                f"extra.pdf.page_size is {value!r}; expected one of {', '.join(PAGE_SIZES)}",
                line=line, column=column, pointer="/extra/pdf/page_size",
                hint="A4 (the default) or letter (North America).")])
        return value

    def file_name(self, edition: Edition, audience: str) -> str:
        return file_name(edition.program["id"], edition.id, audience)

    # -- one PDF --------------------------------------------------------------------------------

    def document(self, edition: Edition, audience: str) -> PrintDocument:
        """The print HTML and stylesheet of one edition and audience, and their digest."""
        renderer = self.renderer
        modules = edition.modules_for(audience)
        glossary = sorted(({"term": entry["term"], "definition": entry["definition"]}
                           for module in modules for entry in module.get("glossary") or []),
                          key=lambda entry: entry["term"].casefold())
        language = edition.language.replace("_", "-")
        if "-" not in language:
            language = f"{language}-{edition.country}"
        context = renderer.context(edition, audience, document_language=language,
                                   edition_name=own_name(edition.locale), glossary=glossary)
        html = renderer.render(HTML_TEMPLATE, context, edition.language)
        page_of = renderer.render("pdf-page-of.txt.j2", {"page": "\0page\0", "pages": "\0pages\0"},
                                  edition.language).strip()
        stylesheet = renderer.render(STYLESHEET_TEMPLATE, {
            "page_size": self.page_size(edition), "direction": edition.direction,
            "page_of": css_content(page_of, {"\0page\0": "counter(page)", "\0pages\0": "counter(pages)"}),
            "fonts": {script: f'"{family}", {_FALLBACK}' for script, (family, _package) in FONTS.items()},
        }, edition.language)
        digest = hashlib.blake2b(digest_size=16)
        for part in (self.engine, PDF_VARIANT, html, stylesheet):
            digest.update(part.encode("utf-8") + b"\0")
        for path in sorted(self._drawn_in(html + stylesheet)):
            digest.update(path.encode("utf-8") + b"\0")
            try:
                digest.update((self.project.root / path).read_bytes())
            except OSError:
                digest.update(b"\0missing")
        name = f"{edition.id}/{audience}"
        return PrintDocument(name, self.file_name(edition, audience), html, stylesheet, digest.hexdigest(),
                             edition.direction)

    def _drawn_in(self, text: str) -> set[str]:
        """The project files the HTML and stylesheet refer to (their bytes are part of the digest)."""
        found = set()
        for target in _REFERENCES.findall(text):
            target = next(t for t in target if t)
            parts = urlsplit(target)
            if not parts.scheme and not parts.netloc and parts.path:
                found.add(os.path.normpath(unquote(parts.path)).lstrip("/"))
        return found

    def write(self, document: PrintDocument, target: Path) -> PdfMade:
        """Make the PDF of `document` at `target`; refused fetches are findings, not downloads."""
        from weasyprint import CSS, HTML

        fetcher = _fetcher_class()(self.project.root)
        collect = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collect)
        previous_level, logger.propagate = logger.level, False
        logger.setLevel(logging.WARNING)
        base_url = self.project.root.as_uri() + "/"
        try:
            html = HTML(string=document.html, base_url=base_url, url_fetcher=fetcher)
            stylesheet = CSS(string=document.stylesheet, base_url=base_url, url_fetcher=fetcher)
            rendered = html.render(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)
            if fetcher.refused:
                raise RmkitError([self._refusal(url) for url in fetcher.refused])
            target.parent.mkdir(parents=True, exist_ok=True)
            rendered.write_pdf(target, pdf_variant=PDF_VARIANT,
                               finisher=_right_to_left if document.direction == "rtl" else None)
        finally:
            logger.removeHandler(collect)
            logger.setLevel(previous_level)
            logger.propagate = True
        return PdfMade(len(rendered.pages), list(dict.fromkeys(collect.messages)))

    def _refusal(self, url: str) -> Finding:
        """Where the refused address is written: a project template, else a content file."""
        places = [d for d in self.project.templates_dirs() if d.parent == self.project.root]
        places += [self.project.curriculum_dir, self.project.locales_dir]
        for folder in places:
            for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in _TEXT_SUFFIXES):
                text = path.read_text(encoding="utf-8", errors="replace")
                at = text.find(url)
                if at >= 0:
                    line = text.count("\n", 0, at) + 1
                    column = at - (text.rfind("\n", 0, at) + 1) + 1
                    return finding("pdf-remote-resource", self.project.relative(path),
                                   f"the PDF would fetch {url}, which is not a file of the project",
                                   line=line, column=column)
        return finding("pdf-remote-resource", HTML_TEMPLATE,
                       f"the PDF would fetch {url}, which is not a file of the project")


_TEXT_SUFFIXES = {".j2", ".yml", ".yaml", ".po", ".css", ".html", ".md"}
_REFERENCES = re.compile(r"""\bsrc="([^"]*)"|\bhref="([^"#][^"]*)"|url\(\s*["']?([^"')]+)""")


def css_content(text: str, counters: dict[str, str]) -> str:
    """A translated text with markers → a CSS `content` value: strings and counters."""
    parts = re.split("(" + "|".join(map(re.escape, counters)) + ")", text)
    values = [counters[p] if p in counters else css_string(p) for p in parts if p]
    return " ".join(values) or '""'


def css_string(text: str) -> str:
    escaped = "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def _right_to_left(document, pdf) -> None:
    """Viewers show two-page spreads of a right-to-left document from right to left."""
    import pydyf

    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["Direction"] = "/R2L"
    pdf.catalog["ViewerPreferences"] = preferences


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@cache
def html_to_pdf(html: str, root: Path) -> bytes:
    """A standalone HTML page (the evaluation report) as a tagged PDF, through the same engine,
    variant and fetcher as the workbooks: nothing is fetched but files under `root` (any other
    address is left out of the PDF, never requested)."""
    from weasyprint import HTML

    fetcher = _fetcher_class()(root)
    return HTML(string=html, base_url=root.resolve().as_uri() + "/", url_fetcher=fetcher).write_pdf(
        pdf_variant=PDF_VARIANT)


def _fetcher_class():
    """WeasyPrint's fetcher, narrowed to the project's files (defined once WeasyPrint is imported)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFiles(URLFetcher):
        """WeasyPrint's fetcher, for the project's own files only: no network, nothing outside."""

        def __init__(self, root: Path):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.root = root.resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
            if path is None or not path.is_relative_to(self.root) or not path.is_file():
                if url not in self.refused:
                    self.refused.append(url)
                raise ValueError(f"{url} is not a file of the project; rmkit fetches nothing else")
            return URLFetcherResponse(url, path.read_bytes())

    return ProjectFiles


@cache
def installed_font(family: str) -> str | None:
    """The file fontconfig uses for `family`, or None when it would substitute another family."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = _fontconfig()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
        fontconfig.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return None
        try:
            value = ffi.new("FcChar8 **")
            if fontconfig.FcPatternGetString(match, b"family", 0, value) != 0:
                return None
            matched = ffi.string(value[0]).decode("utf-8", "replace")
            if matched.casefold() != family.casefold():
                return None
            if fontconfig.FcPatternGetString(match, b"file", 0, value) != 0:
                return None
            path = ffi.string(value[0]).decode("utf-8", "replace")
            stat = os.stat(path)
            return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
        finally:
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)


@cache
def _fontconfig():
    from weasyprint.text.ffi import fontconfig

    return fontconfig.FcInitLoadConfigAndFonts()


# -- placing PDFs beside their sites ---------------------------------------------------------------

def staged_path(staging: Path, name: str, pdf_file: str) -> Path:
    return staging / STAGED / name / pdf_file


def stage(staging: Path, out: Path, built_sites: set[str], pdfs: dict[str, tuple[str, bool]]) -> list[str]:
    """Put each PDF where the swap will find it; returns the PDFs to swap in on their own.

    `pdfs`: site name → (PDF file name, made in this build). A PDF goes inside its site when the
    site itself is swapped in (the previous PDF, when unchanged, as a hard link: same bytes, same
    times); a new PDF of an unchanged site is swapped in alone, as `<site>/<file>`. A site built
    without a PDF (`--no-pdf`) loses the one its previous version had (a site rebuilt page by
    page starts from a copy of the previous one).
    """
    alone = []
    for name in built_sites - set(pdfs):
        edition, audience = name.split("/")
        for stale in (staging / name).glob(f"*-{edition}-{audience}.pdf"):
            stale.unlink()
    for name, (pdf_file, made) in pdfs.items():
        new = staged_path(staging, name, pdf_file)
        inside = staging / name / pdf_file
        if name in built_sites:
            inside.unlink(missing_ok=True)
            if made:
                os.replace(new, inside)
            elif (out / name / pdf_file).is_file():
                _link_or_copy(out / name / pdf_file, inside)
        elif made:
            inside.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, inside)
            alone.append(f"{name}/{pdf_file}")
    return alone


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links
        shutil.copy2(source, target)
