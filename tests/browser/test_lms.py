"""LMS packages in a browser: a test LMS (scorm-again, npm) runs the SCORM packages, a mock LMS
and LRS runs the cmi5 one, everything served on 127.0.0.1 and driven in Debian's Chromium.

The packages are those of small programs made from the starter (3 modules; 60 for the size of
the suspend data), built and packaged by `rmkit package`.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
import time
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from rmkit.package import package

from ..helpers import starter_project
from .conftest import ROOT, _missing
from .support import search, wait_for_search_ready

pytestmark = pytest.mark.browser

LMS_PAGE = Path(__file__).parent / "lms" / "lms.html"
SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist"
STARTER_MODULE = "getting-started"


def program(tmp: Path, modules: int) -> Path:
    """The starter with `modules` copies of its module, m01, m02, …"""
    root = starter_project(tmp)
    folder = root / "curriculum" / "modules"
    source = (folder / f"{STARTER_MODULE}.yml").read_text(encoding="utf-8")
    (folder / f"{STARTER_MODULE}.yml").unlink()
    ids = [f"m{n:02d}" for n in range(1, modules + 1)]
    for n, module_id in enumerate(ids, start=1):
        text = source.replace(f"id: {STARTER_MODULE}", f"id: {module_id}", 1)
        text = text.replace("title: Getting started", f"title: Module {n}", 1)
        (folder / f"{module_id}.yml").write_text(text, encoding="utf-8")
    program_file = root / "curriculum" / "program.yml"
    program_file.write_text(program_file.read_text(encoding="utf-8").replace(
        f"modules: [{STARTER_MODULE}]", f"modules: [{', '.join(ids)}]"), encoding="utf-8")
    return root


def packaged(tmp: Path, modules: int, formats: list[str]) -> dict[str, Path]:
    """The mentee workbook of a program of `modules` modules, packaged and extracted."""
    root = program(tmp / "source", modules)
    result = package(root, out=tmp / "dist", formats=formats, audience="mentee", jobs=1)
    assert not any(f.is_error for f in result.findings), result.findings
    folders = {}
    for archive in result.packages:
        package_format = archive.stem.rsplit("-", 1)[1]
        with zipfile.ZipFile(archive) as z:
            z.extractall(tmp / package_format)
        folders[package_format] = tmp / package_format
    return folders


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(handler_class, directory: Path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler_class, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture(scope="module")
def scorm_packages(tmp_path_factory) -> dict[str, Path]:
    if not SCORM_AGAIN.is_dir():
        _missing("scorm-again", "bash scripts/setup.sh --test runs npm ci")
    return packaged(tmp_path_factory.mktemp("lms"), 3, ["scorm12", "scorm2004"])


def lms_site(tmp: Path, course: Path) -> Path:
    """The test LMS's folder: its page, scorm-again, and the extracted package under course/."""
    site = tmp / "lms"
    site.mkdir()
    shutil.copy(LMS_PAGE, site / "lms.html")
    shutil.copytree(SCORM_AGAIN, site / "scorm-again", ignore=shutil.ignore_patterns("esm", "types", "*.map"))
    shutil.copytree(course, site / "course")
    return site


# -- driving the test LMS -----------------------------------------------------------------------

