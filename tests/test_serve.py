"""`rmkit serve`: the preview is served, and an edit of the curriculum rebuilds it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .helpers import replace_once, starter_project


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(predicate, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


@pytest.mark.slow
def test_serve_rebuilds_when_a_module_changes(tmp_path):
    root = starter_project(tmp_path)
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen([sys.executable, "-m", "rmkit", "-C", str(root), "serve", "--audience", "mentee",
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    page = f"http://127.0.0.1:{port}/modules/getting-started.html"
    try:
        assert _wait_for(lambda: "Write the pair agreement" in _fetch(page)), "the preview never came up"
        replace_once(root / "curriculum" / "modules" / "getting-started.yml",
                     "title: Write the pair agreement", "title: Draft the pair agreement")
        assert _wait_for(lambda: "Draft the pair agreement" in _fetch(page)), "the edit was not rebuilt"
        # Live reload: the served page carries MkDocs' reload script.
        assert "livereload" in _fetch(page)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode("utf-8", "replace")
    assert "Traceback" not in output, output
