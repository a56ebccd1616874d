"""Fixtures and helpers for the service tests: a throwaway PostgreSQL cluster, real all the way.

The cluster is initdb'd into a temp dir, listens on 127.0.0.1 at a free port
with scram-sha-256 password auth, and is stopped and deleted at the end even
when tests fail.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest
from psycopg import sql


VENV_BIN = Path(sys.executable).parent
SETUP_HINT = ("PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. "
              "Run the setup script: scripts/setup.sh")

SUPER_PASSWORD = "super-Secret-pw-51"
INTERNAL_USER, INTERNAL_PASSWORD = "rowbook", "internal-Secret-pw-7Q"
READER_USER, READER_PASSWORD = "reader", "reader-Secret-pw-3Z"
ADMIN_PASSWORD = "Admin-Secret-pw-88"
SECRET_KEY = "test-secret-key-" + "x9Kq2" * 10
# Every password the tests use: none may ever show up in output.
ALL_PASSWORDS = (SUPER_PASSWORD, INTERNAL_PASSWORD, READER_PASSWORD, ADMIN_PASSWORD)


def stop_group(process: subprocess.Popen, what: str, logs=lambda: "", grace: float = 30) -> None:
    """Stops a server a test started in a group of its own
    (start_new_session=True) as its systemd unit (KillMode=mixed) and
    `docker stop` do: SIGTERM to the main process, SIGKILL to the whole
    group after `grace` seconds. A server still running then fails the test
    with its log and what was left: a server that does not stop is a bug to
    report, never a process to leave behind. `grace` is well above the 8 s
    `rowbook serve` gives requests in flight."""
    deadline = time.monotonic() + grace
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    left = _running_in_session(process.pid)
    while left and time.monotonic() < deadline:  # the main process's children, on their way out
        time.sleep(0.2)
        left = _running_in_session(process.pid)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    if left:
        raise AssertionError(f"{what} did not stop within {grace:g} s of SIGTERM (killed). Still running:\n"
                             f"{left}\nIts log:\n{logs()[-3000:]}")


def _running_in_session(sid: int) -> str:
    """ps lines of the session's processes that still run (not the dead
    ones no one has reaped yet)."""
    lines = subprocess.run(["ps", "-o", "pid=,stat=,wchan:20=,args=", "--sid", str(sid)],
                           capture_output=True, text=True).stdout.splitlines()
    return "\n".join(line for line in lines if not line.split()[1].startswith("Z"))


@contextmanager
def hang_up_listener():
    """A port on this machine where something accepts connections and
    closes them at once (libpq: "server closed the connection"). Yields the
    port and a one-item list: how many connections it was offered."""
    server = socket.create_server(("127.0.0.1", 0))
    offered = [0]

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            offered[0] += 1
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], offered
    finally:
        server.close()
        thread.join(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bindir() -> Path:
    candidates = []
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    except OSError:
        pass
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and \
                (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    pytest.fail(SETUP_HINT, pytrace=False)


@dataclass
class Cluster:
    host: str
    port: int
    tmp: Path
    options: str = ""  # the server's options: what start() starts it with again

    def crash(self, check: bool = True) -> None:
        """Stop the server as a crash or a kill would: every process at once, no
        shutdown checkpoint (the next start recovers from the write-ahead log).
        check=False: it may be stopped already."""
        _as_postgres(self._pg_ctl_stop("immediate"), check=check)

    def stop_command(self, mode: str) -> list[str]:
        """pg_ctl's stop in `mode` (smart waits for every session to end), as the cluster's owner."""
        return _postgres_command(self._pg_ctl_stop(mode))

    def _pg_ctl_stop(self, mode: str) -> list[str]:
        return [str(pg_bindir() / "pg_ctl"), "-D", str(self.tmp / "data"), "-m", mode, "-w", "stop"]

    def start(self) -> None:
        _as_postgres([str(pg_bindir() / "pg_ctl"), "-D", str(self.tmp / "data"), "-o", self.options, "-w",
                      "-t", "60", "-l", str(self.tmp / "server.log"), "start"])

    def connect(self, dbname="postgres", **kw):
        return psycopg.connect(host=self.host, port=self.port, user="postgres",
                               password=SUPER_PASSWORD, dbname=dbname, autocommit=True, **kw)

    def create_db(self, name: str, owner: str = INTERNAL_USER) -> str:
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner)))
        return name

    def url(self, dbname: str, user=READER_USER, password=READER_PASSWORD) -> str:
        return f"postgresql://{user}:{password}@{self.host}:{self.port}/{dbname}"


def _postgres_command(cmd: list[str]) -> list[str]:
    """`cmd` as the postgres user when we are root (initdb refuses to run as root)."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _as_postgres(cmd: list[str], check: bool = True, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(_postgres_command(cmd), check=check, capture_output=True, text=True, **kw)


def _fill_user_databases(cluster: Cluster) -> None:
    with cluster.connect() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(INTERNAL_USER), sql.Literal(INTERNAL_PASSWORD)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(READER_USER), sql.Literal(READER_PASSWORD)))
    cluster.create_db("shop", owner="postgres")
    cluster.create_db("inventory", owner="postgres")
    with cluster.connect("shop") as conn:
        conn.execute('''
            CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL, city text);
            INSERT INTO public.customers
              SELECT i, 'Customer ' || i, CASE WHEN i % 2 = 0 THEN 'Lyon' END
              FROM generate_series(1, 120) AS i;
            CREATE SCHEMA sales;
            CREATE TABLE sales.orders (id int PRIMARY KEY, customer_id int, total numeric(8,2));
            INSERT INTO sales.orders VALUES (1, 1, 9.50), (2, 2, 120.00), (3, 1, 3.25);
            CREATE TABLE sales."Odd ""Name""" (k text PRIMARY KEY);
            INSERT INTO sales."Odd ""Name""" VALUES ('quoted');
            GRANT USAGE ON SCHEMA sales TO reader;
            GRANT SELECT ON ALL TABLES IN SCHEMA public, sales TO reader;
        ''')
    with cluster.connect("inventory") as conn:
        conn.execute("""
            CREATE TABLE public.widgets (sku text PRIMARY KEY, stock int);
            INSERT INTO public.widgets VALUES ('W-1', 5), ('W-2', 0);
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;
        """)


