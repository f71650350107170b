"""Every internal href and src of every built page resolves to a file of that output."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # no browser, but the same built output


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def internal_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [link for link in parser.links
            if not urlsplit(link).scheme and not link.startswith(("//", "#", "mailto:", "tel:"))]


def test_every_internal_link_resolves(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 50, "the bundled program builds many pages"
    broken = []
    checked = 0
    for page in pages:
        for link in internal_links(page.read_text(encoding="utf-8")):
            target_path = unquote(urlsplit(link).path)
            if not target_path:
                continue
            target = (page.parent / target_path).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file() or built_site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(built_site)} → {link}")
    assert checked > 1000
    assert broken == [], _listing(f"{len(broken)} internal link(s) lead to no file of the output", broken)


class _Resources(HTMLParser):
    """What a browser fetches by itself: scripts, styles, icons, images, frames, media."""

    TAGS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
            "video": "src", "audio": "src", "embed": "src", "object": "data"}

    def __init__(self):
        super().__init__()
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = self.TAGS.get(tag)
        if name and attrs.get(name) and not (tag == "link" and attrs.get("rel") in ("alternate", "canonical")):
            self.resources.append(attrs[name])


def test_no_page_loads_anything_from_another_host(built_site: Path):
    foreign = []
    for page in sorted(built_site.rglob("*.html")):
        parser = _Resources()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        for link in parser.resources:
            if urlsplit(link).scheme in ("http", "https") or link.startswith("//"):
                foreign.append(f"{page.relative_to(built_site)} → {link}")
        for needle in ("fonts.googleapis.com", "fonts.gstatic.com", "unpkg.com", "cdn.jsdelivr.net"):
            if needle in text:
                foreign.append(f"{page.relative_to(built_site)} mentions {needle}")
    assert foreign == [], _listing("pages load resources from another host", foreign)


def _listing(title: str, items: list[str], limit: int = 25) -> str:
    """The first items, and how many pages are concerned: readable even when hundreds fail."""
    pages = sorted({item.split(" ")[0] for item in items})
    shown = "\n  ".join(items[:limit]) + (f"\n  … {len(items) - limit} more" if len(items) > limit else "")
    return f"{title}, on {len(pages)} page(s) ({', '.join(pages[:8])}{', …' if len(pages) > 8 else ''}):\n  {shown}"
