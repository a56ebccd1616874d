"""The outcome check of the guide runner (guide_runner/browser.py) signs in
in a real browser, and says which part of the outcome it did not reach.

A small stand-in for Rowbook's sign-in flow serves the pages; the guides
themselves run the check against the real Rowbook."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from guide_runner.browser import sign_in_options
from guide_runner.browser_worker import BrowserWorker
from guide_runner.project import current

SIGN_IN = b"""<html><head><title>Sign in</title></head><body><h1>Sign in to Rowbook</h1>
<form method="post" action="/login/"><input name="username"><input name="password" type="password">
<button type="submit">Sign in</button></form></body></html>"""
# As Rowbook's sign-in page after a wrong user name or password.
REFUSED = SIGN_IN.replace(b"<form", b"<p class=\"error\">Your user name and password didn't match. "
                          b"Please try again.</p><form", 1)
SIGNED_IN = b"""<html><head><title>Tables</title></head><body><form><button type="submit">Sign out</button></form>
<nav><a href="/about/">About and updates</a></nav><p hidden>Only for admins</p>
<h1>Tables</h1><a href="/tables/shop/">shop</a></body></html>"""
TABLE = b"""<html><body><table><thead><tr><th>id</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></body></html>"""


class StandIn(BaseHTTPRequestHandler):
    password = "right"

    def do_GET(self):
        # Signed in already (the session cookie): no sign-in page, as in Rowbook.
        signed_in = "session=1" in (self.headers.get("Cookie") or "")
        self._send(TABLE if self.path.startswith("/tables/shop") else SIGNED_IN if signed_in else SIGN_IN)

    def do_POST(self):
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        right = form.get("password") == [self.password]
        self._send(SIGNED_IN if right else REFUSED, cookie="session=1; Path=/" if right else "")

    def _send(self, body: bytes, cookie: str = ""):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def stand_in():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def check(tmp_path, url: str, password: str, *extra: str, worker: BrowserWorker | None = None):
    """A check as `python -m guide_runner.browser` runs it alone, or, with
    `worker`, as a scenario's kept browser process runs it."""
    (tmp_path / "pw.txt").write_text(password + "\n")
    # Rowbook's sign-in words ([tool.guide_runner.sign-in]): the stand-in page shows them.
    argv = ["--url", url, "--user", "admin", "--password-file", str(tmp_path / "pw.txt"), *extra,
            *sign_in_options(current().sign_in)]
    if worker is not None:
        status, out = worker.check(argv, tmp_path, 120)
        return subprocess.CompletedProcess(argv, status, "" if status else out, out if status else "")
    return subprocess.run([sys.executable, "-m", "guide_runner.browser", *argv],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def worker():
    kept = BrowserWorker()
    yield kept
    kept.close()


@pytest.fixture(scope="module")
def url():
    with stand_in() as address:
        yield address


def test_the_reader_signs_in_sees_the_page_and_opens_a_table(tmp_path, url):
    run = check(tmp_path, url + "/login/", "right", "--sees", "Tables", "--table", "shop")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"signed in at {url}/login/ as admin, saw 'Tables', opened the table 'shop' (1 rows)"


def test_a_wrong_password_is_an_outcome_not_reached(tmp_path, url):
    run = check(tmp_path, url + "/login/", "wrong")
    assert run.returncode == 1
    assert "outcome not reached: signing in as admin" in run.stderr and "shows no Sign out button" in run.stderr


def test_what_the_page_does_not_show_is_named(tmp_path, url):
    run = check(tmp_path, url + "/login/", "right", "--sees", "Databases")
    assert run.returncode == 1
    assert "does not show 'Databases'" in run.stderr


def test_a_url_nothing_answers_is_named(tmp_path):
    run = check(tmp_path, "http://127.0.0.1:9/", "right")
    assert run.returncode == 1
    assert "the browser cannot open http://127.0.0.1:9/" in run.stderr


def test_a_kept_browser_signs_in_afresh_for_each_check(tmp_path, url, worker):
    """A scenario's checks share one browser process, not its cookies: the
    second check meets the sign-in page again (the stand-in skips it for a
    browser that has its session cookie), and a wrong password still fails."""
    first = check(tmp_path, url + "/login/", "right", "--sees", "Tables", worker=worker)
    again = check(tmp_path, url + "/login/", "right", "--table", "shop", worker=worker)
    wrong = check(tmp_path, url + "/login/", "wrong", worker=worker)
    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    assert again.stdout.endswith("opened the table 'shop' (1 rows)")
    assert wrong.returncode == 1 and "shows no Sign out button" in wrong.stderr


def test_a_kept_browser_process_that_ended_is_started_again(tmp_path, url, worker):
    assert check(tmp_path, url + "/login/", "right", worker=worker).returncode == 0
    os.killpg(worker._process.pid, signal.SIGKILL)
    worker._process.wait()
    assert check(tmp_path, url + "/login/", "right", worker=worker).returncode == 0


@pytest.mark.parametrize("kept", [False, True], ids=["alone", "kept browser"])
def test_https_with_the_pages_own_ca_trusted_and_the_host_name_mapped(tmp_path, kept, worker):
    """As for Caddy's local CA: trusted when named, refused when not, never
    ignored; a kept browser process keeps one Chromium per CA."""
    worker = worker if kept else None
    import ssl

    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test root",
            "-keyout", "ca.key", "-out", "ca.crt", "-addext", "basicConstraints=critical,CA:TRUE")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=rowbook.test", "-keyout", "site.key",
            "-out", "site.csr")
    (tmp_path / "ext.cnf").write_text("subjectAltName=DNS:rowbook.test\n")
    openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-out", "site.crt", "-extfile", "ext.cnf")
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp_path / "site.crt", tmp_path / "site.key")
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"https://rowbook.test:{server.server_port}/login/"
    try:
        trusted = check(tmp_path, url, "right", "--ca", str(tmp_path / "ca.crt"), "--resolve", "rowbook.test=127.0.0.1",
                        worker=worker)
        untrusted = check(tmp_path, url, "right", "--resolve", "rowbook.test=127.0.0.1", worker=worker)
    finally:
        server.shutdown()
    assert trusted.returncode == 0, trusted.stderr
    assert untrusted.returncode == 1 and "ERR_CERT_AUTHORITY_INVALID" in untrusted.stderr


