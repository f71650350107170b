"""Content is data: whatever a module, a translation, a country profile or a cache holds, no
script runs, nothing is fetched from another host, and nothing crashes or hangs.

Each reproduction of issue 11 is rejected at its file and line (tests/cases hold the
data-driven ones), or neutralised in the output; the tests below cover the output, the
files that are not files, the caches, the swap of sites, the lock and interruptions.
"""

from __future__ import annotations

import html
import importlib
import io
import json
import marshal
import os
import pickle
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmkit.build import build
from rmkit.cli import main
from rmkit.findings import RmkitError
from rmkit.output import LOCK_FILE, build_lock
from rmkit.project import load_project
from rmkit.render import Renderer
from rmkit.resolve import edition_entries, resolve_edition
from rmkit.sanitize import clean_html, content_to_html, markdown_block, markdown_inline
from rmkit.site import build_site
from rmkit.validate import validate_project

from .helpers import replace_once, starter_project

output_module = importlib.import_module("rmkit.output")
MODULE = Path("curriculum") / "modules" / "getting-started.yml"
ATTACKS = [
    "[see this](javascript:alert(1))",
    "[see](JaVaScRiPt:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [v](vbscript:x)",
    "![x](https://evil.example/x.png) ![y](//evil.example/y.png)",
    'A paragraph\n{: onclick="alert(1)" }',
    '![i](x.png){: onerror="alert(1)" }',
    '<p title="<" onmouseover="alert(3)">x',
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script><style>body{}</style>",
    '<div markdown="1">*x*{: onclick="alert(2)"}</div>',
    "*emphasis*{: onclick=\"alert(4)\" } and `code`{: .x onclick=y}",
    "[a][r]\n\n[r]: javascript:alert(5)",
    '<a href="javascript:alert(6)">x</a> <iframe src="https://evil.example"></iframe>',
    "<svg><animate onbegin=alert(7) attributeName=x /></svg>",
    "# Title {: #x onclick=alert(8)}\n\n| a | b |\n| --- | --- |\n| <b onclick=x>c</b> | d |",
    "Term\n:   Definition {: onclick=alert(9)}",
]
EVENT_HANDLER = re.compile(r"<[^>]*\s on[a-z]+\s*=", re.IGNORECASE | re.VERBOSE)
BAD_SCHEME = re.compile(r"""(?:href|src)\s*=\s*["']?\s*(?!https?:|mailto:|#|\.|[a-z0-9_/-]*(?:[./#?"']|$))"""
                        r"""[a-z][a-z0-9+.-]*:""", re.IGNORECASE)
REMOTE_SRC = re.compile(r"""\ssrc\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)""", re.IGNORECASE)


def _as_in_a_page(fragment: str) -> str:
    """What MkDocs would make of a fragment in a page, with the extensions that trust Markdown."""
    return markdown.markdown(fragment, extensions=["attr_list", "md_in_html", "tables", "def_list", "admonition",
                                                   "toc", "pymdownx.details", "pymdownx.tasklist"])


def _assert_harmless(page_html: str) -> None:
    assert not EVENT_HANDLER.search(page_html), page_html
    assert not BAD_SCHEME.search(page_html), page_html
    assert not REMOTE_SRC.search(page_html), page_html
    assert "<script" not in page_html.lower() and "<iframe" not in page_html.lower(), page_html


# -- 1. the allow list at the output -------------------------------------------------------

@pytest.mark.parametrize("attack", ATTACKS)
def test_each_reproduction_is_neutralised_in_a_page(attack):
    for fragment in (markdown_inline(attack), markdown_block(attack)):
        _assert_harmless(_as_in_a_page(f"- {fragment}\n"))
        _assert_harmless(_as_in_a_page(f"# {fragment} {{ #module-x }}\n"))
        _assert_harmless(_as_in_a_page(f"| a |\n| --- |\n| {fragment} |\n"))
        _assert_harmless(_as_in_a_page(f"\n{fragment}\n"))
        _assert_harmless(_as_in_a_page(f'!!! note "x"\n    {fragment}\n'))


