"""Charts of the evaluation report: matplotlib (Agg, no display), SVG to inline in the page.

Deterministic: the same figures give the same bytes (a fixed `svg.hashsalt` for element ids,
no date in the metadata). Text stays text (`svg.fonttype: none`), so that the browser
shapes Arabic and Japanese with the page's fonts; numbers come formatted from Babel. Each
chart is an image with a title for screen readers; the table after it holds the numbers.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter  # noqa: E402
from markupsafe import Markup, escape  # noqa: E402

# Colour-blind-safe diverging scale (ColorBrewer PRGn) for ratings 1 to 5, and one accent.
RATING_COLOURS = ("#762a83", "#c2a5cf", "#d9d9d9", "#a6dba0", "#1b7837")
ACCENT = "#1b7837"
TEXT = "#1f2328"
SETTINGS = {
    "svg.hashsalt": "rmkit-report",
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "Noto Sans CJK JP", "Noto Sans Arabic", "sans-serif"],
    "font.size": 9,
    "text.color": TEXT, "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT,
    "axes.edgecolor": "#8c959f",
}
ROW_HEIGHT = 0.36  # inches per bar
_XML_PROLOGUE = re.compile(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SIZE = re.compile(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"')


class Charts:
    """The charts a template asks for, in the report's locale and direction."""

    def __init__(self, fmt, direction: str = "ltr"):
        self.fmt, self.rtl = fmt, direction == "rtl"

    def distribution(self, rows: list[tuple[str, list[float]]], legend: list[str], title: str) -> Markup:
        """A 100 % stacked bar per row: the share of each rating, 1 to 5."""
        with matplotlib.rc_context(SETTINGS):  # fonts are chosen when each text is made
            return self._distribution(rows, legend, title)

    def shares(self, rows: list[tuple[str, float]], title: str) -> Markup:
        """One bar per row: a share from 0 to 100 %, with its value at the end of the bar."""
        with matplotlib.rc_context(SETTINGS):
            return self._shares(rows, title)

    def _distribution(self, rows, legend, title) -> Markup:
        figure, axes = self._figure(len(rows), legend=True)
        labels = [label for label, _ in rows]
        starts = [0.0] * len(rows)
        for index, colour in enumerate(RATING_COLOURS):
            widths = [shares[index] or 0.0 for _, shares in rows]
            axes.barh(range(len(rows)), widths, left=starts, color=colour, height=0.6,
                      label=legend[index], edgecolor="white", linewidth=0.5)
            starts = [s + w for s, w in zip(starts, widths)]
        self._finish(axes, labels)
        axes.legend(ncols=5, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=8,
                    handlelength=1.2, columnspacing=1.0, reverse=self.rtl)
        return self._svg(figure, title)

    def _shares(self, rows, title) -> Markup:
        figure, axes = self._figure(len(rows))
        axes.barh(range(len(rows)), [share for _, share in rows], color=ACCENT, height=0.6)
        for y, (_, share) in enumerate(rows):
            # Just past the end of the bar, whichever way the axis runs.
            axes.text(share + 0.01, y, self.fmt.percent(share), va="center", ha="right" if self.rtl else "left",
                      fontsize=8)
        self._finish(axes, [label for label, _ in rows])
        return self._svg(figure, title)

    def _figure(self, count: int, legend: bool = False):
        figure = Figure(figsize=(7.0, 0.7 + ROW_HEIGHT * max(count, 1) + (0.35 if legend else 0)))
        FigureCanvasSVG(figure)
        return figure, figure.add_subplot()

    def _finish(self, axes, labels: list[str]) -> None:
        axes.set_xlim(0, 1.0)
        axes.set_ylim(len(labels) - 0.5, -0.5)  # first row on top
        axes.yaxis.set_major_locator(FixedLocator(range(len(labels))))
        axes.set_yticklabels([_short(label) for label in labels])
        axes.xaxis.set_major_locator(FixedLocator([0, 0.25, 0.5, 0.75, 1.0]))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: self.fmt.percent(value)))
        axes.spines[["top", "right", "left"]].set_visible(False)
        axes.tick_params(axis="y", length=0)
        if self.rtl:  # bars grow from the right, labels on the right, as the page reads
            axes.invert_xaxis()
            axes.yaxis.tick_right()
            axes.spines[["right"]].set_visible(False)

    def _svg(self, figure, title: str) -> Markup:
        figure.tight_layout(pad=0.4)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        svg = _METADATA.sub("", _XML_PROLOGUE.sub("", buffer.getvalue()))
        # Scales with the page; an image with a name for screen readers (the table holds the numbers).
        svg = _SIZE.sub(r'<svg \1', svg, count=1)
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" class="chart" ', 1)
        return Markup(svg.strip())


def _short(label: str, limit: int = 38) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[:limit - 1] + "…"
