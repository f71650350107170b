"""Stage 4, render: an edition and an audience → a plain MkDocs project (Markdown + mkdocs.yml).

The project written here is standard MkDocs: its `mkdocs.yml` INHERITs the curriculum
project's `mkdocs.yml` (or the one packaged with rmkit), and any engine that reads
`mkdocs.yml` can build it. Templates come from the project's `templates/` first, then
from rmkit's own, file by file.
"""

from __future__ import annotations

import json
import os
import posixpath
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
import markupsafe
import yaml

from .cache import MkDocsSettingsLoader, sealed_bytecode_cache
from .calendar import CALENDAR_FILE, calendar_file, session_objectives, timed
from .evaluation import site_files as evaluation_files
from .findings import RmkitError, finding
from .formats import Formats, own_name
from .model import prepared_by_mentor
from .project import PACKAGE_DEFAULTS, Project
from .resolve import Edition
from .sanitize import content_to_html, markdown_block, markdown_inline, plain_text

AUDIENCES = ("mentor", "mentee")
ASSETS = PACKAGE_DEFAULTS / "assets"
# Theme templates replaced in every site (theme.custom_dir): the 404 page only.
OVERRIDES = PACKAGE_DEFAULTS / "overrides"

# (page path, template, audiences). Module pages are added per module.
PAGES = [
    ("index.md", "home.md.j2", AUDIENCES),
    ("scope.md", "scope.md.j2", AUDIENCES),
    ("calendar.md", "calendar.md.j2", AUDIENCES),
    ("glossary.md", "glossary.md.j2", AUDIENCES),
    ("recap.md", "recap.md.j2", ("mentee",)),
    ("self-assessment.md", "self-assessment.md.j2", ("mentee",)),
    ("notes.md", "notes.md.j2", ("mentee",)),
    ("print.md", "print.md.j2", ("mentee",)),
    ("country.md", "country.md.j2", ("mentor",)),
    ("evaluation.md", "evaluation.md.j2", ("mentor",)),
]
MODULE_TEMPLATE = "module.md.j2"
SITE_TEMPLATE = "site.yml.j2"
LANDING_TEMPLATE = "landing.html.j2"
EVENT_TEMPLATE = "calendar-event.txt.j2"
PDF_LABEL_TEMPLATE = "pdf-label.txt.j2"


@dataclass
class SiteProject:
    """What one site is made of, before anything is written: file path → content."""

    edition: str
    audience: str
    files: dict[str, str | bytes] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.edition}/{self.audience}"