class Lms:
    """The test LMS page, the launcher in its frame, and the site in the launcher's."""

    def __init__(self, page, base: str, version: str):
        self.page, self.base, self.version = page, base, version

    def launch(self, saved: dict | None = None):
        if saved is not None:
            self.page.add_init_script(f"window.savedCmi = {json.dumps({'cmi': saved})}")
        self.page.goto(f"{self.base}/lms.html?version={self.version}")
        self.page.wait_for_function("() => { const l = document.getElementById('sco').contentDocument;"
                                    " const s = l && l.getElementById('rmkit-site');"
                                    " return s && s.contentWindow && s.contentWindow.location.href.endsWith('.html')"
                                    " && s.contentDocument.readyState === 'complete' }")
        return self

    @property
    def site(self):
        launcher = next(f for f in self.page.frames if f.url.endswith("/course/launch.html"))
        return launcher.child_frames[0]

    def calls(self) -> list[dict]:
        return self.page.evaluate("() => window.lmsCalls")

    def sets(self) -> list[tuple[str, str]]:
        return [tuple(c["args"]) for c in self.calls() if c["method"] in ("LMSSetValue", "SetValue")]

    def location_element(self) -> str:
        return "cmi.core.lesson_location" if self.version == "scorm12" else "cmi.location"

    def open(self, path: str):
        self.site.goto(f"{self.base}/course/{path}")
        self.page.wait_for_function("([element, path]) => window.lmsCalls.some(c => /SetValue/.test(c.method)"
                                    " && c.args[0] === element && c.args[1] === path)",
                                    arg=[self.location_element(), path])
        assert self.calls()[-1]["method"] in ("LMSCommit", "Commit")

    def tick(self, objective: str):
        box = self.site.locator(f'li[data-objective="{objective}"] input[type=checkbox]')
        box.wait_for(state="attached")
        self.site.wait_for_function(f"() => !document.querySelector('li[data-objective=\"{objective}\"] input').disabled")
        before = len(self.calls())
        self.site.locator(f'li[data-objective="{objective}"] .task-list-indicator').click(force=True)  # a 0-wide span: Material draws the box in its ::before
        self.page.wait_for_function("n => window.lmsCalls.length > n && /Commit/.test(window.lmsCalls.at(-1).method)",
                                    arg=before)

    def leave(self) -> dict:
        """The learner leaves: the LMS closes the course's frame."""
        self.page.evaluate("() => { document.getElementById('sco').src = 'about:blank' }")
        self.page.wait_for_function("() => window.finalCmi !== undefined")
        return self.page.evaluate("() => window.finalCmi")["cmi"]


def _count(calls: list[dict], method: str) -> int:
    return sum(1 for c in calls if c["method"] == method)


