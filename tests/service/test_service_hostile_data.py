"""A user's database is hostile input too (issue #38): names with `/` and `~`,
relations the role may not read, JSON nested deeper than Python recurses.
Every page answers with the data or a message, never a 500."""

from __future__ import annotations

import pytest

from tests.service.rowbook_testkit import assert_clean
from tests.service.test_service_connections import browsing as browsing_database

DB = "hostile_names"


@pytest.fixture(scope="module")
def hostile(web):
    web.create_db(DB, owner="postgres")
    with web.connect(DB) as conn:
        conn.execute("""
            CREATE SCHEMA "a/b";
            CREATE TABLE "a/b"."c/d" (k text PRIMARY KEY);
            INSERT INTO "a/b"."c/d" VALUES ('slashed');
            CREATE TABLE public."til~de" (k text);
            INSERT INTO public."til~de" VALUES ('tilded');
            CREATE TABLE public.deep (j jsonb, t json);
            INSERT INTO public.deep VALUES ((repeat('[', 2000) || repeat(']', 2000))::jsonb,
                                           (repeat('{"a":', 5000) || '1' || repeat('}', 5000))::json);
            CREATE TABLE public.hidden (secret text);
            GRANT USAGE ON SCHEMA "a/b" TO reader;
            GRANT SELECT ON "a/b"."c/d", public."til~de", public.deep TO reader;
        """)
    return web


@pytest.fixture
def browsing(client, hostile):
    with browsing_database(client, hostile, "Hostile", DB) as signed_in_client:
        yield signed_in_client


def test_names_with_a_slash_or_a_tilde_are_listed_and_browsable(browsing):
    page = browsing.get("/tables/")
    html = page.content.decode()
    assert page.status_code == 200, html
    assert "/tables/a~sb/c~sd/" in html and "/tables/public/til~~de/" in html
    assert "slashed" in browsing.get("/tables/a~sb/c~sd/").content.decode()
    assert "tilded" in browsing.get("/tables/public/til~~de/").content.decode()
    assert browsing.get("/tables/public/til~xde/").status_code == 404  # not an escape: no such name


def test_a_relation_the_role_may_not_read_gives_a_message(browsing):
    page = browsing.get("/tables/public/hidden/")
    html = page.content.decode()
    assert page.status_code == 200, html
    assert "Cannot read public.hidden: permission denied for table hidden." in html
    assert_clean(html)


def test_json_nested_deeper_than_python_recurses_is_shown_as_text(browsing):
    page = browsing.get("/tables/public/deep/")
    html = page.content.decode()
    assert page.status_code == 200, html
    assert "[[[[" in html and "{&quot;a&quot;:{&quot;a&quot;:" in html


def test_the_debug_error_page_shows_no_stored_or_configured_secret(web, monkeypatch):
    """ROWBOOK_DEBUG on, a crash while a stored password is in hand: in the
    Databases form (the typed password, the params) and while browsing (the
    active connection); the page shows the frames, the settings and the form."""
    from django.test import override_settings

    from rowbook import dbprobe
    from rowbook.browser import catalog
    from tests.service.rowbook_testkit import ADMIN_PASSWORD, ALL_PASSWORDS, SECRET_KEY, new_client
    from tests.service.test_service_connections import form

    def crash(*args, **kwargs):
        raise RuntimeError("a bug in Rowbook")

    monkeypatch.setattr(dbprobe, "probe_user_database", crash)
    monkeypatch.setattr(catalog, "list_tables", crash)
    c = new_client(raise_request_exception=False)
    assert c.login(username="alice", password=ADMIN_PASSWORD)
    pages = []
    with override_settings(DEBUG=True):
        pages.append(c.post("/databases/add/", form(web, "Crash")))
        pages.append(c.get("/tables/"))  # the imported connection, with READER_PASSWORD
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 500 and "a bug in Rowbook" in html and "Local vars" in html
        for secret in (*ALL_PASSWORDS, SECRET_KEY):  # a debug page shows a traceback, by design
            assert secret not in html


@pytest.mark.parametrize("name", ["Shop\nrowbook: ok: all good", "\x1b[2JShop", "Shop\u202egnp.exe"])
def test_control_characters_in_a_database_name_are_refused_with_the_name_escaped(client, web, name):
    from rowbook.connections.models import Connection
    from tests.service.test_service_connections import form

    page = client.post("/databases/add/", form(web, name))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Name must not hold control characters" in html
    message = html[html.index('id="id_name_error"'):].split("</li>")[0]
    assert "\n" not in message and "\x1b" not in message and "\u202e" not in message
    assert not Connection.objects.filter(name=name).exists()


def test_a_stored_name_with_control_characters_is_printed_escaped(web):
    """Names saved before 0.1.4 keep their characters; `rowbook check` and the
    log write them escaped, one line each."""
    import logging

    from rowbook.connections.models import Connection
    from rowbook.core.logsafe import RedactingFormatter
    from tests.service.rowbook_testkit import base_env, run_rowbook

    old = Connection.objects.create(name="Old\nrowbook: ok: forged\x1b[31m", host=web.host, port=1,
                                    dbname="x", user="reader")
    try:
        out = run_rowbook(["check"], base_env(web, "rowbook_web"))
        assert 'stored database "Old\\nrowbook: ok: forged\\x1b[31m": cannot reach PostgreSQL' in out.stderr
        assert "\nrowbook: ok: forged" not in out.stdout + out.stderr and "\x1b" not in out.stdout + out.stderr
        assert_clean(out.stdout + out.stderr)
    finally:
        old.delete()
    formatter = RedactingFormatter("%(levelname)s %(message)s")
    try:
        raise ValueError("a traceback keeps its lines")
    except ValueError:
        import sys
        record = logging.LogRecord("rowbook", logging.WARNING, __file__, 1, "cannot open %r: %s",
                                   ("x", "Old\nINFO forged"), sys.exc_info())
    lines = formatter.format(record).split("\n")
    assert lines[0] == "WARNING cannot open 'x': Old\\nINFO forged"
    assert lines[1] == "Traceback (most recent call last):" and "ValueError" in lines[-1]
