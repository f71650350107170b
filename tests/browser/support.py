"""Helpers of the browser tests: reading the built output, driving Material's search,
formatting axe results, and measuring ink on a rendered page. No fixtures here."""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Editions the language-specific tests need; the bundled program has them (locales/editions.yml).
ENGLISH, FRENCH, JAPANESE, ARABIC = "en-GB", "fr-FR", "ja-JP", "ar-AE"
AUDIENCES = ("mentor", "mentee")


# -- the built output -------------------------------------------------------------------------

def site_dir(built_site: Path, edition: str, audience: str) -> Path:
    folder = built_site / edition / audience
    assert (folder / "index.html").is_file(), f"{edition}/{audience} was not built: no {folder}/index.html"
    return folder


def module_ids(built_site: Path, edition: str, audience: str) -> list[str]:
    """The edition's modules, in the order of its home page (the program's order)."""
    home = (site_dir(built_site, edition, audience) / "index.html").read_text(encoding="utf-8")
    main = home[home.find('<article'):]  # the page's content, not the navigation
    ids = list(dict.fromkeys(re.findall(r'href="modules/([a-z0-9-]+)\.html"', main)))
    assert ids, f"{edition}/{audience}: the home page links to no module page"
    return ids


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def page_title(path: Path) -> str:
    """The text of a built page's <h1>, without the permalink anchor."""
    match = _H1.search(path.read_text(encoding="utf-8"))
    assert match, f"{path} has no <h1>"
    inner = re.sub(r'<a class="headerlink".*?</a>', "", match.group(1), flags=re.S)
    return " ".join(unescape(_TAG.sub("", inner)).split())


def search_separator(site: Path) -> str:
    """The separator regex of the site's search index (Material's `search.separator`)."""
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return data["config"]["separator"]


def path_of(url: str) -> str:
    """The path of a URL, without query and fragment (search results carry ?h=…#…)."""
    return urlsplit(url).path


# -- Material's search ------------------------------------------------------------------------

def _initializer(built_site: Path, url: str) -> str:
    """The "Initializing search" text the page was built with, in its language."""
    parts = urlsplit(url)
    path = Path(unquote(parts.path)) if parts.scheme == "file" else built_site / unquote(parts.path).lstrip("/")
    match = re.search(r'class="md-search-result__meta">(.*?)<', path.read_text(encoding="utf-8"), re.S)
    assert match, f"{path} has no search"
    return match.group(1).strip()


def wait_for_search_ready(page, built_site: Path, timeout: float = 15_000) -> str:
    """Wait until the search worker has loaded the index; return the placeholder text then shown.

    Material renders "Initializing search" (in the page's language) and replaces it once the
    worker answers: a broken worker, index or lunr language file never gets there. From disk
    (file://) Material loads the index only when the search box takes the focus, so it does.
    """
    initial = _initializer(built_site, page.url)
    page.locator("input.md-search__input").focus()
    page.wait_for_function(
        "t => { const m = document.querySelector('.md-search-result__meta'); return m && m.textContent.trim() !== t }",
        arg=initial, timeout=timeout)
    placeholder = page.locator(".md-search-result__meta").text_content().strip()
    page.keyboard.press("Escape")  # close the search again
    return placeholder


# The words a title is indexed as: Material's worker splits on the index's separator, then
# has TinySegmenter cut every piece that holds Japanese script (its ctype M, H, I or K).
_WORDS_JS = """([text, separator]) => {
  const segmenter = window.lunr && window.lunr.TinySegmenter ? new window.lunr.TinySegmenter() : null
  const words = []
  for (const piece of text.split(new RegExp(separator, 'u'))) {
    if (!piece) continue
    if (segmenter && /^[MHIK]$/.test(segmenter.ctype_(piece)))
      words.push(...segmenter.segment(piece))
    else
      words.push(piece)
  }
  return words
}"""


def load_segmenter(page, site: Path) -> None:
    """Load the site's own TinySegmenter (lunr/tinyseg.js) into the page, as the worker does."""
    page.evaluate("() => { window.lunr = window.lunr || {} }")
    page.add_script_tag(content=(site / "assets" / "javascripts" / "lunr" / "tinyseg.js").read_text(encoding="utf-8"))
    assert page.evaluate("() => typeof window.lunr.TinySegmenter === 'function'")