def _committed_after_each_change(calls: list[dict]) -> bool:
    """Every SetValue is followed by a Commit before the learner's next step (the next Get/Set
    after a Commit) or the end."""
    pending = False
    for call in calls:
        if "SetValue" in call["method"]:
            pending = True
        elif "Commit" in call["method"]:
            pending = False
    return not pending


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_an_lms_records_progress_objectives_completion_and_resume(browser, visit, scorm_packages, tmp_path, version):
    base_dir = lms_site(tmp_path, scorm_packages[version])
    httpd, base = serve(_Quiet, base_dir)
    try:
        twelve = version == "scorm12"
        status = "cmi.core.lesson_status" if twelve else "cmi.completion_status"
        exit_element = "cmi.core.exit" if twelve else "cmi.exit"
        objective_status = "status" if twelve else "completion_status"

        # First visit: two of three modules, two objectives ticked, then the learner leaves.
        lms = Lms(visit().new_page(), base, version).launch()
        assert lms.site.url.endswith("/course/index.html")
        lms.open("modules/m01.html")
        lms.open("modules/m02.html")
        lms.open("self-assessment.html")
        lms.tick("m01.agree-pair-rules")
        lms.tick("m02.explain-business-priority")
        final = lms.leave()
        calls = lms.calls()
        assert [c for c in calls if c["error"] != "0"] == []
        assert _count(calls, "LMSInitialize" if twelve else "Initialize") == 1
        assert _count(calls, "LMSFinish" if twelve else "Terminate") == 1
        assert calls[0]["method"] in ("LMSInitialize", "Initialize") and calls[-1]["method"] in ("LMSFinish", "Terminate")
        assert _committed_after_each_change(calls[:-1])
        sets = lms.sets()
        assert (status, "incomplete") in sets and (status, "completed") not in sets
        assert (exit_element, "suspend") in sets
        assert ("cmi.objectives.0.id", "m01.agree-pair-rules") in sets
        assert (f"cmi.objectives.0.{objective_status}", "completed") in sets
        assert ("cmi.objectives.1.id", "m02.explain-business-priority") in sets
        assert (f"cmi.objectives.1.{objective_status}", "completed") in sets
        if twelve:
            assert final["core"]["lesson_status"] == "incomplete"
            assert final["core"]["lesson_location"] == "self-assessment.html"
        else:
            assert final["completion_status"] == "incomplete"
            assert final["location"] == "self-assessment.html"
            assert [v for k, v in sets if k == "cmi.progress_measure"][-1] == "0.6667"
        assert 0 < len(final["suspend_data"]) <= 4096
        objectives = final["objectives"]
        objectives = list(objectives.values()) if isinstance(objectives, dict) else objectives
        assert [(o["id"], o[objective_status]) for o in objectives if isinstance(o, dict) and o.get("id")] == [
            ("m01.agree-pair-rules", "completed"), ("m02.explain-business-priority", "completed")]

        # Relaunch: the last page reopens, the ticks are back, the last module completes the course.
        relaunched = Lms(visit().new_page(), base, version).launch(saved=final)
        assert relaunched.site.url.endswith("/course/self-assessment.html")
        for objective, ticked in [("m01.agree-pair-rules", True), ("m02.explain-business-priority", True),
                                  ("m03.agree-pair-rules", False)]:
            box = relaunched.site.locator(f'li[data-objective="{objective}"] input')
            relaunched.site.wait_for_function(f"() => !document.querySelector('li[data-objective=\"{objective}\"] input').disabled")
            assert box.is_checked() == ticked, objective
        relaunched.tick("m01.agree-pair-rules")  # untick: the LMS hears it
        assert ("cmi.objectives.0." + objective_status, "incomplete") in relaunched.sets()
        relaunched.open("modules/m03.html")
        sets = relaunched.sets()
        assert (status, "completed") in sets
        assert (exit_element, "" if twelve else "normal") in sets
        final = relaunched.leave()
        calls = relaunched.calls()
        assert [c for c in calls if c["error"] != "0"] == []
        assert _count(calls, "LMSInitialize" if twelve else "Initialize") == 1
        assert _count(calls, "LMSFinish" if twelve else "Terminate") == 1
        assert (final["core"]["lesson_status"] if twelve else final["completion_status"]) == "completed"
        if not twelve:
            assert [v for k, v in sets if k == "cmi.progress_measure"][-1] == "1"
        assert sum(1 for c in calls if "SetValue" in c["method"] and c["args"][0] == status
                   and c["args"][1] == "completed") == 1
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_course_opened_in_its_own_window_finds_the_api_through_its_opener(browser, visit, scorm_packages, tmp_path):
    httpd, base = serve(_Quiet, lms_site(tmp_path, scorm_packages["scorm2004"]))
    try:
        lms_page = visit().new_page()
        with lms_page.expect_popup() as popup_info:
            lms_page.goto(f"{base}/lms.html?version=scorm2004&open=window")
        course = popup_info.value
        course.wait_for_function("() => { const s = document.getElementById('rmkit-site');"
                                 " return s.contentWindow.location.href.endsWith('/index.html') }")
        course.frames[1].goto(f"{base}/course/modules/m02.html")
        lms_page.wait_for_function("() => window.lmsCalls.some(c => c.method === 'SetValue'"
                                   " && c.args[0] === 'cmi.location' && c.args[1] === 'modules/m02.html')")
        course.close(run_before_unload=True)
        lms_page.wait_for_function("() => window.finalCmi !== undefined")
        calls = lms_page.evaluate("() => window.lmsCalls")
        assert [c["method"] for c in calls].count("Initialize") == 1
        assert [c["method"] for c in calls].count("Terminate") == 1
        assert [c for c in calls if c["error"] != "0"] == []
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_without_an_lms_the_launcher_opens_the_site(browser, visit, scorm_packages):
    page = visit().new_page()
    page.goto((scorm_packages["scorm12"] / "launch.html").as_uri())
    page.wait_for_url(re.compile(r".*/index\.html$"))
    assert page.locator("h1").first.is_visible()


