"""The images' health check (docker/rowbook/Dockerfile), run by bash as Docker
runs it, against a real HTTP server on loopback: healthy only on a 200 from
/healthz, asked for the host Rowbook always accepts."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from docs_site.paths import ROOT

pytestmark = pytest.mark.reads_pages()


def health_check() -> list[str]:
    """The HEALTHCHECK's command, as Docker gets it from the Dockerfile."""
    text = (ROOT / "docker" / "rowbook" / "Dockerfile").read_text()
    found = re.search(r"^HEALTHCHECK (?P<options>.*?) \\\n\s+CMD (?P<command>\[.*\])$", text, re.M)
    assert found, "docker/rowbook/Dockerfile has no HEALTHCHECK in the exec form"
    return json.loads(found["command"])


@pytest.fixture
def server():
    """A server whose /healthz answers with the status the test sets; records the requests."""
    state = {"status": 200, "requests": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state["requests"].append((self.path, self.headers["Host"]))
            self.send_response(state["status"] if self.path == "/healthz" else 404)
            self.end_headers()
            self.wfile.write(b"ok\n")

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield httpd.server_address[1], state
    finally:
        httpd.shutdown()
        httpd.server_close()


def run_check(port: int) -> int:
    return subprocess.run(health_check(), env={"ROWBOOK_PORT": str(port), "PATH": "/usr/bin:/bin"},
                          capture_output=True, timeout=10).returncode


def test_healthy_on_a_200_from_healthz_asked_as_localhost(server):
    port, state = server
    assert run_check(port) == 0
    assert state["requests"] == [("/healthz", "localhost")]


@pytest.mark.parametrize("status", [503, 500, 400, 302])
def test_unhealthy_on_any_other_answer(server, status):
    port, state = server
    state["status"] = status
    assert run_check(port) != 0


def test_unhealthy_when_nothing_listens():
    with socket.socket() as bound:  # a port that is ours, with no listener
        bound.bind(("127.0.0.1", 0))
        assert run_check(bound.getsockname()[1]) != 0


def test_asked_every_two_seconds_by_bash_alone():
    """No Python start per check (benchmarks/health_checks.py: twice the CPU of bash)."""
    assert health_check()[0] == "bash"
    options = re.search(r"^HEALTHCHECK (.*?) \\$", (ROOT / "docker/rowbook/Dockerfile").read_text(), re.M)[1]
    assert "--interval=2s" in options.split()
