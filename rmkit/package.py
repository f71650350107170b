"""LMS packages: each site (edition × audience) as a course that an LMS accepts, tracks and resumes.

`rmkit package` builds the sites through `rmkit build` (same stages, same caches) into a
staging folder inside the output folder, with no language selector (a package holds one
edition), then writes one zip per site and format:

- `scorm12`, `scorm2004`: the site, `imsmanifest.xml` and the schema files that the SCORM
  version requires at the package root (copied unmodified, with their notices), and a
  launcher page, the SCO, that keeps one LMS session for the whole visit;
- `cmi5`: the site, `cmi5.xml` (one AU) and the same launcher, which speaks xAPI to the LRS;
- `zip`: the plain site, for an intranet or a file share.

The launcher (`defaults/lms/launcher/launcher.js`, rmkit's own code) shows the site in a frame and records
which module pages the learner opened and which self-assessment objectives they ticked.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .build import BuildResult, build
from .findings import Finding, UsageError
from .project import PACKAGE_DEFAULTS
from .render import AUDIENCES, Renderer
from .resolve import Edition

FORMATS = ("scorm12", "scorm2004", "cmi5", "zip")
DEFAULT_FORMATS = ("zip",)
LMS_FILES = PACKAGE_DEFAULTS / "lms"
# Schema files each version requires at the package root: every file of its folder.
SCHEMA_FOLDERS = {"scorm12": LMS_FILES / "scorm12", "scorm2004": LMS_FILES / "scorm2004"}
LAUNCHER_SCRIPT = LMS_FILES / "launcher" / "launcher.js"
LAUNCHER_TEMPLATE = "lms-launch.html.j2"
TITLE_TEMPLATE = "lms-title.txt.j2"
LAUNCH_PAGE = "launch.html"
LAUNCHER_FOLDER = "rmkit-lms"
STAGING = ".rmkit-package"  # inside the output folder: the sites as built for packages
RECORD = "packages.json"  # in STAGING: the digest of each package's files
# Zip entries carry this date, so that a package changes only when its content does.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class PackageResult:
    out: Path
    findings: list[Finding] = field(default_factory=list)
    packages: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # those of `packages` left as they were
    build: BuildResult | None = None
    seconds: float = 0.0

    def summary(self) -> list[str]:
        lines = [f"{path.name} ({path.stat().st_size / 1_000_000:.1f} MB)" for path in self.packages]
        written = len(self.packages) - len(self.unchanged)
        unchanged = f", {len(self.unchanged)} unchanged" if self.unchanged else ""
        lines.append(f"wrote {written} package(s){unchanged} in {self.seconds:.1f} s → {self.out}")
        return lines


@dataclass
class Course:
    """What the packages of one site say about it, in the edition's language."""

    edition: Edition
    audience: str
    title: str
    description: str
    modules: list[str]  # module page paths, in the program's order
    objectives: list[str]  # "<module-id>.<objective-id>" of the self-assessment, in page order

    @property
    def identifier(self) -> str:
        """An XML ID: a letter first, then letters, digits, '-' and '.' only."""
        return re.sub(r"[^A-Za-z0-9.-]", "-", f"rmkit-{self.edition.program['id']}-{self.edition.id}-{self.audience}")

    @property
    def iri(self) -> str:
        """The cmi5 course id: under the program's `base_iri`, else a URN."""
        program = self.edition.program
        base = str(program.get("base_iri") or "").rstrip("/")
        if base:
            return f"{base}/{program['id']}/{self.edition.id}/{self.audience}"
        return f"urn:rmkit:{program['id']}:{self.edition.id}:{self.audience}"

    @property
    def au_iri(self) -> str:
        return f"{self.iri}{':' if self.iri.startswith('urn:') else '/'}site"

    def launcher_settings(self, standard: str) -> dict:
        structure = "\n".join(self.modules + [""] + self.objectives)
        return {"standard": standard, "start": "index.html", "modules": self.modules,
                "objectives": self.objectives,
                # Saved progress is a bit per module and objective: this tells a package
                # whose modules or objectives changed since it was saved.
                "fingerprint": hashlib.blake2b(structure.encode("utf-8"), digest_size=4).hexdigest()}


