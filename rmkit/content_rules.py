"""The output's allow list (sanitize.py), told at the file and line before anything is built.

A content text, a translation or a country profile's value is converted with the same
Markdown as on its way to a page, and what the allow list would remove is reported:
raw HTML, a link whose scheme is not `https`, `http`, `mailto` or relative, an image that
is not a file under the project's `assets/`, and an attribute list (`{: …}`), which the
content's Markdown does not apply but a project's attr_list would. The checks read the
HTML Markdown makes, not the source's characters: no pattern of the source to get round.
"""

from __future__ import annotations

import string
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import markdown

from .sanitize import CONTENT_EXTENSIONS, clean_html, content_markdown, is_project_file_reference

ASSETS = "assets"
# Characters without which a text can hold neither HTML, nor a link or image, nor an attribute list.
_TRIGGERS = ("<", "[", "{")
_formatter = string.Formatter()


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    hint: str | None = None


def text_problems(text: str, *, root: Path | None = None, html_code: str = "raw-html") -> list[Problem]:
    """What the allow list would take out of `text` (Markdown with `{placeholders}`).

    `root`: the project's root, to check that images name its files; `html_code`: the code of
    raw HTML (`translation-html` in a catalog).
    """
    markdown_text = as_markdown_sees_it(text) if "{" in text or "}" in text else text
    if not any(c in markdown_text for c in _TRIGGERS):
        return []
    converter = content_markdown().reset()
    html = converter.convert(markdown_text)
    out = []
    raw = [chunk for chunk in converter.htmlStash.rawHtmlBlocks if str(chunk).lstrip().startswith("<")]
    if raw:
        out.append(Problem(html_code, f"raw HTML {_short(str(raw[0]).strip())}"))
    references = _References()
    if not raw:  # raw HTML is reported as such, whatever links or images it holds
        references.feed(html)
        references.close()
    for href in references.links:
        if not _kept(f'<a href="{_attribute(href)}">x</a>', "href"):
            out.append(Problem("unsafe-link", f"link to {_short(href)}: only https, http, mailto and "
                                              f"relative links reach the sites"))
    for src in references.images:
        problem = image_problem(src, root)
        if problem:
            out.append(Problem("remote-resource", problem))
    if "{" in markdown_text:
        with_attributes = _with_attribute_lists().reset().convert(markdown_text)
        if with_attributes != html:
            out.append(Problem("attribute-list", "an attribute list ({: …}) would set attributes of the page's "
                                                 "HTML; content texts cannot"))
    return out


def _with_attribute_lists() -> markdown.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=list(CONTENT_EXTENSIONS) + ["attr_list"],
                                                         output_format="html")
    return converter


_local = threading.local()


def image_problem(src: str, root: Path | None) -> str | None:
    """Why an image (or other embedded resource) is not a file of the project, or None."""
    if not is_project_file_reference(src) or not _kept(f'<img src="{_attribute(src)}">', "src"):
        return f"image {_short(src)} is not a file of the project: the sites fetch nothing from another host"
    path = src.split("#", 1)[0].split("?", 1)[0]
    if not (path == ASSETS or path.startswith(ASSETS + "/")):
        return f"image {_short(src)} is not under the project's {ASSETS}/ folder, which is copied into every site"
    if root is not None:
        target = root / path
        if not (target.is_file() and not target.is_symlink()):
            return f"image {_short(src)}: no such file in the project"
    return None


def as_markdown_sees_it(text: str) -> str:
    """The text with its placeholders filled by a neutral word and `{{`/`}}` made single braces."""
    try:
        parts = []
        for literal, name, _spec, _conversion in _formatter.parse(text):
            parts.append(literal)
            if name is not None:
                parts.append("value")
        return "".join(parts)
    except ValueError:
        return text  # malformed placeholders are reported on their own


def _kept(html: str, attribute: str) -> bool:
    return f"{attribute}=" in clean_html(html)


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


class _References(HTMLParser):
    """The targets of links and images in the HTML that Markdown made."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href") is not None:
            self.links.append(values["href"])
        elif tag == "img" and values.get("src") is not None:
            self.images.append(values["src"])

    handle_startendtag = handle_starttag


def _on_another_host(target: str) -> bool:
    parts = urlsplit(target.strip())
    return bool(parts.scheme or parts.netloc) or target.strip().startswith(("//", "\\\\"))


# -- the places texts come from, located ---------------------------------------------------

def check_country_values(document, root: Path | None = None) -> list:
    """A country profile's placeholder values are inserted into texts: the same rules apply."""
    out = []
    values = document.data.get("vars") if isinstance(document.data, dict) else None
    if not isinstance(values, dict):
        return out
    for group, value in values.items():
        leaves = value.items() if isinstance(value, dict) else [(None, value)]
        for key, leaf in leaves:
            if not isinstance(leaf, str):
                continue
            pointer = "/vars/" + _escape_pointer(str(group)) + ("" if key is None else "/" + _escape_pointer(str(key)))
            for problem in text_problems(leaf.replace("{", "{{").replace("}", "}}"),
                                         root=root):
                out.append(document.locate(problem.code, pointer, f"placeholder value: {problem.message}"))
    return out


def _escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def check_site_settings(project) -> list:
    """`extra_css` / `extra_javascript` of the project's mkdocs.yml on another host: a warning,
    since the sites would load them (the project's settings are code, not data)."""
    import yaml

    from .findings import finding
    from .files import read_regular_file

    path = project.root / "mkdocs.yml"
    try:
        data = read_regular_file(path)
        node = yaml.compose(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except Exception:  # noqa: BLE001 — a missing or unreadable mkdocs.yml is reported by the build
        return []
    out = []
    if not isinstance(node, yaml.MappingNode):
        return out
    for key, value in node.value:
        if key.value not in ("extra_css", "extra_javascript") or not isinstance(value, yaml.SequenceNode):
            continue
        for i, item in enumerate(value.value):
            target = item.value if isinstance(item, yaml.ScalarNode) else None
            if target is None and isinstance(item, yaml.MappingNode):  # extra_javascript: {path: …, type: …}
                target = next((v.value for k, v in item.value if k.value == "path" and isinstance(v, yaml.ScalarNode)), None)
            if isinstance(target, str) and _on_another_host(target):
                out.append(finding("remote-asset", "mkdocs.yml",
                                   f"{key.value} loads {_short(target)} from another host into every page",
                                   line=item.start_mark.line + 1, column=item.start_mark.column + 1,
                                   pointer=f"/{key.value}/{i}"))
    return out
