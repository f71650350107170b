"""Content hashes for incremental builds.

A site is a pure function of its rendered Markdown project (pages, generated mkdocs.yml,
the configuration it inherits, assets) and of the engine's version. What it was made of
is recorded beside the built sites (`.rmkit-digest.json`), in two parts:

- the *frame*: everything a page shares with the others (configuration and navigation,
  assets, the list of pages, the engine's version);
- each *page*: the Markdown of one page.

A site whose frame and pages are unchanged is not built again. A site whose frame is
unchanged is rebuilt page by page: only its changed pages are rendered again (see
`site.build_site`). A page whose bytes did not change is not rewritten (its mtime stays, so
engines and browsers that watch files see nothing).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

MANIFEST = ".rmkit-digest.json"
MANIFEST_FORMAT = 3


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


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# What turns Markdown into HTML, per engine: a new release of any invalidates every site.
ENGINE_PACKAGES = {
    "mkdocs": ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "pygments", "babel"),
    "zensical": ("zensical", "pymdown-extensions", "markdown", "pygments"),
}


def engine_fingerprint(engine: str) -> str:
    versions = []
    for name in ENGINE_PACKAGES.get(engine, (engine,)):
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return f"{engine}:" + ";".join(versions)


class MkDocsSettingsLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Reads mkdocs.yml files (here and in render.py); `!ENV` or `!!python/name` values are not needed."""


MkDocsSettingsLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def config_digest(config_file: Path) -> str:
    """The configuration MkDocs loads from `config_file`, with what it draws in.

    The file itself, the files it INHERITs (each relative to the file that names it), and
    the folders of `theme.custom_dir` and `hooks` (relative to `config_file`, as MkDocs reads
    them), which change a site without a byte of any mkdocs.yml changing.
    """
    digest = hashlib.blake2b(digest_size=16)
    base = config_file.parent
    seen: set[Path] = set()
    path: Path | None = config_file.resolve()
    while path is not None and path not in seen:
        seen.add(path)
        try:
            data = path.read_bytes()
        except OSError:
            digest.update(b"\0missing")
            break
        # Bytes, not paths: a project that moves keeps its digests.
        digest.update(b"\0" + data)
        try:
            settings = yaml.load(data, Loader=MkDocsSettingsLoader)
        except yaml.YAMLError:
            break  # the engine reports it
        if not isinstance(settings, dict):
            break
        theme = settings.get("theme")
        drawn_in = [theme.get("custom_dir")] if isinstance(theme, dict) else []
        hooks = settings.get("hooks")
        drawn_in += hooks if isinstance(hooks, list) else []
        for name in drawn_in:
            if isinstance(name, str):
                digest.update(tree_digest([base / name]).encode("ascii"))
        parent = settings.get("INHERIT")
        path = (path.parent / parent).resolve() if isinstance(parent, str) else None
    return digest.hexdigest()


