"""`rmkit build`: every stage in order, then the output swapped in only on success.

load + validate → resolve each edition → render each edition × audience to a MkDocs
project under `build/` → the engine builds the sites that changed, in parallel, into a
staging folder beside the output → only then does the output change.

Incremental: a site is rebuilt only when the digest of what it is made of (its rendered
files, the configuration it inherits, the engine's version) differs from the digest of
the site in the output. Pages whose bytes did not change are not rewritten.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .cache import engine_fingerprint, read_manifest, write_if_changed, write_manifest
from .catalogs import load_translations
from .findings import Finding, RmkitError, UsageError, finding
from .project import Project
from .render import AUDIENCES, Renderer, SiteProject
from .resolve import Edition, edition_entries, resolve_edition
from .site import EngineError, build_site
from .validate import validate_project

SITE_MARKER = ".rmkit-site"
WORK_MARKER = ".rmkit-build"


@dataclass
class BuildResult:
    out: Path
    findings: list[Finding] = field(default_factory=list)
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> list[str]:
        line = f"built {len(self.built)} site(s)"
        if self.unchanged:
            line += f", {len(self.unchanged)} unchanged"
        return [f"{line} in {self.seconds:.1f} s → {self.out}/index.html"]


def build(root: Path | str, *, out: Path | None = None, editions: list[str] | None = None,
          audience: str | None = None, strict: bool = False, jobs: int | None = None,
          engine: str = "mkdocs") -> BuildResult:
    """Build the mentor guide and mentee workbook of the editions asked for (default: all)."""
    started = time.perf_counter()
    project, findings = validate_project(Path(root))
    _stop_on(findings, strict)
    out = (out if out is not None else project.root / "site").absolute()
    _check_owned(out, SITE_MARKER)
    work = project.root / "build"
    _check_owned(work, WORK_MARKER)
    _claim(work, WORK_MARKER)

    resolved = [resolve_edition(project, entry, load_translations(project, entry["language"]))
                for entry in edition_entries(project)]
    findings += _translation_warnings(project, resolved)
    _stop_on(findings, strict)
    selected = _select(resolved, editions)
    audiences = [audience] if audience else list(AUDIENCES)

    renderer = Renderer(project)
    fingerprint = engine_fingerprint(engine) + _base_config_digest(project)
    manifest = read_manifest(out)
    digests, pending = {}, []
    for edition in selected:
        for who in audiences:
            config_dir = work / edition.id / who
            site = renderer.site(edition, who, resolved, config_dir)
            write_site_project(site, config_dir)
            digests[site.name] = _digest(site, fingerprint)
            if manifest.get(site.name) != digests[site.name] or not (out / site.name / "index.html").is_file():
                pending.append((site.name, config_dir / "mkdocs.yml"))
    landing = renderer.landing(resolved)

    result = BuildResult(out, findings)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", suffix=".partial", dir=out.parent))
    try:
        warnings = _run_engine(pending, staging, engine, jobs)
        result.findings += warnings
        _stop_on(warnings, strict)
        _swap_in(staging, out, [name for name, _ in pending], landing)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest.update(digests)
    write_manifest(out, manifest)
    result.built = [name for name, _ in pending]
    result.unchanged = [name for name in digests if name not in result.built]
    result.seconds = time.perf_counter() - started
    return result


def _stop_on(findings: list[Finding], strict: bool) -> None:
    if any(f.is_error for f in findings) or (strict and findings):
        raise RmkitError(findings)


def _check_owned(folder: Path, marker: str) -> None:
    """rmkit writes only into folders it created (marked), or new or empty ones."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    if folder.is_dir() and not (folder / marker).is_file() and any(folder.iterdir()):
        raise UsageError(f"{folder} exists and was not created by rmkit (no {marker} in it): "
                         f"rmkit does not write into it. Choose another folder or empty this one.")


def _claim(folder: Path, marker: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / marker).write_text("This folder is written by rmkit build; its content is replaced on each build.\n",
                                 encoding="utf-8")


