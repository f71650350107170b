"""Content is data: the allow list that every text from the content passes on its way to HTML.

Texts of modules, translations and country profiles are Markdown written by people who are
not trusted to run code in a reader's browser or to make it fetch another host. Whatever
Markdown trick produced it, the HTML of such a text keeps only the tags and attributes
below; links keep `https`, `http`, `mailto` or relative targets; images keep only files of
the project (relative `src`). Every output (sites, PDFs, packages, reports) uses these two
functions; the validator reports the same rules at the file and line (see validate.py).
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

import markdown
import nh3

TAGS = frozenset({
    "p", "br", "em", "strong", "b", "i", "code", "pre", "blockquote", "hr", "span",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
    "h3", "h4", "h5", "h6",
})
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
LINK_SCHEMES = frozenset({"https", "http", "mailto"})
# Markdown of content texts: no attr_list, no md_in_html, no raw-HTML extension.
CONTENT_EXTENSIONS = ("tables", "def_list", "sane_lists")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if is_project_file_reference(value) else None
    return value


def is_project_file_reference(target: str) -> bool:
    """A relative path that stays inside the project: no scheme, no host, no `..` escape."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("/", "\\")):
        return False
    path = posixpath.normpath(parts.path or ".")
    return not (path == ".." or path.startswith("../"))


def clean_html(html: str) -> str:
    """The allow list: HTML fragment in, HTML fragment with only allowed tags and attributes out."""
    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     attribute_filter=_attribute_filter, url_schemes=set(LINK_SCHEMES),
                     link_rel="noopener noreferrer", strip_comments=True,
                     clean_content_tags={"script", "style"})


def content_to_html(text: str, *, inline: bool = False) -> str:
    """A content text (Markdown) → sanitized HTML; `inline` drops the wrapping paragraph."""
    html = markdown.markdown(text, extensions=list(CONTENT_EXTENSIONS), output_format="html")
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return clean_html(html)