def test_search_works_in_the_packaged_site_over_http(browser, visit, scorm_packages, tmp_path):
    base_dir = lms_site(tmp_path, scorm_packages["scorm2004"])
    httpd, base = serve(_Quiet, base_dir)
    try:
        page = visit().new_page()
        page.goto(f"{base}/course/index.html")
        placeholder = wait_for_search_ready(page, base_dir, timeout=20_000)
        results = search(page, "Module", placeholder)
        assert results, "search found nothing for 'Module'"
        assert any(urlsplit(r).path.startswith("/course/modules/m0") for r in results), results
        assert page.locator(".md-select").count() == 0  # no language selector in a package
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.slow
def test_suspend_data_of_a_60_module_program_fits_scorm_12(browser, visit, tmp_path):
    if not SCORM_AGAIN.is_dir():
        _missing("scorm-again", "bash scripts/setup.sh --test runs npm ci")
    course = packaged(tmp_path / "p", 60, ["scorm12"])["scorm12"]
    httpd, base = serve(_Quiet, lms_site(tmp_path, course))
    try:
        lms = Lms(visit().new_page(), base, "scorm12").launch()
        for n in range(1, 61):
            lms.open(f"modules/m{n:02d}.html")
        lms.open("self-assessment.html")
        objectives = lms.site.evaluate("() => [...document.querySelectorAll('li[data-objective]')]"
                                       ".map(li => li.getAttribute('data-objective'))")
        assert len(objectives) == 120
        for objective in objectives:
            lms.tick(objective)
        final = lms.leave()
        assert final["core"]["lesson_status"] == "completed"
        assert len(final["suspend_data"]) <= 4096
        assert [c for c in lms.calls() if c["error"] != "0"] == []
        relaunched = Lms(visit().new_page(), base, "scorm12").launch(saved=final)
        relaunched.site.wait_for_function("() => !document.querySelector('li[data-objective] input').disabled")
        assert relaunched.site.evaluate("() => [...document.querySelectorAll('li[data-objective] input')]"
                                        ".every(box => box.checked)")
    finally:
        httpd.shutdown()
        httpd.server_close()


# -- cmi5 against a mock LMS and LRS ------------------------------------------------------------

TOKEN = "cm1yazp0ZXN0"
PUBLISHER = "https://lms.example.test/courses/publisher"


class MockLms:
    """What an LMS and its LRS keep for one registration, and every request they received."""

    def __init__(self):
        self.fetches = 0
        self.session = 0
        self.statements: list[dict] = []
        self.states: dict[tuple[str, str], bytes] = {}  # (registration, state id) → document
        self.registration = "reg-1"
        self.launch_mode = "Normal"
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def launch_data(self) -> dict:
        return {"contextTemplate": {"contextActivities": {"grouping": [{"id": PUBLISHER}]},
                                    "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid":
                                                   f"session-{self.session}"}},
                "launchMode": self.launch_mode, "moveOn": "Completed", "returnURL": "/lms/returned.html"}


def mock_handler(lms: MockLms):
    class Handler(_Quiet):
        def _authorized(self) -> bool:
            if self.headers.get("Authorization") != f"Basic {TOKEN}":
                lms.problems.append(f"{self.command} {self.path}: no token")
                return False
            if self.headers.get("X-Experience-API-Version", "").split(".")[:2] != ["1", "0"]:
                lms.problems.append(f"{self.command} {self.path}: no xAPI version header")
            return True

        def _answer(self, status: int, body: bytes = b"", kind: str = "application/json"):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path == "/lms/returned.html":
                return self._answer(200, b"<!doctype html><title>Back in the LMS</title><h1>Back</h1>", "text/html")
            if parts.path == "/lrs/activities/state":
                if not self._authorized():
                    return self._answer(401)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if query.get("registration") != lms.registration or json.loads(query["agent"])["account"]["name"] != "learner-1":
                    lms.problems.append(f"state query: {query}")
                if query["stateId"] == "LMS.LaunchData":
                    return self._answer(200, json.dumps(lms.launch_data()).encode())
                stored = lms.states.get((query["registration"], query["stateId"]))
                return self._answer(200, stored) if stored is not None else self._answer(404)
            return super().do_GET()

        def do_POST(self):
            parts = urlsplit(self.path)
            body = self._body()
            with lms.lock:
                if parts.path == "/lms/fetch":
                    lms.fetches += 1
                    if lms.fetches > lms.session:  # the fetch URL answers once per launch
                        return self._answer(200, json.dumps({"error-code": "1", "error-text": "already fetched"}).encode())
                    return self._answer(200, json.dumps({"auth-token": TOKEN}).encode())
                if parts.path == "/lrs/statements":
                    if self._authorized():
                        lms.statements.append(json.loads(body))
                    return self._answer(200, b'["ok"]')
            return self._answer(404)

        def do_PUT(self):
            parts = urlsplit(self.path)
            body = self._body()
            if parts.path == "/lrs/activities/state" and self._authorized():
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                lms.states[(query["registration"], query["stateId"])] = body
                return self._answer(204)
            return self._answer(404)

    return Handler


