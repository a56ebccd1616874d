"""The Databases page: add (tested first), switch, browse, rename, remove; passwords
encrypted at rest. Django's test client against the real cluster."""

from contextlib import contextmanager

import psycopg
from django.core.management import call_command

from tests.service.rowbook_testkit import (ADMIN_PASSWORD, INTERNAL_PASSWORD, INTERNAL_USER, READER_PASSWORD,
                      assert_clean, new_client)


def form(pg, name, dbname="inventory", password=READER_PASSWORD, **extra):
    return {"name": name, "host": pg.host, "port": pg.port, "dbname": dbname, "user": "reader",
            "password": password, **extra}


def version_of(connection) -> int:
    """The stored version an edit form of `connection` carries (forms.py refuses older ones)."""
    from rowbook.connections.models import Connection

    return Connection.objects.get(pk=connection.pk).version


def add(client, pg, name, **kw):
    page = client.post("/databases/add/", form(pg, name, **kw))
    assert page.status_code == 302, page.content.decode()
    from rowbook.connections.models import Connection

    return Connection.objects.get(name=name)


@contextmanager
def browsing(client, pg, name, dbname):
    """The client with a new stored connection to `dbname` as its active database, removed after."""
    connection = add(client, pg, name, dbname=dbname)
    client.post(f"/databases/{connection.pk}/activate/")
    try:
        yield client
    finally:
        connection.delete()


def test_env_url_imported_once(web):
    from rowbook.connections.models import Connection

    assert Connection.objects.filter(from_env=True).count() == 1
    call_command("migrate", interactive=False, verbosity=0)  # re-running never duplicates
    assert Connection.objects.filter(from_env=True).count() == 1
    assert Connection.objects.get(from_env=True).name == "From ROWBOOK_USER_DATABASE_URL"


def test_add_on_localhost_in_a_container_says_localhost_is_the_container(client, web, monkeypatch):
    from django.conf import settings

    # As in the service image, whose ROWBOOK_INSTALL_METHOD is "image".
    monkeypatch.setattr(settings, "ROWBOOK_INSTALL_METHOD", "image")
    page = client.post("/databases/add/", form(web, "On the host", host="localhost", port=1))
    html = page.content.decode()
    assert "Cannot connect: cannot reach PostgreSQL at localhost:1 (connection refused)." in html
    assert "Rowbook runs in a container, where localhost is the container itself" in html
    assert "host.docker.internal" in html


def test_add_with_wrong_password_shows_clear_error(client, web):
    from rowbook.connections.models import Connection

    page = client.post("/databases/add/", form(web, "Broken", password="wrong-Secret-pw-00"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'Cannot connect: authentication failed for user &quot;reader&quot; on ' \
           f'127.0.0.1:{web.port}. Check the user and password.' in html
    assert "wrong-Secret-pw-00" not in html
    assert not Connection.objects.filter(name="Broken").exists()

    page = client.post("/databases/add/", form(web, "Nowhere", port=1))
    assert "Cannot connect: cannot reach PostgreSQL at 127.0.0.1:1" in page.content.decode()


def test_add_switch_and_browse(client, web):
    inventory = add(client, web, "Inventory")
    listing = client.get("/databases/").content.decode()
    assert "Inventory" in listing and "From ROWBOOK_USER_DATABASE_URL" in listing

    page = client.post(f"/databases/{inventory.pk}/activate/")
    assert page.status_code == 302 and page.url == "/tables/"
    tables = client.get("/tables/").content.decode()
    assert "Tables in Inventory" in tables and "widgets" in tables and "customers" not in tables
    rows = client.get("/tables/public/widgets/").content.decode()
    assert "W-1" in rows and "W-2" in rows
    assert_clean(tables + rows)

    # Active is per user: another user still sees the imported database.
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("bob", "bob@example.com", ADMIN_PASSWORD)
    bob = new_client()
    assert bob.login(username="bob", password=ADMIN_PASSWORD)
    assert "customers" in bob.get("/tables/").content.decode()

    from rowbook.connections.models import Connection

    shop = Connection.objects.get(from_env=True)
    client.post(f"/databases/{shop.pk}/activate/")
    assert "customers" in client.get("/tables/").content.decode()


def test_password_is_encrypted_at_rest(client, web):
    add(client, web, "Secret check")
    with psycopg.connect(host=web.host, port=web.port, user=INTERNAL_USER,
                         password=INTERNAL_PASSWORD, dbname="rowbook_web") as conn:
        rows = conn.execute("SELECT name, password_encrypted, "
                            "row_to_json(c)::text FROM rowbook_connections_connection c").fetchall()
    assert rows
    for name, token, whole in rows:
        assert READER_PASSWORD not in whole, name
        assert token.startswith("gAAAA"), name  # a Fernet token
    from rowbook.connections.models import Connection

    assert Connection.objects.get(name="Secret check").params()["password"] == READER_PASSWORD


def test_rename_and_remove(client, web):
    connection = add(client, web, "Old name")
    page = client.post(f"/databases/{connection.pk}/edit/",
                       form(web, "New name", password="", version=version_of(connection)))  # empty: keep the password
    assert page.status_code == 302, page.content.decode()
    connection.refresh_from_db()
    assert connection.name == "New name"
    assert connection.params()["password"] == READER_PASSWORD

    assert "Remove New name?" in client.get(f"/databases/{connection.pk}/remove/").content.decode()
    assert client.post(f"/databases/{connection.pk}/remove/").status_code == 302
    from rowbook.connections.models import Connection

    assert not Connection.objects.filter(pk=connection.pk).exists()


def test_password_from_another_secret_key(client, web):
    from rowbook.connections import crypto
    from rowbook.connections.models import Connection

    stale = Connection.objects.create(
        name="Stale", host=web.host, port=web.port, dbname="inventory", user="reader",
        password_encrypted=crypto.encrypt(READER_PASSWORD, "another-secret-key-" + "z" * 30))
    listing = client.get("/databases/").content.decode()
    assert "cannot be decrypted" in listing
    client.post(f"/databases/{stale.pk}/activate/")
    tables = client.get("/tables/")
    assert tables.status_code == 200
    assert "SECRET_KEY has changed" in tables.content.decode()

    # Re-entering the password fixes it.
    page = client.post(f"/databases/{stale.pk}/edit/", form(web, "Stale", version=version_of(stale)))
    assert page.status_code == 302
    assert "widgets" in client.get("/tables/").content.decode()
    stale.delete()


def test_no_database_message(web):
    from django.contrib.auth import get_user_model

    from rowbook.connections.models import Connection, UserPreference

    get_user_model().objects.create_user("carol", "c@example.com", ADMIN_PASSWORD)
    saved = list(Connection.objects.all())
    prefs = list(UserPreference.objects.values_list("user_id", "active_id"))
    Connection.objects.all().delete()
    try:
        c = new_client()
        c.login(username="carol", password=ADMIN_PASSWORD)
        html = c.get("/tables/").content.decode()
        assert "No database to browse yet" in html and "/databases/" in html
    finally:
        for connection in saved:
            connection.save()
        for user_id, active_id in prefs:
            UserPreference.objects.filter(user_id=user_id).update(active_id=active_id)
