"""`rowbook serve`: real gunicorn, /healthz, /version, static files, busy port."""

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

import rowbook

from tests.service.rowbook_testkit import VENV_BIN, assert_clean, base_env, free_port, run_rowbook


def get(port, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Host": "rowbook.example.com"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Server:
    def __init__(self, env):
        self.port = free_port()
        env = dict(env, ROWBOOK_PORT=str(self.port), ROWBOOK_WORKERS="1")
        self.proc = subprocess.Popen([str(VENV_BIN / "rowbook"), "serve"], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert self.proc.poll() is None, self.proc.stdout.read()
                time.sleep(0.2)
        raise AssertionError("rowbook serve did not start")

    def stop(self):
        self.proc.terminate()
        try:
            return self.proc.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.communicate()[0]


def test_serve_health_version_static(pg, internal_db):
    server = Server(base_env(pg, internal_db))
    try:
        assert get(server.port, "/healthz") == (200, b"ok")
        status, body = get(server.port, "/version")
        assert status == 200 and json.loads(body) == {"version": rowbook.__version__}
        status, body = get(server.port, "/static/rowbook/style.css")
        assert status == 200 and b"font-family" in body
        status, body = get(server.port, "/login/")
        assert status == 200 and "Sign in · Rowbook".encode() in body
    finally:
        log = server.stop()
    assert_clean(log)


def test_healthz_503_when_internal_database_is_down(pg):
    server = Server(base_env(pg, "postgres", POSTGRES_PORT=str(free_port())))
    try:
        status, body = get(server.port, "/healthz")
        assert status == 503
    finally:
        log = server.stop()
    assert_clean(log)


def test_serve_port_in_use(pg):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = run_rowbook(["serve"], base_env(pg, "postgres", ROWBOOK_PORT=str(port)))
    assert out.returncode == 2
    assert (f"rowbook: error: cannot listen on 127.0.0.1:{port}: the port is already in use. "
            "Stop the other program or set ROWBOOK_PORT to a free port.") in out.stderr
    assert_clean(out.stdout + out.stderr)


def test_plain_gunicorn_with_bad_config_stops_cleanly(pg):
    env = base_env(pg, "postgres", SECRET_KEY="short", DOMAIN_NAME="https://x.example.com")
    out = subprocess.run([str(VENV_BIN / "gunicorn"), "rowbook.wsgi", "-b",
                          f"127.0.0.1:{free_port()}"], env=env, capture_output=True, text=True,
                         timeout=60, cwd="/")
    assert out.returncode == 3  # gunicorn's "worker failed to boot"
    assert "rowbook: error: SECRET_KEY is too short" in out.stderr
    assert "rowbook: error: DOMAIN_NAME must be a host name without a scheme" in out.stderr
    assert_clean(out.stdout + out.stderr)
