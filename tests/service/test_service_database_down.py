"""When Rowbook's own database is down or read-only, people see a 503 page
that names the cause, the log gets one line per change, not a traceback per
request, and Rowbook carries on by itself once the database is back (issue #40).
On the real cluster: the connection pointed at a port where nothing listens,
and the database made read-only."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import psycopg
import pytest
from psycopg import sql

from tests.service.rowbook_testkit import ADMIN_PASSWORD, assert_clean, free_port, new_client

INTERNAL_DB = "rowbook_web"


def reopened(settings_change: dict):
    from django.db import connection

    connection.close()
    connection.settings_dict.update(settings_change)


@contextmanager
def database_unreachable():
    from django.db import connection

    port = connection.settings_dict["PORT"]
    reopened({"PORT": str(free_port())})
    try:
        yield
    finally:
        reopened({"PORT": port})


@contextmanager
def database_read_only(web):
    def set_read_only(on: bool):
        with web.connect() as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} SET default_transaction_read_only = {}").format(
                sql.Identifier(INTERNAL_DB), sql.SQL("on" if on else "off")))
        reopened({})

    set_read_only(True)
    try:
        yield
    finally:
        set_read_only(False)


def outage_lines(caplog):
    return [r for r in caplog.records if r.name == "rowbook.database"]


def tracebacks(caplog):
    return [r for r in caplog.records if r.name == "django.request" and r.exc_info]


def test_database_down_gives_a_503_that_says_so_and_one_log_line_each_way(web, caplog):
    caplog.set_level(logging.INFO)
    c = new_client(raise_request_exception=False)
    assert c.login(username="alice", password=ADMIN_PASSWORD)
    with database_unreachable():
        for url in ("/tables/", "/databases/", "/tables/", "/login/"):
            page = c.get(url)
            html = page.content.decode()
            assert page.status_code == 503, (url, html)
            assert page["Retry-After"] == "30"
            assert "Rowbook cannot reach its database" in html and "Nothing is lost" in html
            assert "rowbook check" in html
            assert_clean(html)
        assert c.get("/healthz").status_code == 503
    lines = outage_lines(caplog)
    assert [r.getMessage().split(":")[0] for r in lines] == ["internal database unreachable"]
    assert tracebacks(caplog) == []
    # Back by itself, still signed in: nothing lost.
    page = c.get("/tables/")
    assert page.status_code == 200 and "Tables in" in page.content.decode()
    lines = outage_lines(caplog)
    assert len(lines) == 2 and lines[1].getMessage().startswith("internal database is back after")


def test_a_read_only_database_says_so_at_sign_in(web, caplog):
    caplog.set_level(logging.INFO)
    c = new_client(raise_request_exception=False)
    with database_read_only(web):
        assert c.get("/login/").status_code == 200  # reading works
        page = c.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD})
        html = page.content.decode()
        assert page.status_code == 503, html
        assert "Rowbook&#x27;s database is read-only" in html and "Point POSTGRES_HOST at the primary" in html
        assert_clean(html)
    assert tracebacks(caplog) == []
    page = c.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD})
    assert page.status_code == 302


def test_a_full_disk_is_named_and_other_errors_keep_a_plain_500(client, monkeypatch):
    from django.db.utils import OperationalError

    from rowbook.browser import catalog
    from rowbook.core import database_down

    wrapped = OperationalError("could not extend file")
    wrapped.__cause__ = psycopg.errors.DiskFull("could not extend file: No space left on device")
    assert database_down.cause_of(wrapped) == database_down.FULL
    assert "The disk of Rowbook&#x27;s database is full" in database_down.page(database_down.FULL).content.decode()
    # A user database's error is not Rowbook's database being down.
    assert database_down.cause_of(psycopg.OperationalError("connection refused")) is None

    def bug(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(catalog, "list_tables", bug)
    c = new_client(raise_request_exception=False)
    assert c.login(username="alice", password=ADMIN_PASSWORD)
    page = c.get("/tables/")
    assert page.status_code == 500 and page.content.decode() == "<h1>Server Error (500)</h1>"


@pytest.fixture(autouse=True)
def _web_first(web):
    """Every test here reconfigures the web fixture's connection: it must exist."""
