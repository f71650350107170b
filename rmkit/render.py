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

from .cache import MkDocsSettingsLoader
from .findings import RmkitError, finding
from .formats import Formats, own_name
from .project import PACKAGE_DEFAULTS, Project
from .resolve import Edition
from .sanitize import content_to_html

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
        self._environments: dict[str, jinja2.Environment] = {}
        # Compiled templates kept between builds: each worker process would compile them again.
        self._bytecode_cache = None
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir))

    def _environment(self, language: str) -> jinja2.Environment:
        """One environment per language: Jinja2 caches imported templates (the label macros)
        with the translations they were first rendered with."""
        if language in self._environments:
            return self._environments[language]
        from .catalogs import load_ui_translations

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
        # Content texts on their way to HTML (print.html.j2): only through the allow list.
        env.filters["content"] = lambda text: markupsafe.Markup(content_to_html(str(text)))
        # A short text (a title, an objective) that the sites also show through Markdown: no paragraph.
        env.filters["inline"] = lambda text: markupsafe.Markup(content_to_html(str(text), inline=True))
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
        for asset in sorted((ASSETS / "rmkit").iterdir()):
            site.files[f"docs/assets/rmkit/{asset.name}"] = asset.read_bytes()
        for override in sorted(OVERRIDES.iterdir()):
            site.files[f"overrides/{override.name}"] = override.read_bytes()
        settings = yaml.safe_load(self._render(SITE_TEMPLATE, dict(base, pages=site.files), edition.language))
        site.files["mkdocs.yml"] = site_config(self.project, edition, audience, editions, settings, config_dir)
        return site

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
    if not (isinstance(theme, dict) and theme.get("custom_dir")):  # the project's own overrides come first
        config["theme"]["custom_dir"] = "overrides"
    if base.get("site_url"):  # each site lives in its own folder of the published address
        config["site_url"] = f"{str(base['site_url']).rstrip('/')}/{edition.id}/{audience}/"
    return "# Generated by rmkit: edit the project's mkdocs.yml or templates instead.\n" + \
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1 << 16)


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
