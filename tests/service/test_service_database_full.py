"""A database that takes no writes is unhealthy, and says why (issue #40):
`/healthz` answers 503 naming the cause, `rowbook check` fails naming it, and
once the disk has room again both are fine by themselves, with nothing lost.

The full disk is real: a PostgreSQL cluster of its own on a small tmpfs,
filled up with a file. Reads still work there, and so does an UPDATE of one
row (it fits in its page); a sign-in's new session does not."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from tests.service.rowbook_testkit import (
    ADMIN_PASSWORD, INTERNAL_PASSWORD, INTERNAL_USER, Cluster, _as_postgres, assert_clean, base_env, free_port,
    pg_bindir, run_rowbook,
)
from tests.service.test_service_database_down import database_read_only

SUPER = "postgres"
HEALTHZ = ("from django.test import Client; r = Client(HTTP_HOST='localhost').get('/healthz'); "
           "print(r.status_code, r.content.decode().strip())")


def healthz(env) -> str:
    out = run_rowbook(["shell", "-c", HEALTHZ], env)
    assert_clean(out.stdout + out.stderr)
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def small_disk():
    """A cluster on a 160 MB tmpfs with Rowbook migrated and one user; yields
    (cluster, env, folder on that disk to fill)."""
    if os.geteuid() != 0:
        pytest.fail("this test mounts a tmpfs: run it as root, as CI does", pytrace=False)
    bindir = pg_bindir()
    disk = Path(tempfile.mkdtemp(prefix="rowbook-full-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160m,mode=0700", "tmpfs", str(disk)], check=True)
    started = False
    try:
        shutil.chown(disk, "postgres")
        _as_postgres([str(bindir / "initdb"), "-D", str(disk / "data"), "-U", SUPER, "--auth=trust", "--no-sync"])
        port = free_port()
        _as_postgres([str(bindir / "pg_ctl"), "-D", str(disk / "data"), "-w", "-l", str(disk / "server.log"),
                      "-o", f"-p {port} -k {disk} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
        started = True
        with psycopg.connect(host="127.0.0.1", port=port, user=SUPER, dbname="postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(INTERNAL_USER), sql.Literal(INTERNAL_PASSWORD)))
            conn.execute(sql.SQL("CREATE DATABASE rowbook OWNER {}").format(sql.Identifier(INTERNAL_USER)))
        cluster = Cluster("127.0.0.1", port, disk)
        env = base_env(cluster, "rowbook", ROWBOOK_USER_DATABASE_URL=None)
        assert run_rowbook(["migrate"], env).returncode == 0
        made = run_rowbook(["shell", "-c", "from django.contrib.auth import get_user_model; "
                            f"get_user_model().objects.create_user('alice', None, {ADMIN_PASSWORD!r})"], env)
        assert made.returncode == 0, made.stderr
        yield cluster, env, disk
    finally:
        if started:
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(disk / "data"), "-m", "immediate", "-w", "stop"])
        subprocess.run(["umount", str(disk)], check=False)
        shutil.rmtree(disk, ignore_errors=True)


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1M"], capture_output=True)
    assert shutil.disk_usage(disk).free < 1024 * 1024
    return filler


def test_a_full_disk_makes_healthz_and_check_fail_naming_it_then_both_recover(small_disk):
    cluster, env, disk = small_disk
    assert healthz(env) == "200 ok"
    filler = fill(disk)
    try:
        with psycopg.connect(host=cluster.host, port=cluster.port, user=SUPER, dbname="rowbook") as conn:
            conn.execute("SELECT count(*) FROM auth_user")  # reads still work: why SELECT 1 said healthy
        assert healthz(env) == "503 full: The disk of Rowbook's database is full"
        check = run_rowbook(["check"], env)
        assert check.returncode == 2
        assert "takes no writes, so no one can sign in: PostgreSQL cannot write: the disk that holds its " \
               "data has no space left." in check.stderr
        assert "Free some space on that disk" in check.stderr
        assert_clean(check.stdout + check.stderr)
    finally:
        filler.unlink()
    assert healthz(env) == "200 ok"
    check = run_rowbook(["check"], env)
    assert check.returncode == 0, check.stderr
    assert "takes writes" in check.stdout
    # Nothing lost: the user signs in.
    signed = run_rowbook(["shell", "-c", "from django.test import Client; c = Client(HTTP_HOST='localhost'); "
                          f"print(c.login(username='alice', password={ADMIN_PASSWORD!r}))"], env)
    assert signed.stdout.strip().endswith("True"), signed.stderr


def test_a_read_only_database_makes_healthz_fail_naming_it(web, client):
    from tests.service.rowbook_testkit import new_client

    assert client.get("/healthz").status_code == 200
    with database_read_only(web):
        answer = new_client().get("/healthz")
        assert answer.status_code == 503
        assert answer.content.decode() == "read-only: Rowbook's database is read-only\n"
    assert new_client().get("/healthz").status_code == 200


def test_a_role_that_may_not_make_temporary_tables_is_not_called_unhealthy(web):
    from django.db import connection

    from rowbook.core import database_down

    from tests.service.rowbook_testkit import INTERNAL_USER

    role = sql.Identifier(INTERNAL_USER)
    with web.connect() as conn:
        conn.execute(sql.SQL("REVOKE TEMPORARY ON DATABASE rowbook_web FROM PUBLIC, {}").format(role))
    connection.close()
    try:
        with pytest.raises(Exception, match="permission denied to create temporary tables"):
            with connection.cursor() as cursor:  # the probe's own write is refused...
                cursor.execute("CREATE TEMP TABLE refused (a int)")
        connection.close()
        assert database_down.cannot_write(connection) is None  # ...and that is not "unhealthy"
    finally:
        with web.connect() as conn:
            conn.execute(sql.SQL("GRANT TEMPORARY ON DATABASE rowbook_web TO PUBLIC, {}").format(role))
        connection.close()


def test_signing_in_on_a_full_disk_never_gives_a_500(small_disk):
    """On a real `rowbook serve`, 20 people sign in while the disk is full.
    A sign-in whose session fits in a page PostgreSQL has already succeeds;
    one that needs a new page gets the page that names the full disk. Never a
    500 or a 400, never a traceback, at most one log line each way; with room
    again everyone signs in."""
    from tests.service.test_service_serve import Server
    from tests.service.test_service_sign_in_limit import Browser

    _cluster, env, disk = small_disk
    server = Server(env)
    try:
        filler = fill(disk)
        try:
            answers = [Browser(server.port).sign_in("alice", ADMIN_PASSWORD) for _ in range(20)]
        finally:
            filler.unlink()
        for status, page, headers in answers:
            signed = status == 200 and "Sign out" in page
            named = (status == 503 and "The disk of Rowbook&#x27;s database is full" in page
                     and "Free some space" in page and headers.get("Retry-After") == "30")
            assert signed or named, (status, page)
        status, page, _ = Browser(server.port).sign_in("alice", ADMIN_PASSWORD)
        assert status == 200 and "Sign out" in page, page
    finally:
        log = server.stop()
    assert_clean(log)
    assert log.count("internal database full: answering 503 until it is back") <= 1, log
    assert log.count("internal database is back after") <= 1, log
