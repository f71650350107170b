"""Content hashes for incremental builds.

A site is a pure function of its rendered Markdown project (pages, generated mkdocs.yml,
the configuration it inherits, assets) and of the engine's version. Its digest is recorded
beside the built site; a site whose digest did not change is not built again, and a page
whose bytes did not change is not rewritten (its mtime stays, so engines and browsers that
watch files see nothing).
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

MANIFEST = ".rmkit-digest.json"


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write `content` to `path` unless it already holds exactly that. True if written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def engine_fingerprint(engine: str) -> str:
    """Versions of what turns Markdown into HTML: a new release invalidates every site."""
    names = {"mkdocs": ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown"),
             "zensical": ("zensical",)}.get(engine, (engine,))
    versions = []
    for name in names:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return ";".join(versions)


def tree_digest(roots: list[Path], extra: str = "") -> str:
    """A digest of every file under `roots` (names and bytes), plus `extra`."""
    digest = hashlib.sha256(extra.encode("utf-8"))
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(b"\0" + path.as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def read_manifest(site_root: Path) -> dict[str, str]:
    try:
        data = json.loads((site_root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(site_root: Path, digests: dict[str, str]) -> None:
    write_if_changed(site_root / MANIFEST, json.dumps(digests, indent=2, sort_keys=True) + "\n")
