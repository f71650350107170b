"""On paper (print emulation): no navigation; the workbook's checkboxes and note space show.

Visibility is measured as ink: the pixels a page paints darker than mid-grey where the
checkbox or the note space is, so that a box drawn, clipped or masked away counts as what
a reader would see on paper.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import ARABIC, ENGLISH, JAPANESE, dark_pixels, document_box, module_ids, site_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PRINTED_EDITIONS = [ENGLISH, JAPANESE, ARABIC]  # left-to-right, Japanese script, right-to-left
NAVIGATION = {"header": ".md-header", "tabs": ".md-tabs", "navigation sidebar": ".md-sidebar--primary",
              "table of contents sidebar": ".md-sidebar--secondary", "footer": ".md-footer",
              "search": ".md-search", "back-to-top button": ".md-top"}

_SHOWN = """el => {
  const r = el.getBoundingClientRect(), cs = getComputedStyle(el)
  return cs.display !== 'none' && cs.visibility !== 'hidden' && r.width > 0 && r.height > 0
}"""


def _print(page) -> None:
    page.emulate_media(media="print")
    # What the browser's print command also does: Material opens collapsed blocks on it.
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")


def _printed(visit, url: str):
    v = visit()
    page = v.new_page()
    page.goto(url)
    _print(page)
    return v, page


def _visible_navigation(page) -> list[str]:
    shown = []
    for name, selector in NAVIGATION.items():
        for el in page.locator(selector).all():
            if el.evaluate(_SHOWN):
                shown.append(f"{name} ({selector})")
    return shown


@pytest.mark.parametrize("edition", PRINTED_EDITIONS)
def test_print_hides_navigation_and_keeps_the_content(built_site: Path, server, visit, edition):
    audience = "mentee"
    site_dir(built_site, edition, audience)
    module = module_ids(built_site, edition, audience)[0]
    v = visit()
    page = v.new_page()
    problems = []
    for name in ["index", "calendar", f"modules/{module}", "self-assessment", "notes", "print"]:
        page.goto(f"{server}/{edition}/{audience}/{name}.html")
        _print(page)
        shown = _visible_navigation(page)
        if shown:
            problems.append(f"{name}.html prints {', '.join(shown)}")
        if not page.locator("article h1").first.evaluate(_SHOWN):
            problems.append(f"{name}.html does not print its title")
        page.emulate_media(media="screen")
    assert problems == [], f"{edition}/{audience}:\n  " + "\n  ".join(problems)
    assert v.errors() == []


def test_print_hides_the_mentor_guide_navigation(built_site: Path, server, visit):
    module = module_ids(built_site, ENGLISH, "mentor")[0]
    v, page = _printed(visit, f"{server}/{ENGLISH}/mentor/modules/{module}.html")
    assert _visible_navigation(page) == []
    # Collapsed blocks (variants, solutions) print open.
    for details in page.locator("article details").all():
        assert details.locator(":scope > :not(summary)").first.evaluate(_SHOWN), "a collapsed block prints closed"


def _checkbox_box(item) -> dict:
    """Where the checkbox of a task-list item is drawn: the item's start gutter, first line
    (document coordinates)."""
    return item.evaluate("""li => {
      const r = li.getBoundingClientRect(), em = parseFloat(getComputedStyle(li).fontSize)
      const rtl = getComputedStyle(li).direction === 'rtl', width = 1.75 * em
      return {x: (rtl ? r.right : r.left - width) + scrollX, y: r.top + scrollY, width, height: 1.5 * em}
    }""")


@pytest.mark.parametrize("edition", PRINTED_EDITIONS)
def test_print_keeps_the_self_assessment_checkboxes(built_site: Path, server, visit, edition):
    v, page = _printed(visit, f"{server}/{edition}/mentee/self-assessment.html")
    items = page.locator("article li.task-list-item")
    assert items.count() >= len(module_ids(built_site, edition, "mentee")), "one objective or more per module"
    faint = []
    for i in range(items.count()):
        item = items.nth(i)
        box = _checkbox_box(item)
        # An empty square or circle of ~1.2 em: its outline alone is some 50 CSS pixels of ink.
        ink = dark_pixels(page, box)
        if ink < 40:
            faint.append(f"checkbox {i + 1} ({item.inner_text()[:50]!r}): {ink:.0f} px of ink")
    if faint:
        pytest.fail(f"{edition}: {len(faint)} of {items.count()} checkboxes barely print (print emulation, dark "
                    f"pixels where the box is drawn; a visible box has 40 or more):\n  " + "\n  ".join(faint[:8])
                    + (f"\n  … {len(faint) - 8} more" if len(faint) > 8 else ""), pytrace=False)


@pytest.mark.parametrize("edition", PRINTED_EDITIONS)
@pytest.mark.parametrize("page_name", ["notes", "print"])
def test_print_keeps_the_note_space(built_site: Path, server, visit, edition, page_name):
    v, page = _printed(visit, f"{server}/{edition}/mentee/{page_name}.html")
    notes = page.locator("article div.rmkit-notes")
    assert notes.count() >= len(module_ids(built_site, edition, "mentee"))
    for i in range(notes.count()):
        note = notes.nth(i)
        assert note.evaluate(_SHOWN), f"note space {i + 1} does not print"
        height_cm = note.evaluate("el => el.getBoundingClientRect().height") / 96 * 2.54
        assert height_cm >= 5, f"note space {i + 1} is {height_cm:.1f} cm high on paper"
    box = document_box(notes.first)
    # Its frame prints: the left edge (a 1 px line over the whole height) has ink.
    edge = dark_pixels(page, {"x": box["x"], "y": box["y"], "width": 3, "height": box["height"]}, threshold=200)
    assert edge >= box["height"] * 0.8, f"the note space's frame does not print ({edge:.0f} px of ink)"


@pytest.mark.parametrize("edition", PRINTED_EDITIONS)
def test_printable_workbook_starts_each_module_on_a_new_page(built_site: Path, server, visit, edition):
    v, page = _printed(visit, f"{server}/{edition}/mentee/print.html")
    breaks = page.locator("article div.rmkit-page-break")
    assert breaks.count() == len(module_ids(built_site, edition, "mentee"))
    values = breaks.evaluate_all("els => els.map(el => getComputedStyle(el).breakBefore)")
    assert set(values) == {"page"}, values
