"""Rowbook cannot be turned against itself (issue #38): a signed-in user's
connection never reaches Rowbook's own database, never logs in with Rowbook's
system identity, and never sends a password to a server that did not prove it
knows it. On the real PostgreSQL cluster, with peer and trust rules added for
the test, and a stand-in server that asks for a clear-text password."""

from __future__ import annotations

import getpass
import socket
import struct
import threading
from contextlib import contextmanager
from html import unescape

import pytest
from psycopg import sql

from tests.service.rowbook_testkit import (INTERNAL_PASSWORD, INTERNAL_USER, READER_PASSWORD, assert_clean,
                                           base_env, run_rowbook)
from tests.service.test_service_connections import add, form, version_of

INTERNAL_DB = "rowbook_web"  # the web fixture's internal database
TRUSTED_ROLE = "trusted_role"


@pytest.fixture(scope="module")
def lax_server_rules(web):
    """Rules a Debian or all-in-one server has for its socket (peer), plus a
    trust rule over TCP, on the test cluster: added for this module, then removed."""
    hba = web.tmp / "data" / "pg_hba.conf"
    original = hba.read_text()
    me = getpass.getuser()
    with web.connect() as conn:
        for role in (me, TRUSTED_ROLE):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("GRANT ALL ON DATABASE {} TO {}").format(sql.Identifier(INTERNAL_DB),
                                                                     sql.Identifier(me)))
    hba.write_text(f"local all {me} peer\nhost all {TRUSTED_ROLE} 127.0.0.1/32 trust\n" + original)
    with web.connect() as conn:
        conn.execute("SELECT pg_reload_conf()")
    try:
        yield me
    finally:
        hba.write_text(original)
        with web.connect() as conn:
            conn.execute("SELECT pg_reload_conf()")
            conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(sql.Identifier(INTERNAL_DB),
                                                                            sql.Identifier(me)))
            for role in (me, TRUSTED_ROLE):
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def stored():
    from rowbook.connections.models import Connection

    return set(Connection.objects.values_list("name", flat=True))


def refused(client, data) -> str:
    """Posts the add form; asserts nothing was saved and no 500; returns the page."""
    before = stored()
    page = client.post("/databases/add/", data)
    html = page.content.decode()
    assert page.status_code == 200, html
    assert stored() == before
    assert_clean(html)
    return html


def test_a_socket_directory_as_host_is_refused_though_peer_would_let_rowbook_in(client, web, lax_server_rules):
    sockets = str(web.tmp / "sock")
    html = refused(client, form(web, "Own", host=sockets, port=web.port, dbname=INTERNAL_DB,
                                user=lax_server_rules, password=""))
    assert "Host must be a host name or an IP address, not a socket directory" in html


def test_a_server_that_asks_for_no_password_is_refused(client, web, lax_server_rules):
    # trust over TCP: libpq's require_auth refuses before anything is read.
    html = refused(client, form(web, "Trusting", dbname="inventory", user=TRUSTED_ROLE, password=""))
    assert f"the server at 127.0.0.1:{web.port} did not ask for a SCRAM password (scram-sha-256)" in html


@pytest.mark.parametrize("host", ["127.0.0.1,127.0.0.2", "127.0.0.1\nX-Injected: 1", "db host", "\x1b[2Jdb"])
def test_host_lists_spaces_and_control_characters_are_refused(client, web, host):
    html = refused(client, form(web, "Odd host", host=host))
    assert "Host must be one host, not a list" in html or "Host must not hold spaces or control characters" in html
    # The message quotes the value with its control characters escaped (the
    # form field itself gives back what was typed, as any form does).
    message = html[html.index('id="id_host_error"'):]
    assert "\x1b" not in message and "\n" not in message.split("</li>")[0]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST", "::1"])
def test_rowbooks_own_database_is_refused_by_its_address(client, web, host):
    html = refused(client, form(web, "Own", host=host, dbname=INTERNAL_DB, user=INTERNAL_USER,
                                password=INTERNAL_PASSWORD))
    assert "names Rowbook&#x27;s own database (&quot;rowbook_web&quot;)" in html