class Renderer:
    """Renders a project's templates; one per project, reused for every edition and audience."""

    def __init__(self, project: Project, cache_dir: Path | None = None):
        self.project = project
        # Content texts as HTML, kept between builds (sealed, like every cache: cache.py):
        # converting them is most of the work of rendering a site that did not change.
        self.texts = ContentTexts(cache_dir.parent / "texts.json" if cache_dir is not None else None)
        self._environments: dict[str, jinja2.Environment] = {}
        # Compiled templates kept between builds: each worker process would compile them again.
        # Sealed: a compiled template is code, and build/.cache may come from elsewhere (cache.py).
        self._bytecode_cache = sealed_bytecode_cache(cache_dir)

    def _environment(self, language: str) -> jinja2.Environment:
        """One environment per language: Jinja2 caches imported templates (the label macros)
        with the translations they were first rendered with."""
        if language in self._environments:
            return self._environments[language]
        from .ui_catalogs import load_ui_translations

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.project.templates_dirs()]),
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            undefined=jinja2.ChainableUndefined,  # optional keys of the content model read as empty
            autoescape=lambda name: bool(name and name.endswith(".html.j2")),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=self._bytecode_cache,
        )
        env.filters["indent_md"] = indent_markdown
        # A JSON string is a YAML scalar that needs no further quoting.
        env.filters["yaml_text"] = lambda value: json.dumps(str(value), ensure_ascii=False)
        env.filters["cell"] = table_cell
        env.tests["prepared_by_mentor"] = prepared_by_mentor
        # Content texts (content, translations, country values) reach a page only through these:
        # converted and sanitized by rmkit, inert to the page's own Markdown (sanitize.py).
        env.filters["inline"] = _content_filter(markdown_inline, self.texts)
        env.filters["block"] = _content_filter(markdown_block, self.texts)
        env.filters["plain"] = plain_text
        # The same allow list for HTML templates (print.html.j2, the PDFs): blocks, or one line.
        env.filters["html_block"] = lambda text: markupsafe.Markup(content_to_html(str(text)))
        env.filters["html_inline"] = lambda text: markupsafe.Markup(content_to_html(str(text), inline=True))
        env.install_gettext_translations(load_ui_translations(self.project, language), newstyle=True)
        self._environments[language] = env
        return env

    def _render(self, template: str, context: dict, language: str) -> str:
        try:
            return self._environment(language).get_template(template).render(context)
        except jinja2.TemplateSyntaxError as e:
            raise RmkitError([self._template_finding(e.filename or e.name or template, e.lineno,
                                                     e.message or str(e))]) from None
        except jinja2.TemplateNotFound as e:
            raise RmkitError([finding("template-error", template, f"template '{e.name}' not found",
                                      hint="Templates are looked up in the project's templates/ first, "
                                           "then in rmkit's own.")]) from None
        except Exception as e:  # an error raised while running a template: point at it
            filename, line = _template_frame(sys.exc_info()[2])
            if filename is None:
                raise
            raise RmkitError([self._template_finding(filename, line, f"{type(e).__name__}: {e}")]) from None

    def render(self, template: str, context: dict, language: str) -> str:
        """One template, in a language's ui catalog (for outputs other than the site's pages)."""
        return self._render(template, context, language)

    def _template_finding(self, filename: str, line: int | None, message: str):
        return finding("template-error", self.project.relative(Path(filename)), message, line=line, column=1)

    def context(self, edition: Edition, audience: str, **extra) -> dict:
        """What every template of one edition and audience sees (pages, site settings, print)."""
        formats = Formats(edition.locale)
        modules = edition.modules_for(audience)
        calendar = edition.calendar_for(audience)
        by_module: dict[str, list] = {}
        for meeting in calendar:
            by_module.setdefault(meeting.module["id"], []).append(meeting)
        by_session = {(m.module["id"], m.session["id"]): m for m in calendar}
        base = {"edition": edition, "audience": audience, "mentor": audience == "mentor",
                "program": edition.program, "modules": modules, "calendar": calendar,
                "fmt": formats, "country": edition.country_profile,
                "module_titles": {m["id"]: m["title"] for m in modules},
                # Lookups for templates, instead of filtering the whole calendar on every use.
                "meetings_of": lambda module: by_module.get(module["id"], []),
                "meeting_of": lambda module, session: by_session.get((module["id"], session["id"])),
                **extra}
        return base

    def render(self, template: str, context: dict, language: str) -> str:
        """One template, in `language`; template problems are findings located in the template."""
        return self._render(template, context, language)

    def site(self, edition: Edition, audience: str, editions: list[Edition], config_dir: Path,
             pdf_file: str | None = None) -> SiteProject:
        """The Markdown pages, assets and mkdocs.yml of one edition for one audience.

        `config_dir` is where the site project will be written; `INHERIT` is relative to it.
        `pdf_file`: the name of the site's PDF (beside its home page), which pages link to.
        """
        base = self.context(edition, audience, pdf_file=pdf_file)
        site = SiteProject(edition.id, audience)

        def page(path: str, template: str, **extra) -> None:
            context = dict(base, page=path, page_link=lambda target: posixpath.relpath(
                target, posixpath.dirname(path) or "."), **extra)
            site.files[f"docs/{path}"] = self._render(template, context, edition.language)

        for path, template, audiences in PAGES:
            if audience in audiences:
                page(path, template)
        for module in base["modules"]:
            page(f"modules/{module['id']}.md", MODULE_TEMPLATE, module=module)
        if audience == "mentor":  # the evaluation page links to the template of the answers
            site.files.update(evaluation_files(edition))
        for asset in sorted((ASSETS / "rmkit").iterdir()):
            site.files[f"docs/assets/rmkit/{asset.name}"] = asset.read_bytes()
        for name, data in project_assets(self.project):
            site.files[f"docs/{PROJECT_ASSETS}/{name}"] = data
        for override in sorted(OVERRIDES.iterdir()):
            site.files[f"overrides/{override.name}"] = override.read_bytes()
        settings = yaml.safe_load(self._render(SITE_TEMPLATE, dict(base, pages=site.files), edition.language))
        site.files["mkdocs.yml"] = site_config(self.project, edition, audience, editions, settings, config_dir)
        calendar = self._calendar_file(edition, audience, base, settings["site_name"], config_dir)
        if calendar is not None:
            site.files[f"docs/{CALENDAR_FILE}"] = calendar
        return site

    def _calendar_file(self, edition: Edition, audience: str, base: dict, name: str, config_dir: Path) -> bytes | None:
        """The site's calendar.ics (calendar.py), its descriptions rendered from a template."""
        root = site_address(self.project, edition, audience) or ""

        def address(meeting) -> str:
            return f"{root}modules/{meeting.module['id']}.html#session-{meeting.session['id']}"

        def describe(meeting, link: str) -> str:
            context = dict(base, meeting=meeting, link=link, timed=timed(edition),
                           objectives=session_objectives(meeting.module, meeting.session))
            return self._render(EVENT_TEMPLATE, context, edition.language)

        return calendar_file(edition, audience, name=name, describe=describe, address=address,
                             previous=config_dir / "docs" / CALENDAR_FILE)

    def landing(self, editions: list[Edition], pdf_files: dict[tuple[str, str], str] | None = None) -> str:
        """site/index.html: every edition, named in its own language, with both audiences.

        `pdf_files`: the PDF of each (edition id, audience) that has one, linked in the edition's language.
        """
        pdf_files = pdf_files or {}
        entries = []
        for e in editions:
            sites = [(a, self._render("audience-label.txt.j2", {"audience": a}, e.language).strip()) for a in AUDIENCES]
            entry = {"edition": e, "name": own_name(e.locale), "direction": e.direction, "sites": sites, "pdfs": []}
            if any((e.id, a) in pdf_files for a in AUDIENCES):
                download = self._render(PDF_LABEL_TEMPLATE, {}, e.language).strip()
                entry["pdfs"] = [(f"{e.id}/{a}/{pdf_files[e.id, a]}", f"{download} · {label}")
                                 for a, label in sites if (e.id, a) in pdf_files]
            entries.append(entry)
        return self._render(LANDING_TEMPLATE, {"entries": entries}, "en")


