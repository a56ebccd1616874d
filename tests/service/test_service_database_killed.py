"""Rowbook's own PostgreSQL killed under a running `rowbook serve` (issue #40):
every page a signed-in person opens, and signing in, answer 503 naming the
cause;
the log holds one line when it goes and one when it is back, no traceback;
once PostgreSQL is started again (crash recovery), the same browser is still
signed in and the stored database is still there. Nothing is lost.

The server is a cluster of its own (the shared one serves other tests at the
same time), stopped as a kill stops it: every process at once, no shutdown
checkpoint."""

from __future__ import annotations

import subprocess
import time

import pytest

from tests.service.rowbook_testkit import ADMIN_PASSWORD, assert_clean, base_env, cluster, run_rowbook
from tests.service.test_service_serve import Server
from tests.service.test_service_sign_in_limit import Browser

UNREACHABLE = "Rowbook cannot reach its database"


@pytest.fixture
def served():
    """`rowbook serve` (one worker, so its log lines can be counted) on a
    cluster of its own, with an admin and the stored database "shop"; yields
    (cluster, server)."""
    with cluster() as own:
        # As PostgreSQL's default (the test clusters turn it off for speed, on
        # their command line, which only a database's own setting overrides):
        # a commit is on disk before Rowbook is told, so a kill cannot undo it.
        database = own.create_db("rowbook_killed")
        with own.connect() as conn:
            conn.execute(f"ALTER DATABASE {database} SET synchronous_commit = on")
        env = base_env(own, database, ROWBOOK_ADMIN_PASSWORD=ADMIN_PASSWORD)
        made = run_rowbook(["install", "--no-input", "--username", "boss", "--email", "boss@example.com"], env)
        assert made.returncode == 0, made.stdout + made.stderr
        server = Server(env)
        try:
            yield own, server
        finally:
            if server.proc.poll() is None:
                server.stop()


def test_postgresql_killed_gives_503_pages_two_log_lines_and_loses_nothing(served):
    own, server = served
    browser = Browser(server.port)
    status, page, _ = browser.sign_in("boss", ADMIN_PASSWORD)
    assert status == 200 and "Sign out" in page and "shop" in page, page

    own.crash()
    try:
        signed_out = Browser(server.port)
        answers = [browser.open(path) for path in ("/", "/tables/", "/databases/", "/about/", "/login/")]
        # The sign-in form itself needs no database; signing in does.
        answers.append(signed_out.sign_in("boss", ADMIN_PASSWORD))
        for status, page, headers in answers:
            assert status == 503, (status, page)
            assert UNREACHABLE in page and "Nothing is lost" in page and "rowbook check" in page, page
            assert headers.get("Retry-After") == "30"
        status, _page, _ = signed_out.open("/healthz")
        assert status == 503
    finally:
        own.start()

    # Back by itself: the same browser, still signed in, sees its stored database.
    status, page, _ = browser.open("/databases/")
    assert status == 200 and "Sign out" in page and "shop" in page, page
    log = server.stop()
    assert_clean(log)
    assert log.count(f"internal database unreachable: answering 503 until it is back ({UNREACHABLE})") == 1, log
    assert log.count("internal database is back after") == 1, log


def test_a_postgresql_that_is_shutting_down_is_unreachable_for_rowbook_check():
    """Stopping PostgreSQL takes a moment (longer while sessions stay open):
    meanwhile it answers "the database system is shutting down". `rowbook
    check` says it cannot reach PostgreSQL, and why, instead of blaming the
    connection settings (seen once right after `systemctl stop postgresql`)."""
    with cluster() as own:
        database = own.create_db("rowbook_stopping")
        env = base_env(own, database)
        # A smart shutdown waits for this session to end: until then, new ones are refused.
        with own.connect():
            stop = subprocess.Popen(own.stop_command("smart"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                for _ in range(100):
                    check = run_rowbook(["check"], env)
                    if "shutting down" in check.stderr:
                        break
                    time.sleep(0.1)
                assert check.returncode == 2, check.stdout + check.stderr
                assert (f"rowbook: error: cannot reach PostgreSQL at {own.host}:{own.port} (it is shutting down). "
                        "Check POSTGRES_HOST/POSTGRES_PORT and that PostgreSQL is running.") in check.stderr, check.stderr
                assert_clean(check.stdout + check.stderr)
            finally:
                stop.kill()
        own.crash(check=False)