def test_a_database_with_rowbooks_own_tables_is_refused_whatever_its_address(client, web):
    # Another address of the same server, or another Rowbook's internal database.
    name = web.create_db("looks_like_rowbook", owner="postgres")
    with web.connect(name) as conn:
        conn.execute("CREATE TABLE rowbook_connections_connection (id int); CREATE TABLE django_session (k text);"
                     "GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    html = refused(client, form(web, "Lookalike", dbname=name))
    assert "this database holds Rowbook&#x27;s own tables" in html


def test_a_stored_socket_connection_is_refused_when_browsed(client, web, lax_server_rules):
    # Saved by 0.1.3, which accepted it: browsing it must not open Rowbook's own database.
    from rowbook.connections.models import Connection

    old = Connection.objects.create(name="Saved by 0.1.3", host=str(web.tmp / "sock"), port=web.port,
                                    dbname=INTERNAL_DB, user=lax_server_rules)
    try:
        client.post(f"/databases/{old.pk}/activate/")
        page = client.get("/tables/")
        html = page.content.decode()
        assert page.status_code == 200
        assert "not a socket directory" in html and "auth_user" not in html
    finally:
        old.delete()


@contextmanager
def clear_text_password_server():
    """A stand-in PostgreSQL server that asks every client for a clear-text
    password and keeps what it receives. Yields (port, received)."""
    received: list[bytes] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve(conn):
        with conn:
            conn.settimeout(5)
            try:
                while True:
                    length, code = struct.unpack("!II", conn.recv(8, socket.MSG_WAITALL))
                    conn.recv(length - 8, socket.MSG_WAITALL)
                    if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest: not here
                        conn.sendall(b"N")
                        continue
                    conn.sendall(b"R" + struct.pack("!II", 8, 3))  # AuthenticationCleartextPassword
                    answer = conn.recv(65536)
                    if answer:
                        received.append(answer)
                    return
            except (OSError, struct.error):
                return

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                continue
            serve(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], received
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_no_password_goes_to_a_server_that_asks_for_it_in_clear_text(client, web):
    with clear_text_password_server() as (port, received):
        html = refused(client, form(web, "Phished", port=port))
        assert f"the server at 127.0.0.1:{port} did not ask for a SCRAM password" in html
    assert received == []


def test_changing_host_port_or_user_asks_for_the_password_again(client, web):
    connection = add(client, web, "Moves")
    with clear_text_password_server() as (port, received):
        for change in ({"host": "localhost"}, {"port": port}, {"user": INTERNAL_USER}):
            page = client.post(f"/databases/{connection.pk}/edit/",
                               form(web, "Moves", password="", version=version_of(connection), **change))
            html = page.content.decode()
            assert page.status_code == 200, change
            assert "Enter the password again: the host, port, user or TLS setting changed" in html, change
            assert_clean(html)
    assert received == []
    connection.refresh_from_db()
    assert (connection.host, connection.port, connection.user) == (web.host, web.port, "reader")
    # With the password entered again, the move is made.
    page = client.post(f"/databases/{connection.pk}/edit/",
                       form(web, "Moves", host="localhost", version=version_of(connection)))
    assert page.status_code == 302, page.content.decode()
    connection.refresh_from_db()
    assert connection.host == "localhost" and connection.params()["password"] == READER_PASSWORD
    connection.delete()


def test_check_refuses_rowbooks_own_database_as_the_user_database_url(pg, internal_db):
    url = pg.url(internal_db, user=INTERNAL_USER, password=INTERNAL_PASSWORD)
    out = run_rowbook(["check"], base_env(pg, internal_db, ROWBOOK_USER_DATABASE_URL=url))
    assert out.returncode == 2, out.stdout + out.stderr
    assert f'ROWBOOK_USER_DATABASE_URL names Rowbook\'s own database ("{internal_db}")' in out.stderr
    assert_clean(out.stdout + out.stderr)


# ROWBOOK_DATABASE_HOSTS: which servers a user may make Rowbook connect to.

@pytest.fixture
def database_hosts(monkeypatch):
    """Set ROWBOOK_DATABASE_HOSTS for one test, as `rowbook serve` would read it."""
    from django.conf import settings

    from rowbook import user_databases

    def set_to(raw: str) -> None:
        allowed, problem = user_databases.parse_allowed_hosts(raw)
        assert not problem
        monkeypatch.setitem(settings.ENV, "ROWBOOK_DATABASE_HOSTS", allowed)
    return set_to


@pytest.mark.parametrize("host, shown", [
    ("198.51.100.7", '"198.51.100.7"'),  # a public address (TEST-NET-2)
    ("169.254.169.254", '"169.254.169.254"'),  # a cloud's metadata service: link-local, not private
    ("::ffff:198.51.100.7", '"::ffff:198.51.100.7"'),  # the public address, written as IPv6
])
def test_by_default_a_server_outside_this_machine_and_private_networks_is_refused(client, web, host, shown):
    with clear_text_password_server() as (port, received):
        html = unescape(refused(client, form(web, "Outside", host=host, port=port)))
    assert (f"Host {shown} is not among the servers this Rowbook may connect to (ROWBOOK_DATABASE_HOSTS: "
            "this machine and private networks). An admin can add it to ROWBOOK_DATABASE_HOSTS") in html
    assert received == []


def test_an_unknown_host_name_is_refused_with_the_spelling_to_check(client, web):
    html = unescape(refused(client, form(web, "Typo", host="no-such-server.invalid")))
    assert 'Host: no server named "no-such-server.invalid" was found. Check the spelling' in html


def test_a_name_is_allowed_by_its_addresses_or_by_itself(client, web, database_hosts):
    database_hosts("10.0.0.0/8")  # loopback not listed: localhost resolves to it
    html = unescape(refused(client, form(web, "By name", host="localhost")))
    assert 'Host "localhost" (127.0.0.1) is not among the servers this Rowbook may connect to ' \
           '(ROWBOOK_DATABASE_HOSTS: "10.0.0.0/8")' in html
    assert "for example ROWBOOK_DATABASE_HOSTS=10.0.0.0/8,localhost" in html
    database_hosts("10.0.0.0/8,LocalHost")  # listed by name (any case): allowed, and it connects
    connection = add(client, web, "By name", host="localhost")
    connection.delete()
    database_hosts("127.0.0.1")
    connection = add(client, web, "By address", host="localhost")
    client.post(f"/databases/{connection.pk}/activate/")
    database_hosts("10.0.0.0/8")  # narrowed after it was stored: browsing it is refused too
    html = unescape(client.get("/tables/").content.decode())
    assert "is not among the servers this Rowbook may connect to" in html and "auth_user" not in html
    connection.delete()


def test_any_host_is_allowed_with_a_star(client, web, database_hosts):
    database_hosts("*")
    with clear_text_password_server() as (port, received):
        html = unescape(refused(client, form(web, "Anything", host="127.0.0.1", port=port)))
    assert "did not ask for a SCRAM password" in html and received == []  # reached, and still no password


def test_the_checked_addresses_are_the_ones_libpq_connects_to():
    """A name's DNS answer is read once: libpq gets the checked addresses as
    hostaddr, so a second answer (DNS rebinding) cannot lead it elsewhere."""
    from rowbook import user_databases

    allowed, _ = user_databases.parse_allowed_hosts("private")
    answers = iter([[(None, None, None, "", ("10.1.2.3", 5432))], [(None, None, None, "", ("198.51.100.7", 5432))]])
    assert user_databases.addresses_to_connect("db.example.net", 5432, allowed, "Host",
                                               resolve=lambda *a, **k: next(answers)) == ("10.1.2.3",)
    mixed = [(None, None, None, "", ("10.1.2.3", 5432)), (None, None, None, "", ("198.51.100.7", 5432))]
    with pytest.raises(user_databases.NotAllowed, match=r'"db.example.net" \(198.51.100.7\) is not among'):
        user_databases.addresses_to_connect("db.example.net", 5432, allowed, "Host", resolve=lambda *a, **k: mixed)


@pytest.mark.parametrize("raw", ["*.example.com", "private,*.Example.COM", "db.example.com,*.example.com"])
def test_a_wildcard_allows_names_under_the_domain_only(raw):
    from rowbook import user_databases

    allowed, problem = user_databases.parse_allowed_hosts(raw)
    assert not problem
    assert allowed.allows_name("db.example.com") and allowed.allows_name("a.b.example.com")
    assert not allowed.allows_name("example.com.evil.net") and not allowed.allows_name("notexample.com")


def test_hostile_database_hosts_settings_are_refused_without_a_traceback():
    from rowbook import user_databases

    for raw in ["x" * 10_000, "private,\x00", "private,db\u202e.example.com", "10.0.0.0/33", "*.", ",,,"]:
        allowed, problem = user_databases.parse_allowed_hosts(raw)
        assert allowed is None and problem.startswith("ROWBOOK_DATABASE_HOSTS ")
        assert "\x00" not in problem and "\u202e" not in problem and len(problem) < 400