ACTOR = {"objectType": "Agent", "account": {"homePage": "https://lms.example.test", "name": "learner-1"}}
ACTIVITY = "https://lms.example.test/activities/au-1"
VERB = "http://adlnet.gov/expapi/verbs/"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVE_ON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def test_cmi5_session_with_a_mock_lms_and_lrs(browser, visit, tmp_path):
    course = packaged(tmp_path / "p", 3, ["cmi5"])["cmi5"]
    root = tmp_path / "served"
    shutil.copytree(course, root / "course")
    lms = MockLms()
    httpd, base = serve(mock_handler(lms), root)

    def launch(page):
        lms.session += 1
        query = urlencode({"endpoint": f"{base}/lrs/", "fetch": f"{base}/lms/fetch", "actor": json.dumps(ACTOR),
                           "registration": lms.registration, "activityId": ACTIVITY})
        page.goto(f"{base}/course/launch.html?{query}")
        page.wait_for_function("() => { const s = document.getElementById('rmkit-site');"
                               " return s.contentWindow.location.href.endsWith('.html')"
                               " && s.contentDocument.readyState === 'complete' }")
        return page.frames[1]

    try:
        page = visit().new_page()
        site = launch(page)
        for n in (1, 2, 3):
            site.goto(f"{base}/course/modules/m0{n}.html")
        page.wait_for_function("() => true")  # the statements queue in order: Exit's comes last
        page.locator("#rmkit-exit").click()
        page.wait_for_url(f"{base}/lms/returned.html")
        first = list(lms.statements)
        assert [s["verb"]["id"] for s in first] == [VERB + "initialized", VERB + "completed", VERB + "terminated"]
        assert lms.fetches == 1
        for statement in first:
            assert statement["actor"] == ACTOR
            assert statement["object"]["id"] == ACTIVITY
            context = statement["context"]
            assert context["registration"] == "reg-1"
            assert context["extensions"][SESSION_ID] == "session-1"
            assert {"id": PUBLISHER} in context["contextActivities"]["grouping"]
            categories = [c["id"] for c in context["contextActivities"]["category"]]
            assert CMI5_CATEGORY in categories
            assert (MOVE_ON in categories) == (statement["verb"]["id"] == VERB + "completed")
            assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", statement["id"])
        assert first[1]["result"]["completion"] is True and first[1]["result"]["duration"].startswith("PT")
        assert first[2]["result"]["duration"].startswith("PT")

        # A second session of the same registration: resumes, never completes again.
        page = visit().new_page()
        site = launch(page)
        assert site.url.endswith("/course/modules/m03.html")
        site.goto(f"{base}/course/modules/m01.html")
        page.locator("#rmkit-exit").click()
        page.wait_for_url(f"{base}/lms/returned.html")
        second = lms.statements[len(first):]
        assert [s["verb"]["id"] for s in second] == [VERB + "initialized", VERB + "terminated"]
        assert all(s["context"]["extensions"][SESSION_ID] == "session-2" for s in second)
        assert lms.fetches == 2  # once per launch

        # A Browse launch of a new registration never completes; closing the window terminates.
        lms.registration, lms.launch_mode = "reg-2", "Browse"
        page = visit().new_page()
        site = launch(page)
        assert site.url.endswith("/course/index.html")
        for n in (1, 2, 3):
            site.goto(f"{base}/course/modules/m0{n}.html")
        before = len(lms.statements)
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 10
        while len(lms.statements) < before + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        third = lms.statements[len(first) + len(second):]
        assert [s["verb"]["id"] for s in third] == [VERB + "initialized", VERB + "terminated"]
        assert all(s["context"]["registration"] == "reg-2" for s in third)
        assert lms.problems == []
    finally:
        httpd.shutdown()
        httpd.server_close()
