"""Stage 5, site: a rendered MkDocs project → a static site, with the engine of choice.

MkDocs runs in-process (no interpreter start per site); Zensical, which reads the same
`mkdocs.yml`, runs as its own command when it is installed.

Page by page: when only some pages of a site changed since its previous build (same
configuration, same navigation), MkDocs starts from a copy of the previous site and renders
only those pages, then puts the search index back together. The result is the same, byte
for byte, as a full build; `page_by_page_possible` says when that holds.

Caches: the theme's compiled templates, and the HTML of each page's Markdown, are kept
between builds, so that a site built again in full (its navigation changed) compiles no
template and converts only the pages whose Markdown changed.

The generated project stays plain MkDocs: what makes all this work is registered here,
in-process, not in its mkdocs.yml.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from .cache import read_sealed, sealed_bytecode_cache, write_sealed

ENGINES = ("mkdocs", "zensical")


@cache
def _material_languages() -> frozenset[str]:
    try:
        import material
    except ImportError:
        return frozenset({"en"})
    folder = Path(material.__file__).parent / "templates" / "partials" / "languages"
    return frozenset(p.stem for p in folder.glob("*.html"))


def theme_language(language: str, country: str) -> str:
    """A language code Material knows (it fails on others): fr-FR → fr, pt + BR → pt-BR."""
    known = _material_languages()
    base = language.replace("_", "-").split("-")[0]
    for candidate in (f"{base}-{country}", language.replace("_", "-"), base):
        if candidate in known:
            return candidate
    return "en"


# Languages of lunr.js that Material's search ships (its `lang` option).
_SEARCH_LANGUAGES = {"ar", "da", "de", "du", "el", "en", "es", "fi", "fr", "he", "hi", "hu", "hy", "it", "ja",
                     "kn", "ko", "nl", "no", "pt", "ro", "ru", "sa", "sv", "ta", "te", "th", "tr", "vi", "zh"}


# Languages written without spaces, whose lunr.js support segments words itself.
_SEGMENTED_LANGUAGES = {"ja", "zh", "th"}


def search_languages(language: str) -> list[str]:
    base = language.replace("_", "-").split("-")[0]
    if base == "en" or base not in _SEARCH_LANGUAGES:
        return ["en"]
    if base in _SEGMENTED_LANGUAGES:
        # The English stemmer would shorten the segmenter's words in the index while the
        # query goes unstemmed: 'ビジネスSNS' would not be found. Latin words are found anyway.
        return [base]
    # English too: product names (LinkedIn, Teams) stay English in every edition.
    return [base, "en"]


class EngineError(Exception):
    """The engine could not build a site; the message says why, in the engine's words."""


@dataclass
class SiteBuilt:
    warnings: list[str]
    # Only the changed pages were rendered; the rest of the site was kept from its previous build.
    page_by_page: bool = False


# Page metadata that only concerns the page itself. Other keys (`title`, `icon`, `status`,
# `tags`, …) show in the navigation or listings of other pages.
_PAGE_LOCAL_METADATA = {"search", "hide", "description", "template"}


def page_stands_alone(markdown: str) -> bool:
    """Whether a page's Markdown affects no other page of its site."""
    from mkdocs.utils.meta import get_data

    return set(get_data(markdown)[1]) <= _PAGE_LOCAL_METADATA


