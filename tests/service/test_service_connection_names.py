"""Names on the Databases page: unique regardless of case, enforced by PostgreSQL,
and two adds of the same name at once give one row and a form error, never a 500."""

import threading
import time

import psycopg
from django.db import connections

from tests.service.rowbook_testkit import (ADMIN_PASSWORD, INTERNAL_PASSWORD, INTERNAL_USER, READER_PASSWORD,
                             assert_clean, base_env, new_client, run_rowbook)
from tests.service.test_service_connections import version_of


def form(pg, name, **extra):
    return {"name": name, "host": pg.host, "port": pg.port, "dbname": "inventory",
            "user": "reader", "password": READER_PASSWORD, **extra}


def taken(name):
    return (f"A database named &quot;{name}&quot; already exists; names must differ in more "
            "than upper and lower case. Choose another name.")


def rows_named(name):
    from rowbook.connections.models import Connection

    return [c.name for c in Connection.objects.all() if c.name.lower() == name.lower()]


def signed_in_client():
    c = new_client(raise_request_exception=False)  # a crash is a 500, as a browser sees it
    assert c.login(username="alice", password=ADMIN_PASSWORD)
    return c


def post_in_thread(client, url, data, results, barrier=None):
    def run():
        try:
            if barrier:
                barrier.wait()
            results.append(client.post(url, data))
        finally:
            connections.close_all()  # this thread's connection to the internal database

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_names_differ_in_more_than_case(client, web):
    from rowbook.connections.models import Connection

    assert client.post("/databases/add/", form(web, "Case Test")).status_code == 302
    page = client.post("/databases/add/", form(web, "case test"))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count(taken("Case Test")) == 1, html
    assert_clean(html)

    other = Connection.objects.create(name="Other", host=web.host, port=web.port,
                                      dbname="inventory", user="reader")
    page = client.post(f"/databases/{other.pk}/edit/", form(web, "CASE TEST", version=version_of(other)))
    assert page.status_code == 200 and taken("Case Test") in page.content.decode()
    # A connection may change the case of its own name.
    case_test = Connection.objects.get(name="Case Test")
    assert client.post(f"/databases/{case_test.pk}/edit/",
                       form(web, "Case test", version=version_of(case_test))).status_code == 302
    assert rows_named("case test") == ["Case test"]
    Connection.objects.filter(pk__in=[other.pk, case_test.pk]).delete()


def test_same_name_added_at_once(web):
    from rowbook.connections.models import Connection

    for round_, spellings in enumerate([["Twin"] * 6, ["Twin", "twin", "TWIN", "tWiN"]]):
        clients = [signed_in_client() for _ in spellings]
        results, barrier = [], threading.Barrier(len(spellings))
        threads = [post_in_thread(c, "/databases/add/", form(web, name), results, barrier)
                   for c, name in zip(clients, spellings)]
        for thread in threads:
            thread.join(60)
        statuses = sorted(page.status_code for page in results)
        assert statuses == [200] * (len(spellings) - 1) + [302], (round_, statuses)
        [saved] = rows_named("twin")
        for page in results:
            if page.status_code == 200:
                assert taken(saved) in page.content.decode()
        Connection.objects.filter(name=saved).delete()


def test_add_while_another_add_of_that_name_commits(web):
    """Deterministic: the other add has inserted "Late" but not committed yet, so
    this form validates, then its INSERT waits, then the other add commits."""
    results = []
    with psycopg.connect(host=web.host, port=web.port, user=INTERNAL_USER,
                         password=INTERNAL_PASSWORD, dbname="rowbook_web") as other:
        other.execute("INSERT INTO rowbook_connections_connection (name, host, port, dbname, "
                      "\"user\", password_encrypted, from_env, created) VALUES ('Late', 'h', "
                      "5432, 'd', 'u', '', false, now())")
        thread = post_in_thread(signed_in_client(), "/databases/add/", form(web, "late"),
                                results)
        deadline = time.monotonic() + 30
        # autocommit: in a transaction, pg_stat_activity would show the same snapshot each time
        with psycopg.connect(host=web.host, port=web.port, user=INTERNAL_USER,
                             password=INTERNAL_PASSWORD, dbname="rowbook_web",
                             autocommit=True) as watch:
            while not watch.execute("SELECT 1 FROM pg_stat_activity WHERE datname = "
                                    "'rowbook_web' AND wait_event_type = 'Lock'").fetchone():
                assert thread.is_alive() and time.monotonic() < deadline, results
                time.sleep(0.05)
        other.commit()
        thread.join(30)
    [page] = results
    assert page.status_code == 200
    assert taken("Late") in page.content.decode()
    assert rows_named("late") == ["Late"]
    from rowbook.connections.models import Connection

    Connection.objects.filter(name="Late").delete()


def test_upgrade_renames_names_that_differ_only_in_case(pg, internal_db):
    env = base_env(pg, internal_db, ROWBOOK_USER_DATABASE_URL=None)
    assert run_rowbook(["migrate", "rowbook_connections", "0002"], env).returncode == 0
    with psycopg.connect(host=pg.host, port=pg.port, user=INTERNAL_USER,
                         password=INTERNAL_PASSWORD, dbname=internal_db) as conn:
        for minute, name in enumerate(["Shop", "shop", "SHOP", "shop (2)"]):
            conn.execute("INSERT INTO rowbook_connections_connection (name, host, port, dbname, "
                         "\"user\", password_encrypted, from_env, created) VALUES (%s, 'h', "
                         "5432, 'd', 'u', '', false, now() + %s * interval '1 minute')",
                         (name, minute))
        conn.execute("INSERT INTO auth_user (password, last_login, is_superuser, username, "
                     "first_name, last_name, email, is_staff, is_active, date_joined) VALUES "
                     "('!', now(), true, 'old', '', '', '', true, true, now())")
        conn.execute("INSERT INTO rowbook_connections_userpreference (user_id, active_id) "
                     "SELECT u.id, c.id FROM auth_user u, rowbook_connections_connection c "
                     "WHERE c.name = 'shop'")
    out = run_rowbook(["migrate"], env)
    assert out.returncode == 0, out.stderr
    assert out.stderr.splitlines() == [
        'rowbook: note: renamed the stored database "shop" to "shop (3)": names of databases '
        "must now differ in more than upper and lower case.",
        'rowbook: note: renamed the stored database "SHOP" to "SHOP (4)": names of databases '
        "must now differ in more than upper and lower case.",
    ]
    with psycopg.connect(host=pg.host, port=pg.port, user=INTERNAL_USER,
                         password=INTERNAL_PASSWORD, dbname=internal_db) as conn:
        names = conn.execute("SELECT name FROM rowbook_connections_connection "
                             "ORDER BY created").fetchall()
        active = conn.execute("SELECT c.name FROM rowbook_connections_userpreference p "
                              "JOIN rowbook_connections_connection c ON c.id = p.active_id"
                              ).fetchall()
        try:
            conn.execute("INSERT INTO rowbook_connections_connection (name, host, port, "
                         "dbname, \"user\", password_encrypted, from_env, created) VALUES "
                         "('sHoP', 'h', 5432, 'd', 'u', '', false, now())")
            refused = ""
        except psycopg.errors.UniqueViolation as exc:
            refused = exc.diag.constraint_name
    assert names == [("Shop",), ("shop (3)",), ("SHOP (4)",), ("shop (2)",)]
    assert active == [("shop (3)",)]
    assert refused == "rowbook_connection_name_unique_ignoring_case"