def steps(tmp_path, text: str) -> list[str]:
    (tmp_path / "steps.yaml").write_text(text)
    return ["--steps", str(tmp_path / "steps.yaml")]


def test_not_sees_passes_when_the_text_is_absent_or_hidden(tmp_path, url):
    run = check(tmp_path, url + "/login/", "right", *steps(tmp_path, "- not-sees: [Databases, Only for admins]\n"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("followed 1 steps")


def test_not_sees_names_the_text_shown_and_the_page(tmp_path, url):
    run = check(tmp_path, url + "/login/", "right", *steps(tmp_path, "- not-sees: About and updates\n"))
    assert run.returncode == 1
    assert (f"step 1 (not-sees: 'About and updates') failed on {url}/login/: it shows 'About and updates'"
            in run.stderr)


def test_a_refused_sign_in_is_the_outcome_when_the_page_says_so(tmp_path, url):
    run = check(tmp_path, url + "/login/", "wrong", "--refused")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == (f"signing in at {url}/login/ as admin was refused: "
                                  "saw \"Your user name and password didn't match.\"")


def test_a_sign_in_that_works_fails_a_refused_check(tmp_path, url, worker):
    run = check(tmp_path, url + "/login/", "right", "--refused", worker=worker)
    assert run.returncode == 1
    assert (f"outcome not reached: signing in as admin at {url}/login/ should be refused, but it worked"
            in run.stderr)


def test_a_refused_check_has_no_table_or_steps(tmp_path, url):
    run = check(tmp_path, url + "/login/", "wrong", "--refused", "--table", "shop")
    assert run.returncode == 1
    assert "a refused sign-in has no table or steps to check" in run.stderr