def build_site(config_file: Path, site_dir: Path, engine: str = "mkdocs", *, previous: Path | None = None,
               changed_pages: Collection[str] | None = None, template_cache: Path | None = None,
               page_cache: Path | None = None) -> SiteBuilt:
    """Build the site described by `config_file` into `site_dir` (which must not exist).

    `previous` and `changed_pages`: the site as last built from the same configuration and
    navigation, and the pages (relative to docs_dir) whose Markdown changed since; the engine
    may then render only those. `template_cache`: a folder where compiled theme templates
    are kept between builds (shared by sites). `page_cache`: this site's own folder where
    the HTML of each page's Markdown is kept between builds.
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if engine == "zensical":
        return _build_with_zensical(config_file, site_dir)
    return _build_with_mkdocs(config_file, site_dir, previous, changed_pages, template_cache, page_cache)


# The warning of a dirty build is about navigation and links that may be stale; rmkit builds
# page by page only when they are not (same frame), so it is not the user's concern.
_DIRTY_BUILD_WARNING = "A 'dirty' build is being performed"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(_DIRTY_BUILD_WARNING):
            self.messages.append(message)


def _build_with_mkdocs(config_file: Path, site_dir: Path, previous: Path | None, changed_pages: Collection[str] | None,
                       template_cache: Path | None, page_cache: Path | None) -> SiteBuilt:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    previous_level, logger.propagate = logger.level, False
    logger.setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir))
        page_by_page = (previous is not None and changed_pages is not None
                        and page_by_page_possible(config, previous))
        _share_theme_work(config.theme, template_cache)
        if page_cache is not None and _markdown_cache_possible(config):
            config.plugins["rmkit/converted-pages"] = _ConvertedPages(page_cache, prune=not page_by_page)
        if page_by_page:
            config.plugins["rmkit/page-by-page"] = _PageByPage(frozenset(changed_pages), previous)
        build(config, dirty=page_by_page)
    except (MkDocsException, OSError, ValueError) as e:
        raise EngineError("; ".join(collect.messages + [str(e)])) from None
    finally:
        logger.removeHandler(collect)
        logger.setLevel(previous_level)
        logger.propagate = True
    return SiteBuilt(collect.messages, page_by_page)


# Plugins known to read nothing but the page they are given, and the search index they write,
# which _PageByPage puts back together. Any other plugin (or hook) may gather across pages.
_PAGE_LOCAL_PLUGINS = {"search", "material/search", "offline", "material/offline"}
# Theme template overrides that show no page's content (rmkit's own: a self-contained 404
# page). Other overrides (main.html, partials) may show any page's.
_PAGE_LOCAL_OVERRIDES = {"404.html"}


def page_by_page_possible(config, previous: Path) -> bool:
    """Whether rendering only the changed pages gives the same site as a full build.

    Other pages' HTML depends on a changed page only through the navigation (titles, order),
    plugins or template overrides that gather across pages, and links into it: so every page
    must have its title in `nav` (not from its first heading), every plugin must be page-local,
    the theme's templates its own (or overrides that show no page), and broken anchors in
    links must not be warnings (they would only be checked on the pages rendered again).
    """
    if not set(config.plugins) <= _PAGE_LOCAL_PLUGINS:
        return False
    custom_dir = config.theme.custom_dir
    if custom_dir and not {p.name for p in Path(custom_dir).rglob("*")} <= _PAGE_LOCAL_OVERRIDES:
        return False
    if config.validation.links.anchors >= logging.WARNING:
        return False
    if not config.nav or not _every_page_titled(config.nav):
        return False
    return (previous / "index.html").is_file() and (
        not _search_enabled(config) or (previous / "search" / "search_index.json").is_file())


def _every_page_titled(nav) -> bool:
    for item in nav:
        if not isinstance(item, dict) or len(item) != 1:
            return False
        (value,) = item.values()
        if isinstance(value, list):
            if not _every_page_titled(value):
                return False
        elif not isinstance(value, str):
            return False
    return True


def _search_enabled(config) -> bool:
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return plugin is not None and plugin.config.get("enabled", True)


def _share_theme_work(theme, template_cache: Path | None) -> None:
    """Make the theme's Jinja environments cheaper to set up, site after site.

    MkDocs makes a new environment for every site (and another for search's translations),
    compiles Material's templates again in each, and lists the theme's 14 000 files to pick
    the 160 assets it copies. Compiled templates are kept in `template_cache`, sealed with the
    user's key (cache.py; Jinja also checks each one's source and the Python version before
    reusing it); the theme's files are
    listed once per process, without the dot-folders (icons) whose files MkDocs never copies.
    The theme's own folder (`custom_dir`, generated with each site) is listed every time.
    """
    import jinja2

    make_environment = theme.get_env

    def get_env():
        env = make_environment()
        bytecode_cache = sealed_bytecode_cache(template_cache)  # compiled templates are code: sealed
        if bytecode_cache is not None:
            env.bytecode_cache = bytecode_cache
        loader = env.loader
        if isinstance(loader, jinja2.FileSystemLoader):
            folders = [str(folder) for folder in loader.searchpath]
            loader.list_templates = lambda: sorted({
                name for folder in folders
                for name in (_files_of(folder) if folder == theme.custom_dir else _installed_files_of(folder))})
        return env

    theme.get_env = get_env


def _files_of(folder: str) -> tuple[str, ...]:
    """The files of a theme folder, as template names; none in or of a dot-folder, which MkDocs
    leaves out of the site (its patterns `.*` and `*/.*`)."""
    names = []
    for directory, subfolders, files in os.walk(folder, followlinks=True):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        relative = os.path.relpath(directory, folder)
        names += [name if relative == "." else f"{relative}/{name}".replace(os.sep, "/")
                  for name in files if not name.startswith(".")]
    return tuple(names)


_installed_files_of = cache(_files_of)  # an installed theme does not change while rmkit runs


# Markdown extensions whose HTML depends only on the page's Markdown and their configuration
# (not on other files, the date or the machine).
_PAGE_LOCAL_EXTENSIONS = {
    "toc", "tables", "fenced_code", "admonition", "attr_list", "md_in_html", "def_list", "footnotes",
    "sane_lists", "smarty", "nl2br", "pymdownx.details", "pymdownx.tasklist", "pymdownx.superfences",
    "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.tabbed", "pymdownx.mark", "pymdownx.caret",
    "pymdownx.tilde", "pymdownx.keys", "pymdownx.smartsymbols", "pymdownx.betterem", "pymdownx.critic",
    "pymdownx.emoji", "pymdownx.magiclink", "pymdownx.saneheaders", "pymdownx.blocks.admonition",
    "pymdownx.blocks.details", "pymdownx.blocks.tab", "pymdownx.blocks.html", "pymdownx.blocks.definition",
}


def _markdown_cache_possible(config) -> bool:
    """Converted pages are reused only where MkDocs' `Page.render` is known (it sets the five
    attributes _ConvertedPages restores), and every Markdown extension is page-local."""
    import mkdocs

    if not mkdocs.__version__.startswith("1.6."):
        return False
    names = [e if isinstance(e, str) else type(e).__module__ for e in config.markdown_extensions]
    return set(names) <= _PAGE_LOCAL_EXTENSIONS


class _ConvertedPages(BasePlugin):
    """Keeps each page's Markdown → HTML conversion between builds of a site.

    When the frame of a site changes (a module's title in the navigation, the palette), every
    page is built again, but most pages' Markdown is the same: its conversion, the biggest
    part of building a page, is read back. The key is the page's Markdown, its place, every
    file of the site (links are resolved against them) and the Markdown configuration; a
    conversion that logged a warning is not kept, so that the warning shows on every build.
    """

    def __init__(self, folder: Path, prune: bool):
        super().__init__()
        self.folder = folder
        self.prune = prune  # only a full build converts (or reads back) every page
        self.converter = ""
        self.used: set[str] = set()

    def on_files(self, files, *, config):
        import mkdocs

        identity = [mkdocs.__version__, repr(config.markdown_extensions), repr(config.mdx_configs),
                    config.use_directory_urls] + sorted(f"{f.src_uri}\0{f.url}" for f in files)
        self.converter = _hash_text("\0".join(map(str, identity)))
        return files

    # Last: the Markdown as the other plugins left it is what gets converted.
    @event_priority(-100)
    def on_page_markdown(self, markdown, *, page, config, files):
        key = _hash_text(f"{self.converter}\0{page.file.src_uri}\0{page.file.url}\0{markdown}")
        self.used.add(key)
        stored = self.folder / key
        kept = _converted_entry(stored)
        if kept is None:  # none, not sealed with the user's key, or not what an entry holds: convert
            page.render = self._converting(page, stored)
            return markdown

        def restore(config, files):
            from mkdocs.structure.toc import TableOfContents

            page.content, page._title_from_render = kept["content"], kept["title"]
            page.toc = TableOfContents([_toc_item(item) for item in kept["toc"]])
            page.present_anchor_ids = set(kept["anchors"])
            if kept["links"] is not None:
                page.links_to_anchors = {files.get_file_from_path(src): targets for src, targets in kept["links"].items()}

        page.render = restore
        return markdown

    def _converting(self, page, stored: Path):
        convert = page.render

        def render(config, files):
            watch = _Collect()
            logger = logging.getLogger("mkdocs")
            logger.addHandler(watch)
            try:
                convert(config, files)
            finally:
                logger.removeHandler(watch)
            if watch.messages:
                return
            links = page.links_to_anchors
            kept = {"content": page.content, "title": page._title_from_render,
                    "toc": [_toc_data(item) for item in page.toc], "anchors": sorted(page.present_anchor_ids or ()),
                    "links": None if links is None else {file.src_uri: targets for file, targets in links.items()}}
            write_sealed(stored, json.dumps(kept, ensure_ascii=False).encode("utf-8"))

        return render

    def on_post_build(self, *, config):
        # Conversions a full build did not use belong to Markdown that is gone.
        if self.prune and self.folder.is_dir():
            for entry in self.folder.iterdir():
                if entry.name not in self.used:
                    entry.unlink()


def _converted_entry(stored: Path) -> dict | None:
    """A kept conversion, if it is sealed with the user's key and has the shape of one."""
    payload = read_sealed(stored)
    if payload is None:
        return None
    try:
        kept = json.loads(payload.decode("utf-8"))
    except ValueError:
        return None
    valid = (isinstance(kept, dict) and isinstance(kept.get("content"), str)
             and isinstance(kept.get("title"), (str, type(None))) and isinstance(kept.get("toc"), list)
             and all(_toc_entry_valid(item) for item in kept["toc"])
             and isinstance(kept.get("anchors"), list) and all(isinstance(a, str) for a in kept["anchors"])
             and (kept.get("links") is None or (isinstance(kept["links"], dict) and all(
                 isinstance(k, str) and isinstance(v, dict) for k, v in kept["links"].items()))))
    return kept if valid else None


def _toc_entry_valid(item) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("title"), str) and isinstance(item.get("id"), str)
            and isinstance(item.get("level"), int) and isinstance(item.get("children"), list)
            and all(_toc_entry_valid(child) for child in item["children"]))