def package(root: Path | str, *, out: Path | None = None, formats: list[str] | None = None,
            editions: list[str] | None = None, audience: str | None = None, strict: bool = False,
            jobs: int | None = None, engine: str = "mkdocs") -> PackageResult:
    """Package the sites asked for (default: every edition and audience) in each format asked
    for (default: those program.yml lists under `packages:`, else zip)."""
    started = time.perf_counter()
    root = Path(root)
    out = (out if out is not None else root / "dist").absolute()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file, not a folder")
    unknown = [f for f in formats or () if f not in FORMATS]
    if unknown:
        raise UsageError(f"no package format {', '.join(map(repr, unknown))}; formats: {', '.join(FORMATS)}")
    built = build(root, out=out / STAGING / "sites", editions=editions, audience=audience, strict=strict,
                  jobs=jobs, engine=engine, language_selector=False)
    assert built.project is not None
    renderer = Renderer(built.project)
    result = PackageResult(out, list(built.findings), build=built)
    audiences = [audience] if audience else list(AUDIENCES)
    recorded = _read_record(out)
    try:
        for edition in built.editions:
            chosen = list(dict.fromkeys(formats or edition.program.get("packages") or DEFAULT_FORMATS))
            for site_audience in audiences:
                site = built.out / edition.id / site_audience
                course = describe(renderer, edition, site_audience)
                for package_format in chosen:
                    path, written = write_package(course, site, package_format, out, renderer, recorded)
                    result.packages.append(path)
                    if not written:
                        result.unchanged.append(path)
    finally:
        _write_record(out, recorded)
    result.seconds = time.perf_counter() - started
    return result


def describe(renderer: Renderer, edition: Edition, audience: str) -> Course:
    modules = edition.modules_for(audience)
    objectives = []
    if audience == "mentee":  # the self-assessment is the mentee's: its checkboxes, in page order
        for module in modules:
            mine = [o for o in module["objectives"] if o["learner"] == "mentee"]
            reverse = [o for o in module["objectives"] if o["learner"] == "mentor"]
            objectives += [f"{module['id']}.{o['id']}" for o in mine + reverse]
    title = renderer.render(TITLE_TEMPLATE, {"edition": edition, "audience": audience}, edition.language).strip()
    return Course(edition, audience, title, plain_text(edition.program.get("summary") or title),
                  [f"modules/{m['id']}.html" for m in modules], objectives)


def plain_text(markdown_text: str) -> str:
    """A Markdown text as one line of plain text (for the LMS's course description)."""
    import markdown
    import nh3

    return " ".join(html.unescape(nh3.clean(markdown.markdown(str(markdown_text)), tags=set())).split())


def site_files(site: Path) -> list[tuple[str, Path]]:
    return sorted((p.relative_to(site).as_posix(), p) for p in site.rglob("*") if p.is_file())


def write_package(course: Course, site: Path, package_format: str, out: Path, renderer: Renderer,
                  recorded: dict[str, str]) -> tuple[Path, bool]:
    """One zip, written beside its final name then moved there: never half-written.

    `recorded`: the digest of each package's files when it was written; a package whose files
    are the same is left as it is (and this records what is written). Returns the package's
    path and whether it was written."""
    program = course.edition.program["id"]
    target = out / f"{program}-{course.edition.id}-{course.audience}-{package_format}.zip"
    entries: list[tuple[str, bytes | Path]] = []
    files = site_files(site)
    if package_format != "zip":
        launcher = launcher_files(course, package_format, renderer)
        names = [name for name, _ in files] + list(launcher)
        if package_format == "cmi5":
            entries.append(("cmi5.xml", cmi5_course_structure(course).encode("utf-8")))
        else:
            entries.append(("imsmanifest.xml", scorm_manifest(course, package_format, names).encode("utf-8")))
            entries += [(p.relative_to(SCHEMA_FOLDERS[package_format]).as_posix(), p)
                        for p in sorted(SCHEMA_FOLDERS[package_format].rglob("*")) if p.is_file()]
        entries += list(launcher.items())
    entries += files
    digest = _digest(entries)
    if target.is_file() and recorded.get(target.name) == digest:
        return target, False  # the same files as the package already there: not written again
    out.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            seen = set()
            for name, content in entries:
                if name in seen:
                    continue
                seen.add(name)
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, content.read_bytes() if isinstance(content, Path) else content)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    recorded[target.name] = digest
    return target, True


def _digest(entries: list[tuple[str, bytes | Path]]) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for name, content in entries:
        hasher.update(name.encode("utf-8") + b"\0")
        hasher.update(content.read_bytes() if isinstance(content, Path) else content)
        hasher.update(b"\0")
    return hasher.hexdigest()


