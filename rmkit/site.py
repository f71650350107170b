"""Stage 5, site: a rendered MkDocs project → a static site, with the engine of choice.

MkDocs runs in-process (no interpreter start per site); Zensical, which reads the same
`mkdocs.yml`, runs as its own command when it is installed.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

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


def search_languages(language: str) -> list[str]:
    base = language.replace("_", "-").split("-")[0]
    if base == "en" or base not in _SEARCH_LANGUAGES:
        return ["en"]
    # English too: product names (LinkedIn, Teams) stay English in every edition.
    return [base, "en"]


class EngineError(Exception):
    """The engine could not build a site; the message says why, in the engine's words."""


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def build_site(config_file: Path, site_dir: Path, engine: str = "mkdocs") -> list[str]:
    """Build the site described by `config_file` into `site_dir`. Returns the engine's warnings."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if engine == "zensical":
        return _build_with_zensical(config_file, site_dir)
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
        build(config)
    except (MkDocsException, OSError, ValueError) as e:
        raise EngineError("; ".join(collect.messages + [str(e)])) from None
    finally:
        logger.removeHandler(collect)
        logger.setLevel(previous_level)
        logger.propagate = True
    return collect.messages


def _build_with_zensical(config_file: Path, site_dir: Path) -> list[str]:
    command = shutil.which("zensical")
    if command is None:
        raise EngineError("Zensical is not installed: pip install 'rmkit[zensical]'")
    result = subprocess.run([command, "build", "--config-file", str(config_file)], capture_output=True,
                            text=True, cwd=config_file.parent)
    if result.returncode != 0:
        raise EngineError((result.stderr or result.stdout).strip()[-2000:])
    built = config_file.parent / "site"
    if built.resolve() != site_dir.resolve():
        shutil.rmtree(site_dir, ignore_errors=True)
        shutil.move(str(built), str(site_dir))
    return [line for line in result.stderr.splitlines() if "warning" in line.lower()]