PROJECT_ASSETS = "assets"  # the project's own files for its texts (images), copied into every site
_MAX_ASSET_BYTES = 64 * 1024 * 1024


def project_assets(project: Project) -> list[tuple[str, bytes]]:
    """The regular files under the project's `assets/` (not `assets/rmkit/`, which is rmkit's),
    as (path under assets/, bytes). Symlinks, dot-files and special files are left out."""
    from .files import FileProblem, read_regular_file

    folder = project.root / PROJECT_ASSETS
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = []
    for directory, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                               and not (Path(directory) == folder and d == "rmkit"))
        for name in sorted(files):
            path = Path(directory) / name
            if name.startswith(".") or path.is_symlink():
                continue
            try:
                data = read_regular_file(path, _MAX_ASSET_BYTES)
            except FileProblem as e:
                raise RmkitError([finding("build-failed", project.relative(path), e.message)]) from None
            found.append((path.relative_to(folder).as_posix(), data))
    return found


def _content_filter(convert, texts: ContentTexts):
    """A template filter: a content text → HTML for the page being rendered, whose relative
    links and images (named from the project's root) are rebased on the page's folder."""
    @jinja2.pass_context
    def content_filter(context, text) -> str:
        if text is None or isinstance(text, jinja2.Undefined):
            return ""
        page = context.get("page")
        base = "../" * page.count("/") if isinstance(page, str) else ""
        return texts.get(convert, str(text), base)
    return content_filter