def _read_record(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / STAGING / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_record(out: Path, record: dict[str, str]) -> None:
    path = out / STAGING / RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# -- the launcher ------------------------------------------------------------------------------

def launcher_files(course: Course, standard: str, renderer: Renderer) -> dict[str, bytes]:
    """The launcher page (the SCO, or the cmi5 AU) and its script."""
    settings = json.dumps(course.launcher_settings(standard), ensure_ascii=False).replace("</", "<\\/")
    page = renderer.render(LAUNCHER_TEMPLATE, {"course": course, "edition": course.edition, "standard": standard,
                                               "settings": settings, "script": f"{LAUNCHER_FOLDER}/launcher.js"},
                           course.edition.language)
    return {LAUNCH_PAGE: page.encode("utf-8"), f"{LAUNCHER_FOLDER}/launcher.js": LAUNCHER_SCRIPT.read_bytes()}


# -- manifests -----------------------------------------------------------------------------------

_SCORM = {
    "scorm12": {
        "namespaces": {"": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
                       "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"},
        "locations": [("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
                      ("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd"),
                      ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd")],
        "version": "1.2", "manifest_version": "1.1", "sco": 'adlcp:scormtype="sco"',
    },
    "scorm2004": {
        "namespaces": {"": "http://www.imsglobal.org/xsd/imscp_v1p1",
                       "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
                       "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
                       "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
                       "imsss": "http://www.imsglobal.org/xsd/imsss"},
        "locations": [("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
                      ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
                      ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
                      ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
                      ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd")],
        # The 2004 XSD accepts any attribute of the adlcp namespace: only this spelling works.
        "version": "2004 4th Edition", "manifest_version": "1", "sco": 'adlcp:scormType="sco"',
    },
}


def scorm_manifest(course: Course, standard: str, files: list[str]) -> str:
    spec = _SCORM[standard]
    namespaces = "".join(f'\n    xmlns{":" + prefix if prefix else ""}="{uri}"'
                         for prefix, uri in spec["namespaces"].items())
    locations = " ".join(f"{uri} {file}" for uri, file in spec["locations"])
    ident = course.identifier
    title = escape(course.title)
    listed = "".join(f"\n      <file href={quoteattr(name)}/>" for name in [LAUNCH_PAGE] + sorted(set(files) - {LAUNCH_PAGE}))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{ident}" version="{spec['manifest_version']}"{namespaces}
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="{locations}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>{spec['version']}</schemaversion>
  </metadata>
  <organizations default="{ident}-organization">
    <organization identifier="{ident}-organization">
      <title>{title}</title>
      <item identifier="{ident}-item" identifierref="{ident}-site">
        <title>{title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{ident}-site" type="webcontent" {spec['sco']} href="{LAUNCH_PAGE}">{listed}
    </resource>
  </resources>
</manifest>
"""


CMI5_NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


def cmi5_course_structure(course: Course) -> str:
    lang = quoteattr(course.edition.id)
    title = f"<langstring lang={lang}>{escape(course.title)}</langstring>"
    description = f"<langstring lang={lang}>{escape(course.description)}</langstring>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="{CMI5_NAMESPACE}">
  <course id={quoteattr(course.iri)}>
    <title>{title}</title>
    <description>{description}</description>
  </course>
  <au id={quoteattr(course.au_iri)} moveOn="Completed" launchMethod="AnyWindow">
    <title>{title}</title>
    <description>{description}</description>
    <url>{LAUNCH_PAGE}</url>
  </au>
</courseStructure>
"""


# -- checking a package against its schemas ------------------------------------------------------

# The W3C schema of the xml namespace, for validating only: SCORM 1.2's ims_xml.xsd binds that
# namespace in a way XML Schema processors refuse, so it is read in its place (and shipped as is).
W3C_XML_SCHEMA = SCHEMA_FOLDERS["scorm2004"] / "xml.xsd"


def check_package(folder: Path, package_format: str) -> list[str]:
    """Validate an extracted package's manifest (or cmi5.xml) against the schema files it ships.
    Returns the problems found, as text; none when it is valid."""
    import xmlschema

    def local(url: str) -> str:
        name = url.rsplit("/", 1)[-1]
        if name in ("xml.xsd", "ims_xml.xsd"):
            return W3C_XML_SCHEMA.as_uri()
        return url

    if package_format == "zip":
        return [] if (folder / "index.html").is_file() else ["no index.html at the root"]
    if package_format == "cmi5":
        schema = xmlschema.XMLSchema(str(LMS_FILES / "cmi5" / "CourseStructure.xsd"))
        document = folder / "cmi5.xml"
    else:
        spec = _SCORM[package_format]
        # The IMS meta-data schema is left out: the manifest holds no meta-data record, and
        # that schema breaks a rule (unique particle attribution) processors enforce today.
        (first_namespace, first_file), *others = [(uri, file) for uri, file in spec["locations"]
                                                  if not file.startswith("imsmd_")]
        schema = xmlschema.XMLSchema(str(folder / first_file), uri_mapper=local,
                                     locations=[(uri, str(folder / file)) for uri, file in others])
        document = folder / "imsmanifest.xml"
    if not document.is_file():
        return [f"no {document.name} at the root"]
    return [str(error.reason or error.message) + f" (at {error.path})"
            for error in schema.iter_errors(str(document))]