def _toc_data(item) -> dict:
    return {"title": item.title, "id": item.id, "level": item.level,
            "children": [_toc_data(child) for child in item.children]}


def _toc_item(data: dict):
    from mkdocs.structure.toc import AnchorLink

    item = AnchorLink(data["title"], data["id"], data["level"])
    item.children = [_toc_item(child) for child in data["children"]]
    return item


def _hash_text(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class _PageByPage(BasePlugin):
    """Renders only the changed pages into a copy of the previous site, and merges the search index."""

    def __init__(self, changed: frozenset[str], previous: Path):
        super().__init__()
        self.changed = changed
        self.previous = previous
        self.order: list[tuple[str, bool]] = []  # (page URL, changed), in the order MkDocs renders them

    def on_files(self, files, *, config):
        # MkDocs' dirty build compares mtimes; rmkit knows exactly which pages (and other files
        # of the docs folder, such as the calendar) changed.
        for file in files:
            changed = file.src_uri in self.changed
            file.is_modified = (lambda changed=changed: changed)
        _lay_out_previous(self.previous, Path(config.site_dir),
                          untouched={file.dest_uri for file in files if not file.is_modified()})
        return files
    def on_env(self, env, *, config, files):
        self.order = [(file.url, file.src_uri in self.changed) for file in files.documentation_pages()]
        return env

    # After the search plugin wrote the changed pages' index, before `offline` inlines it into a script.
    @event_priority(-50)
    def on_post_build(self, *, config):
        index = Path(config.site_dir) / "search" / "search_index.json"
        if not index.is_file():
            return
        fresh = json.loads(index.read_text(encoding="utf-8"))
        kept = json.loads((self.previous / "search" / "search_index.json").read_text(encoding="utf-8"))
        by_page: dict[bool, dict[str, list]] = {True: {}, False: {}}
        for changed, data in ((True, fresh), (False, kept)):
            for entry in data["docs"]:
                by_page[changed].setdefault(entry["location"].split("#", 1)[0], []).append(entry)
        fresh["docs"] = [entry for url, changed in self.order for entry in by_page[changed].get(url, [])]
        # As Material's search plugin writes it, so that the file equals a full build's.
        index.write_text(json.dumps(fresh, separators=(",", ":"), default=str), encoding="utf-8")


def _lay_out_previous(previous: Path, site_dir: Path, untouched: set[str]) -> None:
    """Fill `site_dir` with the previous site: hard links for the files this build will not
    write (theme assets, unchanged pages: most of the bytes), copies of the others, so that
    writing them leaves the previous site, still live, untouched."""
    for source in previous.rglob("*"):
        if not source.is_file():
            continue
        relative = source.relative_to(previous).as_posix()
        target = site_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative in untouched:
            try:
                os.link(source, target)
                continue
            except OSError:  # another file system, or no hard links: copy
                pass
        shutil.copy2(source, target)


def _build_with_zensical(config_file: Path, site_dir: Path) -> SiteBuilt:
    """Zensical keeps its own cache of rendered pages (`.cache/` beside the generated mkdocs.yml)."""
    command = shutil.which("zensical")
    if command is None:
        raise EngineError("Zensical is not installed: pip install 'rmkit[zensical]'")
    result = subprocess.run([command, "build", "--config-file", str(config_file)], capture_output=True,
                            text=True, cwd=config_file.parent)
    if result.returncode != 0:
        raise EngineError(_ANSI_CODES.sub("", result.stderr or result.stdout).strip()[-2000:])
    built = config_file.parent / "site"
    if built.resolve() != site_dir.resolve():
        shutil.rmtree(site_dir, ignore_errors=True)
        shutil.move(str(built), str(site_dir))
    return SiteBuilt(zensical_warnings(result.stderr + result.stdout))


_ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")  # Zensical colours its report, terminal or not
_WHERE = re.compile(r"\[\s*(\S+:\d+:\d+)\s*\]")


def zensical_warnings(report: str) -> list[str]:
    """Zensical's warnings as one line each, `page.md:line:column: message`.

    Zensical draws each warning as a box: `Warning: message`, then `[ page.md:3:16 ]` and
    the source line.
    """
    warnings: list[str] = []
    where_pending = False
    for line in _ANSI_CODES.sub("", report).splitlines():
        if line.startswith("Warning:"):
            warnings.append(line.removeprefix("Warning:").strip())
            where_pending = True
        elif where_pending and (where := _WHERE.search(line)):
            warnings[-1] = f"{where.group(1)}: {warnings[-1]}"
            where_pending = False
    return warnings