def _select(resolved: list[Edition], wanted: list[str] | None) -> list[Edition]:
    if not wanted:
        return resolved
    known = {e.id: e for e in resolved}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise UsageError(f"no edition {', '.join(map(repr, unknown))} in locales/editions.yml; "
                         f"editions: {', '.join(known)}")
    return [known[w] for w in dict.fromkeys(wanted)]


def _translation_warnings(project: Project, resolved: list[Edition]) -> list[Finding]:
    out = []
    for edition in resolved:
        catalog = project.catalog_path(edition.language)
        if edition.untranslated and catalog.is_file():
            out.append(finding("incomplete-translation", project.relative(catalog),
                               f"edition '{edition.id}' shows {len(edition.untranslated)} text(s) in the source "
                               f"language: untranslated or fuzzy in this catalog", line=1, column=1))
    return out


def write_site_project(site: SiteProject, folder: Path) -> int:
    """Write a rendered site project; unchanged files keep their bytes and times. Returns files written."""
    written = sum(write_if_changed(folder / path, content) for path, content in site.files.items())
    expected = {folder / path for path in site.files}
    for stale in [p for p in (folder / "docs").rglob("*") if p.is_file() and p not in expected]:
        stale.unlink()  # a page of a module that is no longer in the edition
    return written


def _digest(site: SiteProject, fingerprint: str) -> str:
    digest = hashlib.sha256(fingerprint.encode("utf-8"))
    for path in sorted(site.files):
        content = site.files[path]
        digest.update(b"\0" + path.encode("utf-8") + b"\0")
        digest.update(content.encode("utf-8") if isinstance(content, str) else content)
    return digest.hexdigest()


def _base_config_digest(project: Project) -> str:
    return hashlib.sha256(project.mkdocs_config().read_bytes()).hexdigest()


def _build_one(name: str, config_file: Path, site_dir: Path, engine: str) -> tuple[str, list[str]]:
    return name, build_site(config_file, site_dir, engine)


def _run_engine(pending: list[tuple[str, Path]], staging: Path, engine: str, jobs: int | None) -> list[Finding]:
    """Build every pending site into `staging`; raise with every failure, return the engine's warnings."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pending)))
    tasks = [(name, config, staging / name, engine) for name, config in pending]
    outcomes: list[tuple[str, list[str] | Exception]] = []
    if jobs == 1:
        for task in tasks:
            try:
                outcomes.append(_build_one(*task))
            except EngineError as e:
                outcomes.append((task[0], e))
    else:
        # fork: workers start with rmkit, MkDocs and Material already imported.
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [(task[0], pool.submit(_build_one, *task)) for task in tasks]
            for name, future in futures:
                try:
                    outcomes.append(future.result())
                except EngineError as e:
                    outcomes.append((name, e))
    errors = [finding("build-failed", f"build/{name}/mkdocs.yml", f"site {name} did not build: {outcome}")
              for name, outcome in outcomes if isinstance(outcome, Exception)]
    if errors:
        raise RmkitError(errors)
    return [finding("engine-warning", f"build/{name}/mkdocs.yml", f"site {name}: {message}")
            for name, messages in outcomes for message in messages]


def _swap_in(staging: Path, out: Path, names: list[str], landing: str) -> None:
    """Move each freshly built site into the output, replacing its previous version."""
    _claim(out, SITE_MARKER)
    trash = staging / ".replaced"
    for name in names:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            (trash / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, trash / name)
        os.replace(staging / name, target)
    write_if_changed(out / "index.html", landing)


def list_targets(root: Path, output_format: str = "text") -> int:
    """`rmkit editions`: every edition × audience, for fanning builds out in CI."""
    from .reporters import REPORTERS

    project, findings = validate_project(root)
    if any(f.is_error for f in findings):
        print(REPORTERS["text"](findings), end="")
        return 1
    targets = [{"edition": e["id"], "language": e["language"], "country": e["country"], "audience": a,
                "command": f"rmkit build --edition {e['id']} --audience {a}", "path": f"site/{e['id']}/{a}"}
               for e in edition_entries(project) for a in AUDIENCES]
    if output_format == "json":
        print(json.dumps(targets, indent=2, ensure_ascii=False))
    else:
        for t in targets:
            print(f"{t['edition']}\t{t['audience']}")
    return 0
