"""Content is data: the allow list that every text from the content passes on its way to HTML.

Texts of modules, translations and country profiles are Markdown written by people who are
not trusted to run code in a reader's browser or to make it fetch another host. Whatever
Markdown trick produced it, the HTML of such a text keeps only the tags and attributes
below; links keep `https`, `http`, `mailto` or relative targets (external ones get
`rel="noopener noreferrer"`); images keep only files of the project (relative `src`).
Every output (sites, PDFs, packages, reports) uses `content_to_html` / `clean_html`; the
validator reports the same rules at the file and line (see `content_rules.py`).

The sites are made by MkDocs from Markdown pages that rmkit writes from templates. A content
text goes into such a page already converted and sanitized (`markdown_inline`,
`markdown_block`): HTML whose text and attribute values hold no character that Markdown (or
an extension of the project's, such as attr_list or md_in_html) would act on, so that the
page's Markdown pass cannot turn it back into something the allow list removed.
"""

from __future__ import annotations

import hashlib
import html as html_escaping
import posixpath
import re
import threading
from functools import lru_cache
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import nh3

TAGS = frozenset({
    "p", "br", "em", "strong", "b", "i", "code", "pre", "blockquote", "hr", "span",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
    "h3", "h4", "h5", "h6",
    # rmkit's own wrappers (admonitions, collapsible blocks, page breaks, note areas).
    "div", "details", "summary",
})
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
}
# The classes rmkit itself sets (Material's admonitions, rmkit's print and notes blocks).
CLASSES = {
    "div": {"admonition", "note", "warning", "tip", "question", "success", "abstract", "info",
            "rmkit-notes", "rmkit-page-break"},
    "details": {"note", "warning", "tip", "question", "success", "abstract", "info"},
    "p": {"admonition-title"},
}
# The ids rmkit itself sets on headings: module-…, session-…, exercise-…, with a module prefix on print pages.
_RMKIT_ID = re.compile(r"(?:[a-z0-9]+(?:-[a-z0-9]+)*-)?(?:module|session|exercise)-[a-z0-9]+(?:-[a-z0-9]+)*")
LINK_SCHEMES = frozenset({"https", "http", "mailto"})
# What the HTML of a text depends on besides the text: this file's rules and the two libraries.
CONVERTER_VERSION = "|".join((hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest(),
                              metadata.version("markdown"), metadata.version("nh3")))
# Markdown of content texts: no attr_list, no md_in_html, no raw-HTML extension.
CONTENT_EXTENSIONS = ("tables", "def_list", "sane_lists", "fenced_code")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if is_project_file_reference(value) else None
    if attribute == "id":
        return value if _RMKIT_ID.fullmatch(value) else None
    return value


def is_project_file_reference(target: str) -> bool:
    """A relative path that stays inside the project: no scheme, no host, no `..` escape."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("/", "\\")) or "\\" in target:
        return False
    path = posixpath.normpath(parts.path or ".")
    return not (path == ".." or path.startswith("../"))


def clean_html(html: str) -> str:
    """The allow list: HTML fragment in, HTML fragment with only allowed tags and attributes out."""
    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     attribute_filter=_attribute_filter, url_schemes=set(LINK_SCHEMES),
                     link_rel="noopener noreferrer", strip_comments=True,
                     allowed_classes={k: set(v) for k, v in CLASSES.items()},
                     clean_content_tags={"script", "style"})


def content_markdown() -> markdown.Markdown:
    """The Markdown converter of content texts (one per process and thread, reset for each text:
    setting one up costs ten times a conversion)."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=list(CONTENT_EXTENSIONS), output_format="html")
    return converter


_local = threading.local()
# A text that no Markdown syntax can start from (one line, none of these characters, no list or
# heading marker first): its HTML is itself, escaped. Most titles and short texts are such.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]!<&\n\r\t]|^\s|^[#>+=|~:-]|^\d+[.)]|\s$|  ")


def _to_html(text: str) -> str:
    if not _MARKDOWN_SYNTAX.search(text):
        return f"<p>{text}</p>" if text else ""
    return content_markdown().reset().convert(text)