@pytest.fixture(scope="session")
def pg():
    with cluster() as started:
        yield started


@contextmanager
def cluster():
    """A PostgreSQL cluster of its own on a free port, with the test roles and
    user databases; removed when the block ends (also used by benchmarks/)."""
    bindir = pg_bindir()
    tmp = Path(tempfile.mkdtemp(prefix="rowbook-pg-"))
    data, sockets, pwfile = tmp / "data", tmp / "sock", tmp / "pw"
    sockets.mkdir()
    pwfile.write_text(SUPER_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(sockets, "postgres")
        shutil.chown(pwfile, "postgres")
    tmp.chmod(0o700)
    port = free_port()
    started = False
    try:
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
                      "--auth=scram-sha-256", f"--pwfile={pwfile}", "--no-sync"])
        options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        made = Cluster("127.0.0.1", port, tmp, options)
        made.start()
        started = True
        _fill_user_databases(made)
        yield made
    finally:
        if started:
            made.crash(check=False)  # a test may have stopped it already
        shutil.rmtree(tmp, ignore_errors=True)


def base_env(pg: Cluster, internal_db: str, **overrides) -> dict[str, str]:
    """A good configuration; overrides with value None remove a variable."""
    env = {
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "SECRET_KEY": SECRET_KEY,
        "DOMAIN_NAME": "rowbook.example.com",
        "POSTGRES_HOST": pg.host,
        "POSTGRES_PORT": str(pg.port),
        "POSTGRES_USER": INTERNAL_USER,
        "POSTGRES_PASSWORD": INTERNAL_PASSWORD,
        "POSTGRES_DB": internal_db,
        "ROWBOOK_USER_DATABASE_URL": pg.url("shop"),
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_rowbook(args, env, *, input=None, timeout=90, python=None, cwd=None):
    """Run the real `rowbook` command; `python` runs `python -m rowbook` instead."""
    cmd = [python, "-m", "rowbook", *args] if python else [str(VENV_BIN / "rowbook"), *args]
    return subprocess.run(cmd, env=env, input=input, capture_output=True, text=True,
                          timeout=timeout, cwd=cwd or tempfile.gettempdir())


def assert_clean(output: str) -> None:
    """No traceback and no password in anything Rowbook printed."""
    assert "Traceback" not in output, output
    for password in ALL_PASSWORDS:
        assert password not in output, f"password leaked in output:\n{output}"


@pytest.fixture
def internal_db(pg, request):
    """A fresh, empty internal database named after the test."""
    name = "rb_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return pg.create_db(name)


@pytest.fixture(scope="session")
def web(pg):
    """Django configured in this process against its own internal database,
    migrated, with one user; tests use django.test.Client against it."""
    import django
    from django.core.management import call_command

    db = pg.create_db("rowbook_web")
    env = base_env(pg, db)
    for key in ("PATH", "HOME", "LANG"):
        env.pop(key)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rowbook.settings"
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("alice", "alice@example.com", ADMIN_PASSWORD)
    return pg


def new_client(**kw):
    """A Django test client sending the Host header a browser would."""
    from django.test import Client

    return Client(HTTP_HOST="rowbook.example.com", **kw)


def signed_in(username: str, superuser: bool = False):
    """A client signed in as `username`, a user made with ADMIN_PASSWORD if there is none."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not User.objects.filter(username=username).exists():
        make = User.objects.create_superuser if superuser else User.objects.create_user
        make(username, f"{username}@example.com", ADMIN_PASSWORD)
    c = new_client()
    assert c.login(username=username, password=ADMIN_PASSWORD)
    return c


@pytest.fixture(autouse=True)  # where imported: tests/service/conftest.py
def no_failed_connection_tests(request):
    """For a test that uses the in-process Rowbook (`web`): no failed
    connection test on record when it starts. The pause after ten
    (test_service_connection_test_limit.py) is no other test's concern."""
    if "web" in request.fixturenames:
        request.getfixturevalue("web")
        from rowbook.connections.models import FailedConnectionTest

        FailedConnectionTest.objects.all().delete()


@pytest.fixture
def client(web):
    c = new_client()
    assert c.login(username="alice", password=ADMIN_PASSWORD)
    return c


class FeedServer:
    """A release feed (releases.json) on 127.0.0.1, for the About page tests.

    Serves `body` at `path` (anything else is a 404), counts the requests, and
    can answer slowly (`delay` seconds) or with any body, to test what Rowbook
    does when the feed is slow or broken."""

    def __init__(self, body: bytes, path: str = "/releases.json"):
        self.body, self.delay, self.requests = body, 0.0, 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests += 1
                time.sleep(server.delay)
                try:
                    if self.path != path:
                        self.send_error(404)
                        return
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(server.body)))
                    self.end_headers()
                    self.wfile.write(server.body)
                except OSError:  # Rowbook gave up waiting and closed the connection
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self.httpd.server_port}{path}"
        self.site = self.url.rsplit("/", 1)[0] + "/"  # the docs site the feed belongs to
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