def tree_digest(roots: list[Path], extra: str = "") -> str:
    """A digest of every file under `roots` (names relative to their root, and bytes), plus `extra`."""
    digest = hashlib.blake2b(extra.encode("utf-8"), digest_size=16)
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(b"\0" + path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class SiteDigest:
    """What one site was made of: its frame, and each page that can be rebuilt alone."""

    frame: str
    pages: dict[str, str] = field(default_factory=dict)  # docs-relative path → digest of the Markdown

    def changed_pages(self, previous: SiteDigest) -> list[str]:
        return sorted(path for path, digest in self.pages.items() if previous.pages.get(path) != digest)

    def to_dict(self) -> dict:
        return {"frame": self.frame, "pages": self.pages}

    @classmethod
    def from_dict(cls, data) -> SiteDigest | None:
        if not (isinstance(data, dict) and isinstance(data.get("frame"), str) and isinstance(data.get("pages"), dict)):
            return None
        return cls(data["frame"], data["pages"])


def site_digest(files: dict[str, str | bytes], fingerprint: str, stands_alone: Callable[[str], bool],
                docs_dir: str = "docs") -> SiteDigest:
    """Split a rendered site project into frame and pages, and hash both.

    A Markdown page goes into the pages only if `stands_alone(markdown)`: a page the engine
    reads more from than its own content (e.g. metadata that shows in the navigation of
    every page) belongs to the frame. Any other file of the docs folder (the calendar file,
    an image) is copied as it is, and no page's HTML reads its bytes: it is a page too.
    """
    frame = hashlib.blake2b(fingerprint.encode("utf-8"), digest_size=16)
    pages = {}
    prefix = docs_dir + "/"
    for path in sorted(files):
        content = files[path]
        data = content.encode("utf-8") if isinstance(content, str) else content
        if path.startswith(prefix):
            # The list of files makes the navigation and resolves links: part of the frame,
            # whatever their content.
            frame.update(b"\0page\0" + path.encode("utf-8"))
            if not path.endswith(".md") or (isinstance(content, str) and stands_alone(content)):
                pages[path[len(prefix):]] = _hash(data)
                continue
        frame.update(b"\0" + path.encode("utf-8") + b"\0" + data)
    return SiteDigest(frame.hexdigest(), pages)


@dataclass
class SiteRecord:
    """A built site in the manifest: what it was made of, and what the engine warned about."""

    digest: SiteDigest
    warnings: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # every file of the built site → digest of its bytes


def read_manifest(site_root: Path) -> dict[str, SiteRecord]:
    """The records of the sites in `site_root`; an unreadable or older manifest reads as empty."""
    try:
        data = json.loads((site_root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("sites"), dict):
        return {}
    records = {}
    for name, entry in data["sites"].items():
        digest = SiteDigest.from_dict(entry)
        warnings = entry.get("warnings") if isinstance(entry, dict) else None
        files = entry.get("files") if isinstance(entry, dict) else None
        if (digest is not None and isinstance(warnings, list) and isinstance(files, dict)
                and all(isinstance(v, str) for v in digest.pages.values())
                and all(isinstance(k, str) and isinstance(v, str) for k, v in files.items())):
            records[name] = SiteRecord(digest, [str(w) for w in warnings], files)
    return records


def write_manifest(site_root: Path, records: dict[str, SiteRecord]) -> None:
    sites = {name: dict(record.digest.to_dict(), warnings=record.warnings, files=record.files)
             for name, record in records.items()}
    write_if_changed(site_root / MANIFEST, json.dumps({"format": MANIFEST_FORMAT, "sites": sites},
                                                      indent=1, sort_keys=True) + "\n")


def output_digest(site: Path, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """Every file of a built site and the digest of its bytes: a site is reported unchanged, or
    reused page by page, only while it still holds exactly what was built (a few milliseconds
    per site; times would not do, since a restored site has new ones). `skip`: files with a
    record of their own (the site's PDF)."""
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and not path.is_symlink():
            name = path.relative_to(site).as_posix()
            if name not in skip:
                files[name] = _hash(path.read_bytes())
    return files


def file_digest(path: Path) -> str | None:
    """The digest of one file's bytes; None when it is not a regular file."""
    if not path.is_file() or path.is_symlink():
        return None
    return _hash(path.read_bytes())


# -- caches that are data --------------------------------------------------------------------
#
# build/.cache may be restored from another branch or another machine (a CI cache). Whatever
# an entry holds must not run (compiled templates are marshal data, which Python executes) or
# reach a page unchecked: every entry is sealed with a key that lives outside the project, in
# the user's own cache folder; an entry that is not sealed with it, or that does not parse, is
# ignored and made again.

_SEAL_BYTES = 32
_secret: bytes | None = None


def _key_file() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "rmkit" / "cache-key"


def cache_secret() -> bytes | None:
    """This user's key for sealing cache entries (made on first use); None if it cannot be kept."""
    global _secret
    if _secret is not None:
        return _secret
    path = _key_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as f:
                f.write(secrets.token_bytes(_SEAL_BYTES))
        info = path.lstat()
        key = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        if len(key) != _SEAL_BYTES or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
            return None
    except OSError:
        return None
    _secret = key
    return key


def seal(payload: bytes) -> bytes | None:
    key = cache_secret()
    if key is None:
        return None
    return hmac.new(key, payload, hashlib.sha256).digest() + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of a sealed entry, or None if it was not sealed with this user's key."""
    key = cache_secret()
    if key is None or len(data) < 32:
        return None
    mac, payload = data[:32], data[32:]
    return payload if hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()) else None


def write_sealed(path: Path, payload: bytes) -> None:
    data = seal(payload)
    if data is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def read_sealed(path: Path, limit: int = 64 << 20) -> bytes | None:
    from .files import FileProblem, read_regular_file

    try:
        return unseal(read_regular_file(path, limit))
    except FileProblem:
        return None


def sealed_bytecode_cache(folder: Path | None):
    """A Jinja2 bytecode cache whose entries are sealed (see above); None without a key."""
    import jinja2

    if folder is None or cache_secret() is None:
        return None

    class SealedBytecodeCache(jinja2.BytecodeCache):
        def load_bytecode(self, bucket):
            payload = read_sealed(folder / f"{bucket.key}.cache")
            if payload is not None:
                bucket.bytecode_from_string(payload)  # Jinja checks its own magic and the source's checksum

        def dump_bytecode(self, bucket):
            try:
                write_sealed(folder / f"{bucket.key}.cache", bucket.bytecode_to_string())
            except OSError:
                pass  # a cache that cannot be written only costs time

    return SealedBytecodeCache()
