"""TLS per stored connection (issue #38): a user chooses how Rowbook talks to
their server (libpq's sslmode) and may give the CA that signed its
certificate. On the real PostgreSQL cluster with TLS turned on for this
module (a CA and a server certificate made here with openssl), and the
stand-in server that offers no TLS."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from html import unescape

import pytest

from tests.service.rowbook_testkit import assert_clean
from tests.service.test_service_connection_safety import clear_text_password_server, refused
from tests.service.test_service_connections import form, version_of


def openssl(*args: str, cwd) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def tls_server(web):
    """TLS on the test cluster, with a certificate for "localhost" signed by a
    CA of this module; also a second CA that signed nothing. Yields (ca, other_ca)
    as PEM text; TLS is turned off again after the module."""
    folder = web.tmp / "tls"
    folder.mkdir()
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-subj", "/CN=Rowbook test CA", "-days", "2", cwd=folder)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.crt",
            "-subj", "/CN=Another CA", "-days", "2", cwd=folder)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=localhost", cwd=folder)
    (folder / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "san.ext", cwd=folder)
    (folder / "server.key").chmod(0o600)  # PostgreSQL refuses a key others can read
    if os.geteuid() == 0:  # the cluster runs as postgres (rowbook_testkit.cluster)
        for path in (folder, folder / "server.key", folder / "server.crt"):
            shutil.chown(path, "postgres")
    with web.connect() as conn:
        conn.execute(f"ALTER SYSTEM SET ssl_cert_file = '{folder / 'server.crt'}'")
        conn.execute(f"ALTER SYSTEM SET ssl_key_file = '{folder / 'server.key'}'")
        conn.execute("ALTER SYSTEM SET ssl = on")
        conn.execute("SELECT pg_reload_conf()")
    try:
        yield (folder / "ca.crt").read_text(), (folder / "other.crt").read_text()
    finally:
        with web.connect() as conn:
            for setting in ("ssl", "ssl_cert_file", "ssl_key_file"):
                conn.execute(f"ALTER SYSTEM RESET {setting}")
            conn.execute("SELECT pg_reload_conf()")


def added(client, data):
    page = client.post("/databases/add/", data)
    assert page.status_code == 302, unescape(page.content.decode())[-1500:]
    from rowbook.connections.models import Connection

    return Connection.objects.get(name=data["name"])


def test_verify_full_with_the_servers_ca_connects_over_tls_and_browses(client, web, tls_server):
    from django.conf import settings

    from rowbook import dbprobe

    ca, _ = tls_server
    before = set(glob.glob(f"{tempfile.gettempdir()}/rowbook-ca-*"))
    connection = added(client, form(web, "Checked", host="localhost", tls="verify-full", ca_certificate=ca))
    try:
        assert connection.tls == "verify-full" and "BEGIN CERTIFICATE" in connection.ca_certificate
        assert "TLS, CA and host name checked" in client.get("/databases/").content.decode()
        client.post(f"/databases/{connection.pk}/activate/")
        page = client.get("/tables/")
        assert page.status_code == 200 and "Cannot" not in page.content.decode()
        hints = dbprobe.for_install_method(dbprobe.FORM, "compose")
        with dbprobe.connect_user_database(connection.params(), dbprobe.internal_params(settings.ENV), hints,
                                           settings.ENV["ROWBOOK_DATABASE_HOSTS"]) as conn:
            assert conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone() == (True,)
        assert set(glob.glob(f"{tempfile.gettempdir()}/rowbook-ca-*")) == before  # the CA's file is gone
    finally:
        connection.delete()


def test_verify_full_refuses_a_certificate_made_for_another_name(client, web, tls_server):
    ca, _ = tls_server
    html = unescape(refused(client, form(web, "By address", host="127.0.0.1", tls="verify-full", ca_certificate=ca)))
    assert f'the certificate of the server at 127.0.0.1:{web.port} is not made for the host name "127.0.0.1"' in html
    # verify-ca checks the CA only: the same server by address is accepted.
    added(client, form(web, "CA only", host="127.0.0.1", tls="verify-ca", ca_certificate=ca)).delete()


@pytest.mark.parametrize("which, said", [("other", "the CA certificate entered"),
                                         ("none", "a CA this machine trusts (none was entered)")])
def test_a_certificate_not_signed_by_the_ca_is_refused(client, web, tls_server, which, said):
    ca = tls_server[1] if which == "other" else ""
    html = unescape(refused(client, form(web, "Wrong CA", host="localhost", tls="verify-full", ca_certificate=ca)))
    assert f"the certificate of the server at localhost:{web.port} is not signed by {said}" in html


def test_require_refuses_a_server_without_tls_before_any_password(client, web):
    with clear_text_password_server() as (port, received):
        html = unescape(refused(client, form(web, "Plain", port=port, tls="require")))
    assert f"the server at 127.0.0.1:{port} does not offer TLS, and this database is set to require it" in html
    assert received == []


@pytest.mark.parametrize("ca, tls, said", [
    ("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----", "verify-full", "holds a private key"),
    ("not a certificate at all", "verify-full", "is not a certificate in PEM form"),
    ("-----BEGIN CERTIFICATE-----\n" + "A" * 70_000 + "\n-----END CERTIFICATE-----", "verify-ca", "is too long"),
    ("-----BEGIN CERTIFICATE-----\n\x1b[31m\n-----END CERTIFICATE-----", "verify-ca", "is not a certificate in PEM form"),
    ("CA", "prefer", ""),  # replaced by a real CA below: a CA with an unchecked mode
    ("", "verify-everything", "Select a valid choice"),
])
def test_a_wrong_ca_or_tls_value_is_refused_with_a_message(client, web, tls_server, ca, tls, said):
    if ca == "CA":
        ca, said = tls_server[0], "A CA certificate is used only by the two TLS settings that check the certificate"
    html = unescape(refused(client, form(web, "Bad TLS", host="localhost", tls=tls, ca_certificate=ca)))
    assert said in html
    assert_clean(html)


def test_changing_the_tls_setting_asks_for_the_password_again(client, web):
    connection = added(client, form(web, "Downgrade", tls="require"))
    try:
        page = client.post(f"/databases/{connection.pk}/edit/",
                           form(web, "Downgrade", password="", tls="prefer", version=version_of(connection)))
        assert "Enter the password again: the host, port, user or TLS setting changed" in unescape(page.content.decode())
        connection.refresh_from_db()
        assert connection.tls == "require"
    finally:
        connection.delete()
