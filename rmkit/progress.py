"""What `rmkit build` is doing while it runs: sites and PDFs done out of the total, and what is running.

On a terminal, one line that updates in place; otherwise (CI logs, pipes) one line per
finished site or PDF. Written to stderr, so that `--format json` on stdout stays parseable.
"""

from __future__ import annotations

import shutil
import sys
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.total = 0
        self.done = 0
        self.running: list[str] = []
        self._shown = False

    def begin(self, total: int) -> None:
        self.total, self.done, self.running = total, 0, []

    def event(self, kind: str, what: str, status: str | None = None) -> None:
        """`("started", "PDF en-GB/mentee")` or `("finished", "site en-GB/mentee", "built")`."""
        if kind == "started":
            self.running.append(what)
        else:
            if what in self.running:
                self.running.remove(what)
            self.done += 1
            if not self.live:
                self._write(f"[{self._count()}] {what}: {status}\n")
        if self.live:
            self._update()

    def end(self) -> None:
        if self.live and self._shown:
            self._write("\r\x1b[K")
            self._shown = False

    def _count(self) -> str:
        width = len(str(self.total))
        return f"{self.done:>{width}}/{self.total}"

    def _update(self) -> None:
        line = f"[{self._count()}] " + (f"running: {', '.join(self.running)}" if self.running else "")
        columns = shutil.get_terminal_size((80, 24)).columns
        if len(line) >= columns:
            line = line[:max(columns - 2, 10)] + "…"
        self._write("\r\x1b[K" + line)
        self._shown = True

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
