"""`rmkit build`: every stage in order, then the output swapped in only on success.

load + validate → resolve each edition → for each edition × audience, in parallel worker
processes (`workers.py`): render it to a MkDocs project under `build/`, then have the engine
build the site (and `pdf.py` its PDF) into a staging folder beside the output → only when
every site built does the output change (`output.py`: owned folders, the swap, the lock).

Incremental (`cache.py`): a site whose frame and pages are as recorded for the site in
the output is not built again; a site whose frame is unchanged is rebuilt page by page
(only its changed pages are rendered); any other is built in full. Rendered files whose
bytes did not change are not rewritten.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import output, workers
from . import pdf as pdf_output
from .cache import (SiteDigest, SiteRecord, config_digest, engine_fingerprint, file_digest, output_digest,
                    read_manifest, site_digest,
                    write_if_changed, write_manifest)
from .catalogs import load_translations
from .evaluation import write_templates as write_evaluation_templates
from .findings import Finding, RmkitError, UsageError, finding
from .project import Project
from .render import AUDIENCES, Renderer, SiteProject
from .resolve import Edition, edition_entries, resolve_edition
from .site import EngineError, build_site, page_stands_alone
from .validate import validate_project


@dataclass
class BuildResult:
    out: Path
    findings: list[Finding] = field(default_factory=list)
    built: list[str] = field(default_factory=list)  # every site built, in full or page by page
    page_by_page: list[str] = field(default_factory=list)  # those of `built` where only changed pages were rendered
    unchanged: list[str] = field(default_factory=list)
    pdfs: list[str] = field(default_factory=list)  # every PDF made, as its path in the output
    pdfs_unchanged: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # What other outputs (LMS packages) read: the project and the editions built, resolved.
    project: Project | None = None
    editions: list[Edition] = field(default_factory=list)

    def summary(self) -> list[str]:
        line = f"built {len(self.built)} site(s)"
        if self.page_by_page:
            line += f" ({len(self.page_by_page)} page by page)"
        if self.unchanged:
            line += f", {len(self.unchanged)} unchanged"
        if self.pdfs or self.pdfs_unchanged:
            line += f"; made {len(self.pdfs)} PDF(s)"
            if self.pdfs_unchanged:
                line += f", {len(self.pdfs_unchanged)} unchanged"
        return [f"{line} in {self.seconds:.1f} s → {self.out}/index.html"]


@dataclass
class _Plan:
    """Everything a site job needs. Worker processes are forked with it: nothing big is pickled."""

    renderer: Renderer
    editions: list[Edition]  # all of them, for the language selector of each site
    work: Path
    out: Path
    staging: Path
    engine: str
    fingerprint: str  # the engine's version
    manifest: dict[str, SiteRecord]
    language_selector: bool = True
    printer: pdf_output.Printer | None = None  # None: no PDFs (--no-pdf, serve)
    # Called with ("started", what) and ("finished", what, status); in a worker, the queue's put.
    notify: object = None

    def edition(self, edition_id: str) -> Edition:
        return next(e for e in self.editions if e.id == edition_id)


@dataclass
class _SiteOutcome:
    """What a site job sends back: small, whatever the size of the site."""

    name: str
    record: SiteRecord | None = None
    status: str = "unchanged"  # unchanged | built | page-by-page | failed
    findings: list[Finding] = field(default_factory=list)
    texts: tuple = ({}, set())  # content texts converted or reused (render.ContentTexts.take_new)
    kind: str = "site"  # site | pdf (then `name` is the PDF's path in the output)


def build(root: Path | str, *, out: Path | None = None, editions: list[str] | None = None,
          audience: str | None = None, strict: bool = False, jobs: int | None = None,
          engine: str = "mkdocs", language_selector: bool = True, pdfs: bool = True,
          progress=None) -> BuildResult:
    """Build the mentor guide and mentee workbook of the editions asked for (default: all).

    `language_selector=False`: sites that link to no other edition (an LMS package holds one).
    `pdfs`: also make each site's PDF (`pdf.py`). `progress`: an object told what starts and
    finishes (`progress.py`), or None.
    """
    started = time.perf_counter()
    project, findings = validate_project(Path(root))
    _stop_on(findings, strict)
    out = (out if out is not None else project.root / "site").absolute()
    output.check_owned(out, output.SITE_MARKER)
    work = project.root / "build"
    output.check_owned(work, output.WORK_MARKER)
    output.claim(work, output.WORK_MARKER)
    with output.build_lock(work), output.terminated_as_interrupt():
        output.sweep_partials(out)
        return _build(project, findings, out, work, editions, audience, strict, jobs, engine, started,
                      language_selector, pdfs, progress)


def _build(project: Project, findings: list[Finding], out: Path, work: Path, editions: list[str] | None,
           audience: str | None, strict: bool, jobs: int | None, engine: str, started: float,
           language_selector: bool, pdfs: bool, progress) -> BuildResult:
    sites_work = work if language_selector else work / ".single-edition"  # each variant keeps its own
    resolved = [resolve_edition(project, entry, load_translations(project, entry["language"]))
                for entry in edition_entries(project)]
    findings += _translation_warnings(project, resolved)
    _stop_on(findings, strict)
    selected = _select(resolved, editions)
    audiences = [audience] if audience else list(AUDIENCES)
    renderer = Renderer(project, cache_dir=work / ".cache" / "templates")
    printer = pdf_output.Printer(project, renderer) if pdfs else None
    if printer is not None:
        findings += printer.font_findings(selected)
        _stop_on(findings, strict)
    # Before the workers fork: they inherit the language environments it sets up.
    landing = renderer.landing(resolved, {(e.id, a): printer.file_name(e, a) for e in resolved for a in AUDIENCES}
                               if printer is not None else None)

    result = BuildResult(out, findings, project=project, editions=selected)
    staging = output.staging_folder(out)
    try:
        plan = _Plan(renderer, resolved, sites_work, out, staging, engine,
                     engine_fingerprint(engine), read_manifest(out), language_selector, printer)
        todo = _longest_first(selected, audiences, printer is not None)
        if progress is not None:
            progress.begin(len(todo))
            plan.notify = progress.event
        try:
            outcomes = workers.run_jobs(plan, todo, jobs, _run_job)
        finally:
            if progress is not None:
                progress.end()
        order = {name: i for i, name in enumerate(f"{e.id}/{a}" for e in selected for a in audiences)}
        # Report in the order of editions.yml, each site before its PDF.
        outcomes.sort(key=lambda o: (order["/".join(o.name.split("/")[:2])], o.kind == "pdf"))
        # Sites fail alike (a template or mkdocs.yml they share): say each problem once.
        failures = list(dict.fromkeys(f for o in outcomes if o.status == "failed" for f in o.findings))
        if failures:
            raise RmkitError(failures)
        warnings = [f for o in outcomes for f in o.findings]
        result.findings += warnings
        _stop_on(warnings, strict)
        site_outcomes = [o for o in outcomes if o.kind == "site"]
        pdf_outcomes = [o for o in outcomes if o.kind == "pdf"]
        built = [o for o in site_outcomes if o.status != "unchanged"]
        names = [o.name for o in built]
        names += pdf_output.stage(staging, out, set(names), {
            o.name.rsplit("/", 1)[0]: (o.name.rsplit("/", 1)[1], o.status != "unchanged") for o in pdf_outcomes})
        output.swap_in(staging, out, names, landing)
        write_evaluation_templates(out, selected)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest = dict(plan.manifest)
    manifest.update((o.name, o.record) for o in outcomes)
    write_manifest(out, manifest)
    renderer.texts.save([o.texts for o in outcomes], prune=not editions and not audience)
    result.built = sorted(o.name for o in built)
    result.page_by_page = sorted(o.name for o in built if o.status == "page-by-page")
    result.unchanged = sorted(o.name for o in site_outcomes if o.status == "unchanged")
    result.pdfs = sorted(o.name for o in pdf_outcomes if o.status != "unchanged")
    result.pdfs_unchanged = sorted(o.name for o in pdf_outcomes if o.status == "unchanged")
    result.seconds = time.perf_counter() - started
    return result


def _longest_first(editions: list[Edition], audiences: list[str], pdfs: bool) -> list[tuple[str, str, str]]:
    """The pool's jobs, (what, edition, audience), in the order to start them: with few workers,
    a long job started last would leave the others idle at the end. A PDF takes several times
    as long as its site (WeasyPrint lays out every page), and the mentor guide is the longer
    PDF (it adds the mentor notes); the mentee workbook is the bigger site (it also prints
    every module on one page)."""
    sites = [(e, a) for e in editions for a in audiences]
    jobs = [("PDF", e, a) for e, a in sites] if pdfs else []
    jobs.sort(key=lambda job: (len(job[1].modules), job[2] == "mentor"), reverse=True)
    jobs += sorted((("site", e, a) for e, a in sites),
                   key=lambda job: (len(job[1].modules), job[2] == "mentee"), reverse=True)
    return [(what, e.id, a) for what, e, a in jobs]


def _run_job(plan: _Plan, what: str, edition_id: str, audience: str) -> _SiteOutcome:
    """One job of the pool: a site, or its PDF (they do not wait for each other)."""
    label = f"{what} {edition_id}/{audience}"
    if plan.notify is not None:
        plan.notify("started", label)
    outcome = (_make_pdf if what == "PDF" else _make_site)(plan, edition_id, audience)
    if plan.notify is not None:
        plan.notify("finished", label, outcome.status)
    return outcome


def _make_pdf(plan: _Plan, edition_id: str, audience: str) -> _SiteOutcome:
    """Make the PDF of one site into the staging area, unless it is as recorded in the output."""
    printer = plan.printer
    try:
        document = printer.document(plan.edition(edition_id), audience)
    except RmkitError as e:
        return _SiteOutcome(f"{edition_id}/{audience}", status="failed", findings=e.findings, kind="pdf")
    name = f"{document.name}/{document.file_name}"
    # Beside the site's generated project, for whoever wants to see what the PDF engine is given.
    write_if_changed(plan.work / document.name / "print.html", document.html)
    previous = plan.manifest.get(name)
    # Unchanged only while the PDF in the output is still the one made (not deleted or damaged).
    if (previous is not None and previous.digest.frame == document.digest and previous.files
            and previous.files.get(document.file_name) == file_digest(plan.out / name)):
        return _SiteOutcome(name, previous, "unchanged", _pdf_warnings(name, previous.warnings), kind="pdf")
    try:
        made = printer.write(document, pdf_output.staged_path(plan.staging, document.name, document.file_name))
    except RmkitError as e:
        return _SiteOutcome(name, status="failed", findings=e.findings, kind="pdf")
    except Exception as e:  # the engine's own failure: say which PDF, in its words
        return _SiteOutcome(name, status="failed", kind="pdf", findings=[finding(
            "pdf-failed", f"build/{document.name}", f"PDF {name} was not made: {type(e).__name__}: {e}")])
    staged = pdf_output.staged_path(plan.staging, document.name, document.file_name)
    record = SiteRecord(SiteDigest(document.digest), made.warnings, {document.file_name: file_digest(staged)})
    return _SiteOutcome(name, record, "built",
                        _pdf_warnings(name, made.warnings), kind="pdf")


def _pdf_warnings(name: str, messages: list[str]) -> list[Finding]:
    site = name.rsplit("/", 1)[0]
    return [finding("pdf-warning", f"build/{site}/print.html", f"PDF {name}: {message}") for message in messages]


def _make_site(plan: _Plan, edition_id: str, audience: str) -> _SiteOutcome:
    outcome = _render_and_build(plan, edition_id, audience)
    outcome.texts = plan.renderer.texts.take_new()
    return outcome


def _render_and_build(plan: _Plan, edition_id: str, audience: str) -> _SiteOutcome:
    """Render one site, compare it with the record of the site in the output, build what changed."""
    name = f"{edition_id}/{audience}"
    config_dir = plan.work / edition_id / audience
    try:
        edition = plan.edition(edition_id)
        site = plan.renderer.site(edition, audience, plan.editions if plan.language_selector else [], config_dir,
                                  pdf_file=plan.printer.file_name(edition, audience) if plan.printer else None)
    except RmkitError as e:
        return _SiteOutcome(name, status="failed", findings=e.findings)
    write_site_project(site, config_dir)
    config_file = config_dir / "mkdocs.yml"
    digest = site_digest(site.files, plan.fingerprint + config_digest(config_file), page_stands_alone)
    previous = plan.manifest.get(name)
    built_site = plan.out / name
    # The site in the output must still be what was built (a page deleted or changed since is
    # built again), whatever the manifest, which may come from elsewhere, says.
    own_pdf = frozenset({pdf_output.file_name(edition.program["id"], edition.id, audience)})
    intact = (previous is not None and bool(previous.files) and built_site.is_dir()
              and output_digest(built_site, own_pdf) == previous.files)
    if intact and previous.digest == digest:
        return _SiteOutcome(name, previous, "unchanged", _engine_warnings(name, previous.warnings))
    # Page by page only from a site that built without warnings: warnings of pages not
    # rendered again would be lost.
    reuse = intact and previous.digest.frame == digest.frame and not previous.warnings
    try:
        run = build_site(config_file, plan.staging / name, plan.engine,
                         previous=built_site if reuse else None,
                         changed_pages=digest.changed_pages(previous.digest) if reuse else None,
                         template_cache=plan.work / ".cache" / "templates",
                         page_cache=plan.work / ".cache" / "pages" / name)
    except EngineError as e:
        return _SiteOutcome(name, status="failed", findings=[
            finding("build-failed", f"build/{name}/mkdocs.yml", f"site {name} did not build: {e}")])
    return _SiteOutcome(name, SiteRecord(digest, run.warnings, output_digest(plan.staging / name, own_pdf)),
                        "page-by-page" if run.page_by_page else "built", _engine_warnings(name, run.warnings))


def _engine_warnings(name: str, messages: list[str]) -> list[Finding]:
    return [finding("engine-warning", f"build/{name}/mkdocs.yml", f"site {name}: {message}") for message in messages]


def _stop_on(findings: list[Finding], strict: bool) -> None:
    if any(f.is_error for f in findings) or (strict and findings):
        raise RmkitError(findings)


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