def indexed_words(page, text: str, separator: str) -> list[str]:
    return page.evaluate(_WORDS_JS, [text, separator])


def search_word(page, title: str, separator: str) -> str:
    """The most distinctive word of a title: its longest indexed word of letters or digits."""
    words = [w for w in indexed_words(page, title, separator) if len(w) >= 2 and re.fullmatch(r"\w+", w)]
    assert words, f"no searchable word in the title {title!r}"
    return max(words, key=len)


def search(page, query: str, placeholder: str, timeout: float = 10_000) -> list[str] | None:
    """Type a query in Material's search box; return the result links once they answer it.

    Material searches on key-up. `fill` (like Playwright's typing of Japanese text) sends
    none, so a Space and a Backspace follow: the query ends as typed, and the worker is asked.
    Each result carries the query words it matched in its `?h=` parameter (highlighting),
    which tells the results of this query from those of an earlier one still on screen.
    Returns [] when the search answers "no match" (use a page that has not searched yet for
    a query expected to find nothing), None when it never answers.
    """
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator("label[for=__search]").first.click()
    box.click()  # opens the search (results show only while it is open)
    box.fill(query)
    box.press("Space")
    box.press("Backspace")
    return page.evaluate("""async ([query, placeholder, timeout]) => {
      const words = s => s.toLowerCase().trim().split(/\\s+/).filter(Boolean)
      const asked = new Set(words(query))
      const meta = () => document.querySelector('.md-search-result__meta').textContent.trim()
      const links = () => [...document.querySelectorAll('a.md-search-result__link')]
      // A result highlights the words of the query it matched (?h=): those of this query.
      const highlighted = a => words(new URL(a.href).searchParams.get('h') || '')
      const ours = a => highlighted(a).every(w => asked.has(w))
      const start = performance.now()
      while (performance.now() - start < timeout) {
        const all = links(), marked = all.filter(a => highlighted(a).length)
        if (marked.length && marked.every(ours)) return all.map(a => a.href)
        if (!all.length && meta() !== placeholder && performance.now() - start > 2000) return []
        await new Promise(r => setTimeout(r, 50))
      }
      return null
    }""", [query, placeholder, timeout])


# -- axe-core ---------------------------------------------------------------------------------

SERIOUS = ("serious", "critical")


def run_axe(page, axe_source: str) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def describe_violations(violations: list[dict], limit: int = 6) -> str:
    """One paragraph per rule: id, impact, what it asks, and the selectors of the failing nodes."""
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
        shown = "; ".join(targets[:limit]) + (f"; … {len(targets) - limit} more" if len(targets) > limit else "")
        checks = [c for n in v["nodes"][:1] for c in n.get("any", []) + n.get("all", []) + n.get("none", [])]
        example = f"\n      first node: {checks[0]['message']}" if checks and checks[0].get("message") else ""
        lines.append(f"  - {v['id']} ({v['impact']}): {v['help']} [{len(targets)} node(s)]\n"
                     f"      {shown}{example}\n      {v['helpUrl']}")
    return "\n".join(lines)


# -- pixels -----------------------------------------------------------------------------------

def document_box(locator) -> dict:
    """An element's box in document coordinates (CSS px), for `dark_pixels`."""
    return locator.evaluate("""el => { const r = el.getBoundingClientRect()
      return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height} }""")


def dark_pixels(page, clip: dict, threshold: int = 160) -> float:
    """How many CSS pixels of `clip` (document coordinates) the page paints darker than
    `threshold` (0–255 luma). Counts what a reader sees, whatever draws it (border, mask,
    background, glyph)."""
    png = page.screenshot(clip=clip, full_page=True, animations="disabled")
    data = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return page.evaluate("""async ([data, threshold]) => {
      const img = new Image(); img.src = data; await img.decode()
      const canvas = document.createElement('canvas'); canvas.width = img.width; canvas.height = img.height
      const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0)
      const px = ctx.getImageData(0, 0, img.width, img.height).data
      let dark = 0
      for (let i = 0; i < px.length; i += 4)
        if (0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2] < threshold) dark++
      return dark / (window.devicePixelRatio || 1) ** 2
    }""", [data, threshold])