class ContentTexts:
    """The HTML of content texts, by converter, text and base, read from and written to a
    sealed file (`build/.cache/texts.json`). The entries of one build are what it used: the
    workers send theirs back (`new`), and the file is written once, after the build."""

    def __init__(self, file: Path | None):
        from .sanitize import CONVERTER_VERSION

        self.file = file
        self.version = CONVERTER_VERSION
        self.known: dict[str, str] = {}
        self.new: dict[str, str] = {}
        self.used: set[str] = set()
        if file is not None:
            from .cache import read_sealed

            payload = read_sealed(file)
            try:
                data = json.loads(payload.decode("utf-8")) if payload is not None else None
            except ValueError:
                data = None
            if (isinstance(data, dict) and data.get("version") == self.version and isinstance(data.get("texts"), dict)
                    and all(isinstance(v, str) for v in data["texts"].values())):
                self.known = data["texts"]

    def get(self, convert, text: str, base: str) -> str:
        key = f"{convert.__name__}\0{base}\0{text}"
        html = self.known.get(key)
        if html is None:
            html = self.new.get(key)
            if html is None:
                html = self.new[key] = convert(text, base=base)
        else:
            self.used.add(key)
        return html

    def take_new(self) -> tuple[dict[str, str], set[str]]:
        """What this process converted or used since the last call (a worker's share)."""
        new, used = self.new, self.used
        self.new, self.used = {}, set()
        return new, used

    def save(self, shares: list[tuple[dict[str, str], set[str]]], *, prune: bool = True) -> None:
        """Keep the texts this build used (its own and its workers'), if any changed; `prune`
        (a build of every site) drops the texts no site uses any more."""
        if self.file is None:
            return
        from .cache import write_sealed

        kept: dict[str, str] = {} if prune else dict(self.known)
        for new, used in shares + [self.take_new()]:
            kept.update((key, self.known[key]) for key in used if key in self.known)
            kept.update(new)
        if kept == self.known or not kept:
            return
        try:
            write_sealed(self.file, json.dumps({"version": self.version, "texts": kept}, ensure_ascii=False,
                                               sort_keys=True).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs time


def table_cell(text: str) -> str:
    """Plain text that stays inside one cell of a Markdown table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def indent_markdown(text: str, width: int = 4) -> str:
    """Markdown nested in a block (admonition, list item): every line but the first indented."""
    pad = " " * width
    return "\n".join((pad + line) if line.strip() and i else line
                     for i, line in enumerate(str(text).strip().split("\n")))


def _template_frame(tb) -> tuple[str | None, int | None]:
    """The innermost template frame of a traceback (Jinja2 maps them to template lines)."""
    found = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def site_config(project: Project, edition: Edition, audience: str, editions: list[Edition],
                settings: dict, config_dir: Path) -> str:
    """The site's mkdocs.yml: standard keys only, layered over the project's configuration."""
    from .site import search_languages, theme_language

    base_file = project.mkdocs_config()
    base = _base_settings(base_file, base_file.stat().st_mtime_ns, project.relative(base_file))
    config = {
        # Relative inside the project, so that the generated project moves with it.
        "INHERIT": os.path.relpath(base_file, config_dir) if project.root in base_file.parents else str(base_file),
        "site_name": settings["site_name"],
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": False,
        "theme": {"language": theme_language(edition.language, edition.country), "direction": edition.direction},
        # A mapping, so that INHERIT merges it with the base's plugins instead of replacing them.
        "plugins": {"search": {"lang": search_languages(edition.language)}},
        "extra": {
            "polyfills": ["assets/rmkit/iframe-worker-shim.js"],
            "alternate": [{"name": own_name(e.locale), "lang": e.id,
                           "link": f"../../{e.id}/{audience}/index.html"} for e in editions],
        },
        # Lists replace the base's under INHERIT: keep the project's stylesheets and scripts, add ours.
        "extra_css": ["assets/rmkit/site.css"] + list(base.get("extra_css") or []) + ["assets/rmkit/print.css"],
        "extra_javascript": list(base.get("extra_javascript") or []) + ["assets/rmkit/accessibility.js"],
        "nav": settings["nav"],
    }
    theme = base.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom_dir, str) and custom_dir:  # the project's own overrides come first
        config["theme"]["custom_dir"] = _from_project(custom_dir, base_file, config_dir)
    else:
        config["theme"]["custom_dir"] = "overrides"
    hooks = base.get("hooks")
    if isinstance(hooks, list) and hooks:
        config["hooks"] = [_from_project(h, base_file, config_dir) if isinstance(h, str) else h for h in hooks]
    address = site_address(project, edition, audience)
    if address:
        config["site_url"] = address
    return "# Generated by rmkit: edit the project's mkdocs.yml or templates instead.\n" + \
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1 << 16)


def site_address(project: Project, edition: Edition, audience: str) -> str | None:
    """Where a site is published (`site_url` of the project's mkdocs.yml), if it says."""
    base_file = project.mkdocs_config()
    base = _base_settings(base_file, base_file.stat().st_mtime_ns, project.relative(base_file))
    if not base.get("site_url"):
        return None
    return f"{str(base['site_url']).rstrip('/')}/{edition.id}/{audience}/"  # each site in its own folder


def _from_project(path: str, base_file: Path, config_dir: Path) -> str:
    """A relative path of the project's mkdocs.yml (`custom_dir`, `hooks`), which MkDocs would
    read from the generated file's folder, as the generated file must name it: resolved
    against the project's root, where that mkdocs.yml is."""
    if os.path.isabs(path):
        return path
    return os.path.relpath(base_file.parent / path, config_dir)


@lru_cache(maxsize=8)
def _base_settings(path: Path, modified: int, file: str) -> dict:
    """The project's mkdocs.yml as data; `modified` keeps `rmkit serve` from reading a stale copy."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=MkDocsSettingsLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise RmkitError([finding("yaml-syntax", file, f"{file} is not valid YAML: {e.problem or e.context}",
                                  line=mark.line + 1 if mark else None,
                                  column=mark.column + 1 if mark else None)]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise RmkitError([finding("build-failed", file, f"cannot read {file}: {e}")]) from None
    return data if isinstance(data, dict) else {}