_PIECES = list("<>{}[]()!:=\"' #.*_`\n-|") + ["javascript:", "onclick", "on", "img", "a", "src", "href", "x",
                                              "https://e.x/", "script", "markdown", "{:", "&#", "&lt;", "\\"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_no_input_gets_a_handler_or_a_scheme_into_a_page(text):
    for fragment in (markdown_inline(text), markdown_block(text)):
        assert "\n" not in markdown_inline(text)
        _assert_harmless(_as_in_a_page(f"- {fragment}\n\n{fragment}\n\n### {fragment}\n"))


def test_allowed_markdown_keeps_its_meaning():
    text = ("See **the guide** at [example](https://example.org/a_b) or [mail](mailto:a@example.org), "
            "`code`, ![pair](assets/pair.png \"Pair\").")
    out = content_to_html(text, inline=True)
    assert '<a href="https://example.org/a_b" rel="noopener noreferrer">example</a>' in out
    assert '<img alt="pair" src="assets/pair.png" title="Pair">' in out
    page = _as_in_a_page(f"- {markdown_inline(text, base='../')}\n")
    assert '<strong>the guide</strong>' in page and "<code>code</code>" in page
    assert 'href="https://example.org/a&#95;b"' in page  # the character reference is the same URL
    assert 'src="../assets/pair.png"' in page  # rebased on the page's folder
    assert html.unescape(re.sub(r"<[^>]+>", "", page)).strip() == \
        "See the guide at example or mail, code, ."
    assert clean_html('<h3 id="exercise-x" onclick="y">t</h3><div class="admonition note evil">x</div>') == \
        '<h3 id="exercise-x">t</h3><div class="admonition note">x</div>'


def _render(root: Path, audience: str = "mentor") -> dict[str, str]:
    """Render the starter's en-GB site without validating first: the output must hold on its own."""
    project, _ = load_project(root)
    editions = [resolve_edition(project, entry) for entry in edition_entries(project)]
    site = Renderer(project).site(editions[0], audience, editions, root / "build" / "en-GB" / audience)
    return site.files


def test_a_built_site_holds_no_handler_and_no_scheme_whatever_the_content(tmp_path):
    root = starter_project(tmp_path)
    module = root / MODULE
    text = module.read_text(encoding="utf-8")
    # Every attack into every kind of place: block texts, inline texts, headings, table cells, lists.
    joined = "\n\n".join(ATTACKS).replace("{", "{{").replace("}", "}}")
    inline = " ".join(a.replace("\n", " ") for a in ATTACKS).replace("{", "{{").replace("}", "}}")
    text = text.replace("summary: The pair meets, agrees how it works together and picks first goals.",
                        "summary: " + json.dumps(joined, ensure_ascii=False))
    text = text.replace("title: Getting started", "title: " + json.dumps(inline, ensure_ascii=False), 1)
    text = text.replace("    mentor_notes: Let the mentee propose the rhythm; they know their calendar.",
                        "    mentor_notes: " + json.dumps(joined, ensure_ascii=False))
    text = text.replace("      - activity: Introductions", "      - activity: "
                        + json.dumps(inline, ensure_ascii=False))
    module.write_text(text, encoding="utf-8")
    replace_once(root / "locales" / "countries" / "GB.yml", "professional: LinkedIn",
                 "professional: '<img src=x onerror=alert(1)>'")
    _, findings = validate_project(root)
    assert {"raw-html", "attribute-list"} <= {f.code for f in findings}
    files = _render(root)
    config_dir = root / "build" / "en-GB" / "mentor"
    from rmkit.build import write_site_project
    from rmkit.render import SiteProject

    site = SiteProject("en-GB", "mentor", files)
    write_site_project(site, config_dir)
    build_site(config_dir / "mkdocs.yml", tmp_path / "out")
    pages = sorted((tmp_path / "out").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        content = page.read_text(encoding="utf-8")
        article = re.search(r"<article[^>]*>(.*)</article>", content, re.DOTALL)
        body = article.group(1) if article else content
        _assert_harmless(body)
        nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', content, re.DOTALL)
        if nav:
            _assert_harmless(nav.group(0))
    module_page = (tmp_path / "out" / "modules" / "getting-started.html").read_text(encoding="utf-8")
    assert "see this" in module_page  # the text stays, without its link


# -- 3. files that are not files ------------------------------------------------------------

def _validate_in_subprocess(root: Path, timeout: float = 60) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-m", "rmkit", "-C", str(root), "validate"], capture_output=True,
                            text=True, timeout=timeout, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result.returncode, result.stdout


def test_a_module_that_is_a_fifo_is_a_finding_not_a_hang(tmp_path):
    root = starter_project(tmp_path)
    os.mkfifo(root / "curriculum" / "modules" / "pipe.yml")
    code, out = _validate_in_subprocess(root)
    assert code == 1
    assert "curriculum/modules/pipe.yml:1:1: error[file-not-regular]" in out


def test_a_module_that_is_a_symlink_to_dev_zero_is_a_finding(tmp_path):
    root = starter_project(tmp_path)
    (root / "curriculum" / "modules" / "zero.yml").symlink_to("/dev/zero")
    os.mkfifo(root / "locales" / "countries" / "FR.yml")
    code, out = _validate_in_subprocess(root)
    assert code == 1
    assert "curriculum/modules/zero.yml:1:1: error[file-not-regular]" in out
    assert "locales/countries/FR.yml:1:1: error[file-not-regular]" in out


def test_a_program_that_is_a_fifo_is_a_finding(tmp_path):
    root = starter_project(tmp_path)
    (root / "curriculum" / "program.yml").unlink()
    os.mkfifo(root / "curriculum" / "program.yml")
    code, out = _validate_in_subprocess(root)
    assert code == 1 and "curriculum/program.yml:1:1: error[file-not-regular]" in out


def test_catalogs_are_bounded_and_regular(tmp_path):
    root = starter_project(tmp_path)
    replace_once(root / "locales" / "editions.yml", "    country: GB\n",
                 "    country: GB\n  - id: fr-FR\n    language: fr\n    country: GB\n  - id: ja-JP\n"
                 "    language: ja\n    country: GB\n")
    catalog = root / "locales" / "fr" / "LC_MESSAGES" / "curriculum.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Kickoff"\n'
                       'msgstr "' + "x" * (10 * 1024 * 1024) + '"\n', encoding="utf-8")
    ja = root / "locales" / "ja" / "LC_MESSAGES"
    ja.mkdir(parents=True)
    os.mkfifo(ja / "curriculum.po")
    started = time.monotonic()
    code, out = _validate_in_subprocess(root)
    assert time.monotonic() - started < 30
    assert "locales/fr/LC_MESSAGES/curriculum.po:1:1: error[file-too-large]" in out
    assert "locales/ja/LC_MESSAGES/curriculum.po:1:1: error[file-not-regular]" in out


def test_a_yaml_file_that_lies_about_its_size_is_still_bounded(tmp_path):
    from rmkit.files import FileProblem, read_regular_file

    big = tmp_path / "big.yml"
    big.write_bytes(b"# " + b"x" * (2 * 1024 * 1024))
    with pytest.raises(FileProblem) as e:
        read_regular_file(big, limit=1024)
    assert e.value.code == "file-too-large"
    assert read_regular_file(Path("/proc/self/status"), limit=1 << 20)  # st_size 0, read anyway


# -- 5. caches are data ---------------------------------------------------------------------

@pytest.fixture
def built(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    import rmkit.cache

    monkeypatch.setattr(rmkit.cache, "_secret", None)
    root = starter_project(tmp_path)
    build(root, jobs=1)
    return root


def _bytecode_of(code: str):
    return compile(code, "<crafted>", "exec")


def test_a_crafted_template_cache_runs_nothing(built, tmp_path):
    import jinja2.bccache

    marker = tmp_path / "pwned"
    crafted_code = _bytecode_of(f"open({str(marker)!r}, 'w').write('x')")
    entries = sorted((built / "build" / ".cache" / "templates").glob("*.cache"))
    assert entries, "the build keeps compiled templates"
    for entry in entries:
        payload = entry.read_bytes()[32:]  # past the seal
        stream = io.BytesIO(payload[len(jinja2.bccache.bc_magic):])
        checksum = pickle.load(stream)
        crafted = jinja2.bccache.bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(crafted_code)
        entry.write_bytes(crafted)  # unsealed, as another branch's cache would be
    (built / "build" / ".cache" / "templates" / "__jinja2_x.cache").write_bytes(b"garbage")
    replace_once(built / MODULE, "title: Getting started", "title: Getting going")  # a full rebuild
    result = build(built, jobs=1)
    assert result.built
    assert not marker.exists()
    assert "Getting going" in (built / "site" / "en-GB" / "mentee" / "modules" / "getting-started.html").read_text()


def test_a_crafted_or_damaged_page_cache_is_ignored_and_rebuilt(built):
    pages = sorted((built / "build" / ".cache" / "pages").rglob("*"))
    pages = [p for p in pages if p.is_file()]
    assert pages
    for i, entry in enumerate(pages):
        if i % 2:
            entry.write_text('{"content": "<script>alert(1)</script>", "title": "x", "toc": [], "anchors": [],'
                             ' "links": null}', encoding="utf-8")
        else:
            entry.write_bytes(b"\x00not json" * (i + 1))
    texts = built / "build" / ".cache" / "texts.json"
    assert texts.is_file()
    known = json.loads(texts.read_bytes()[32:])  # past the seal
    known["texts"] = {key: "<script>alert(1)</script>" for key in known["texts"]}
    texts.write_text(json.dumps(known), encoding="utf-8")  # unsealed, as another branch's would be
    replace_once(built / MODULE, "title: Getting started", "title: Getting going")
    build(built, jobs=1)
    for page in (built / "site").rglob("*.html"):
        assert "<script>alert(1)" not in page.read_text(encoding="utf-8")
    # and the next build, from the caches it wrote, works as well
    replace_once(built / MODULE, "title: Getting going", "title: Getting started")
    build(built, jobs=1)
    assert "Getting started" in (built / "site" / "en-GB" / "mentor" / "modules" / "getting-started.html").read_text()


def test_a_malformed_manifest_and_a_deleted_or_damaged_page_are_rebuilt(built):
    site = built / "site" / "en-GB" / "mentee"
    page = site / "modules" / "getting-started.html"
    expected = page.read_bytes()
    page.unlink()
    result = build(built, jobs=1)
    assert "en-GB/mentee" in result.built and page.read_bytes() == expected
    page.write_text("<script>alert(1)</script>", encoding="utf-8")
    result = build(built, jobs=1)
    assert "en-GB/mentee" in result.built and page.read_bytes() == expected
    for damaged in ("{", '{"format": 3, "sites": {"en-GB/mentee": {"frame": 1, "pages": [], "files": 3}}}', "[]"):
        (built / "site" / ".rmkit-digest.json").write_text(damaged, encoding="utf-8")
        result = build(built, jobs=1)
        assert sorted(result.built) == ["en-GB/mentee", "en-GB/mentor"]
    assert build(built, jobs=1).unchanged == ["en-GB/mentee", "en-GB/mentor"]


# -- 6. builds that fail leave the previous site ----------------------------------------------

def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_swap_that_fails_part_way_leaves_the_previous_sites(built, monkeypatch):
    before = _tree(built / "site")
    replace_once(built / MODULE, "title: Getting started", "title: Getting going")
    real_replace = os.replace
    moves = []

    def failing_replace(source, target):
        # A move from the staging folder into the output (not within staging, as PDFs are staged).
        if (".partial" in str(source) and "/.replaced" not in str(source)
                and str(target).startswith(str(built / "site") + os.sep)):
            moves.append(source)
            if len(moves) == 2:  # the second site: the first is already in
                raise PermissionError(13, "Permission denied")
        return real_replace(source, target)

    monkeypatch.setattr(output_module.os, "replace", failing_replace)
    with pytest.raises(RmkitError) as e:
        build(built, jobs=1)
    assert e.value.findings[0].code == "build-failed"
    assert "previous sites are as they were" in e.value.findings[0].message
    monkeypatch.undo()
    assert _tree(built / "site") == before
    assert not list(built.glob(".site-*.partial"))


def test_a_second_build_is_refused_while_one_runs(built, capsys):
    with build_lock(built / "build"):
        with pytest.raises(RmkitError) as e:
            build(built, jobs=1)
        assert e.value.findings[0].code == "build-in-progress"
        assert main(["-C", str(built), "build"]) == 1
    out = capsys.readouterr().out
    assert f"build/{LOCK_FILE}: error[build-in-progress]: another rmkit build" in out
    assert "Traceback" not in out
    assert build(built, jobs=1).unchanged  # released with the build that held it


def test_leftover_staging_folders_are_swept(built):
    leftover = built / ".site-abc123.partial"
    (leftover / "en-GB").mkdir(parents=True)
    build(built, jobs=1)
    assert not leftover.exists()


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.slow
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_build_leaves_no_staging_folder_and_no_worker(tmp_path, signal_number):
    root = starter_project(tmp_path)
    # More sites than workers, so that the build is interrupted while workers are busy.
    replace_once(root / "locales" / "editions.yml", "    country: GB\n",
                 "    country: GB\n" + "".join(f"  - id: en-{c}\n    language: en\n    country: GB\n"
                                              for c in ("AU", "CA", "IE", "NZ")))
    process = subprocess.Popen([sys.executable, "-m", "rmkit", "-C", str(root), "build", "--jobs", "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(root.glob(".site-*.partial/*/*")):
        time.sleep(0.05)
    assert list(root.glob(".site-*.partial")), "the build never started building"
    process.send_signal(signal_number)
    output = process.communicate(timeout=60)[0].decode("utf-8", "replace")
    assert process.returncode in (130, -signal_number), output
    assert "Traceback" not in output, output
    time.sleep(0.5)
    assert not list(root.glob(".site-*.partial"))
    assert _processes_mentioning(str(root)) == []


@pytest.mark.slow
def test_serve_removes_its_temporary_folder_on_sigterm(tmp_path):
    from .test_serve import _fetch, _free_port, _wait_for

    root = starter_project(tmp_path)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "rmkit", "-C", str(root), "serve", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1", TMPDIR=str(temporary)))
    try:
        assert _wait_for(lambda: "Getting started" in _fetch(f"http://127.0.0.1:{port}/")), "no preview"
        assert list(temporary.glob("rmkit-serve-*"))
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode("utf-8", "replace")
    finally:
        if server.poll() is None:
            server.kill()
    assert "Traceback" not in output, output
    assert list(temporary.iterdir()) == []


# -- 7. what is code: the project's mkdocs.yml, with paths from the project's root ------------

def test_relative_custom_dir_and_hooks_resolve_against_the_project_root(tmp_path):
    root = starter_project(tmp_path)
    settings_text = (Path(__file__).resolve().parents[1] / "rmkit" / "defaults" / "mkdocs.yml").read_text()
    settings_text = settings_text.replace("  name: material\n", "  name: material\n  custom_dir: my-theme\n")
    (root / "mkdocs.yml").write_text(settings_text + "hooks:\n  - hooks/stamp.py\n", encoding="utf-8")
    (root / "my-theme").mkdir()
    (root / "my-theme" / "main.html").write_text('{% extends "base.html" %}\n'
                                                 '{% block footer %}<p>project theme</p>{% endblock %}\n')
    (root / "hooks").mkdir()
    (root / "hooks" / "stamp.py").write_text("def on_page_content(html, **kwargs):\n"
                                             "    return html + '<p>project hook</p>'\n")
    build(root, jobs=1)
    page = (root / "site" / "en-GB" / "mentor" / "index.html").read_text(encoding="utf-8")
    assert "project theme" in page and "project hook" in page


# -- assets: the project's own files, copied into every site -----------------------------------

def test_project_assets_are_copied_and_images_are_linked_relatively(tmp_path):
    root = starter_project(tmp_path)
    (root / "assets").mkdir()
    (root / "assets" / "pair.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    replace_once(root / MODULE, "summary: The pair meets, agrees how it works together and picks first goals.",
                 "summary: '![The pair](assets/pair.png) The pair meets.'")
    _, findings = validate_project(root)
    assert not [f for f in findings if f.is_error]
    build(root, jobs=1)
    for audience in ("mentor", "mentee"):
        site = root / "site" / "en-GB" / audience
        assert (site / "assets" / "pair.png").read_bytes() == b"\x89PNG\r\n\x1a\nnot really"
        page = (site / "modules" / "getting-started.html").read_text(encoding="utf-8")
        assert '<img alt="The pair" src="../assets/pair.png">' in page


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
       | st.lists(st.sampled_from(_PIECES + ["a b", "1.", "1)", "  ", "\t"]), max_size=12).map("".join))
def test_the_short_way_for_plain_text_gives_what_markdown_gives(text):
    from rmkit.sanitize import _MARKDOWN_SYNTAX, content_markdown

    if not _MARKDOWN_SYNTAX.search(text):
        assert clean_html(f"<p>{text}</p>" if text else "") == clean_html(content_markdown().reset().convert(text))


def test_an_interruption_during_the_swap_puts_the_previous_sites_back(built, monkeypatch):
    before = _tree(built / "site")
    replace_once(built / MODULE, "title: Getting started", "title: Getting going")
    real_replace = os.replace
    moves = []

    def interrupted_replace(source, target):
        if ".partial" in str(source) and "/.replaced/" not in str(source):
            moves.append(source)
            if len(moves) == 2:
                raise KeyboardInterrupt
        return real_replace(source, target)

    monkeypatch.setattr(output_module.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        build(built, jobs=1)
    monkeypatch.undo()
    assert _tree(built / "site") == before
    assert not list(built.glob(".site-*.partial"))


@pytest.mark.parametrize("title", ["1. Introductions", "2) Goals", "- Dash", "* Star", "# Hash", "> Quote", "---"])
def test_a_title_that_looks_like_a_block_stays_a_title(title):
    page = _as_in_a_page(f"### {markdown_inline(title)} {{ #exercise-x }}\n\n| {markdown_inline(title)} |\n| --- |\n")
    heading = re.search(r'<h3 id="exercise-x">(.*?)</h3>', page).group(1)
    assert html.unescape(heading) == title
    assert html.unescape(re.search(r"<th>(.*?)</th>", page).group(1)) == title