@lru_cache(maxsize=8192)
def content_to_html(text: str, *, inline: bool = False, base: str = "") -> str:
    """A content text (Markdown) → sanitized HTML; `inline` drops the wrapping paragraph.

    `base`: the way from the page to the site's root (`../` on a module page), put before
    relative links and images, which name files from the project's root (`assets/…`).
    """
    html = _to_html(str(text))
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    html = clean_html(html)
    return _Rewriter(base, inert=False).rewrite(html) if base else html


@lru_cache(maxsize=8192)
def markdown_inline(text: str, *, base: str = "") -> str:
    """A content text as one line of sanitized HTML that a Markdown page keeps as it is:
    for headings, list items, table cells and definition terms. What would start a block
    (`1. Intro`, `- item`, `# x`, `> x`) is only text here."""
    return _Rewriter(base, inert=True, one_line=True).rewrite(content_to_html(_not_a_block(text), inline=True))


_BLOCK_START = re.compile(r"\d+(?=[.)])|[-+*](?=\s)|[#>]|([-*_])(?: *\1){2,} *\Z")


def _not_a_block(text: str) -> str:
    text = str(text).strip()
    match = _BLOCK_START.match(text)
    if not match:
        return text
    at = match.end() if match.group(0)[:1].isdigit() else 0
    return text[:at] + "\\" + text[at:]


@lru_cache(maxsize=8192)
def markdown_block(text: str, *, base: str = "") -> str:
    """A content text as sanitized HTML blocks that a Markdown page keeps as they are (raw
    HTML blocks): to be placed at the start of a line, with blank lines around."""
    html = content_to_html(text)
    if not html.strip():
        return ""
    if not html.lstrip().startswith("<"):  # text the allow list left without a block around it
        html = f"<p>{html}</p>"
    return _Rewriter(base, inert=True).rewrite(html).strip()


# Characters that some Markdown syntax (emphasis, code, links, attribute lists, tables,
# headings, marks, …) starts with; written as character references, they are only text.
_MARKDOWN_ACTIVE = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]|~^=#"}
_VOID = {"br", "hr", "img", "input", "wbr"}


class _Rewriter(HTMLParser):
    """Writes sanitized HTML again: relative links and images rebased, and (`inert`) every
    Markdown-active character of text and attribute values as a character reference."""

    def __init__(self, base: str, *, inert: bool, one_line: bool = False):
        super().__init__(convert_charrefs=True)
        self.base, self.inert, self.one_line = base, inert, one_line
        self.out: list[str] = []
        self.pre = 0

    def rewrite(self, html: str) -> str:
        if "<" not in html:  # text alone (most titles and short texts): no tag to parse
            return self._text(html_escaping.unescape(html))
        self.feed(html)
        self.close()
        return "".join(self.out)

    def _text(self, value: str, attribute: bool = False) -> str:
        value = html_escaping.escape(value, quote=attribute)
        if self.inert:
            value = value.translate(_MARKDOWN_ACTIVE)
            if self.one_line or attribute:
                value = value.replace("\n", "&#10;") if self.pre or attribute else re.sub(r"\s*\n\s*", " ", value)
        return value

    def _tag(self, tag: str, attrs, close: str) -> str:
        parts = [tag]
        for name, value in attrs:
            value = value or ""
            if (tag, name) in (("a", "href"), ("img", "src")) and self.base and not value.startswith("#") \
                    and is_project_file_reference(value):
                value = self.base + value
            parts.append(f'{name}="{self._text(value, attribute=True)}"')
        return "<" + " ".join(parts) + close

    def handle_starttag(self, tag, attrs):
        self.pre += tag == "pre"
        self.out.append(self._tag(tag, attrs, ">"))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs, ">"))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        self.pre -= tag == "pre" and self.pre > 0
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(self._text(data))


def plain_text(text: str) -> str:
    """A content text as escaped plain text, for places that take no markup (navigation, site name)."""
    html = content_to_html(str(text), inline=True)
    return html_escaping.escape(html_escaping.unescape(nh3.clean(html, tags=set())), quote=False)
