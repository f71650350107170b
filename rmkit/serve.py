"""`rmkit serve`: a live preview of one edition and audience.

Every change to the curriculum, the catalogs, the country profiles, the templates or
mkdocs.yml runs the incremental build (only what changed is rebuilt), and MkDocs'
live-reload server refreshes the browser. A build that fails prints its findings and
leaves the last good preview in place.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from .build import build
from .findings import RmkitError, UsageError
from .output import terminated_as_interrupt
from .reporters import REPORTERS
from .validate import validate_project

WATCHED = ("curriculum", "locales", "templates", "assets", "mkdocs.yml")


def serve(root: Path, *, edition: str | None = None, audience: str = "mentor", port: int = 8000,
          host: str = "127.0.0.1") -> int:
    from mkdocs.livereload import LiveReloadServer

    root = Path(root).resolve()
    edition = edition or _first_edition(root)
    # SIGTERM ends the preview as Ctrl+C does: its temporary folder is removed either way.
    with terminated_as_interrupt():
        preview = Path(tempfile.mkdtemp(prefix="rmkit-serve-"))
        try:
            return _serve(root, edition, audience, port, host, preview, LiveReloadServer)
        except KeyboardInterrupt:
            return 0
        finally:
            shutil.rmtree(preview, ignore_errors=True)


def _serve(root: Path, edition: str, audience: str, port: int, host: str, preview: Path, LiveReloadServer) -> int:
    out = preview / "site"

    def rebuild() -> None:
        try:
            # No PDF: a preview is rebuilt on every save, and a PDF takes seconds.
            result = build(root, out=out, editions=[edition], audience=audience, jobs=1, pdfs=False)
        except RmkitError as e:
            sys.stdout.write(REPORTERS["text"](e.findings))
            print("rmkit serve: the preview keeps the last good build")
            return
        for line in result.summary():
            print(line)

    rebuild()
    site = out / edition / audience
    if not (site / "index.html").is_file():
        return 1
    server = LiveReloadServer(builder=rebuild, host=host, port=port, root=str(site))
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    print(f"rmkit serve: {edition} {audience} at http://{host}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def _first_edition(root: Path) -> str:
    project, findings = validate_project(root)
    if any(f.is_error for f in findings) or not project.editions:
        raise RmkitError(findings)
    editions = project.editions.data["editions"]
    if not editions:
        raise UsageError("the project has no edition in locales/editions.yml")
    return editions[0]["id"]
