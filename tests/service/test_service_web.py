"""The web UI through Django's test client, against the real PostgreSQL cluster."""

import json

from tests.service.rowbook_testkit import ADMIN_PASSWORD, assert_clean, new_client


def test_login_page(web):
    page = new_client().get("/login/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Sign in · Rowbook</title>" in html
    assert "Sign in to Rowbook" in html
    assert "rowbook/style.css" in html


def test_pages_need_login(web):
    for url in ("/tables/", "/tables/public/customers/"):
        page = new_client().get(url)
        assert page.status_code == 302 and page.url.startswith("/login/"), url


def test_login_and_logout(web):
    c = new_client(enforce_csrf_checks=True)
    c.get("/login/")
    token = c.cookies["csrftoken"].value
    page = c.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD,
                              "csrfmiddlewaretoken": token})
    assert page.status_code == 302
    assert c.get("/tables/").status_code == 200
    bad = c.post("/login/", {"username": "alice", "password": "nope"})
    assert bad.status_code in (302, 403)


def test_tables_with_counts(client):
    html = client.get("/tables/").content.decode()
    assert "Schema public" in html and "Schema sales" in html
    assert "/tables/public/customers/" in html
    assert ">120<" in html  # exact row count of customers
    assert_clean(html)


def test_rows_are_paginated(client):
    first = client.get("/tables/public/customers/").content.decode()
    assert "Customer 1<" in first and "Customer 50<" in first and "Customer 51<" not in first
    assert "Page 1 of 3" in first
    last = client.get("/tables/public/customers/?page=3").content.decode()
    assert "Customer 101<" in last and "Customer 120<" in last
    assert "showing 101–120" in last


def test_quoted_identifiers(client):
    page = client.get('/tables/sales/Odd "Name"/')
    assert page.status_code == 200
    assert "quoted" in page.content.decode()
    assert client.get("/tables/sales/nope/").status_code == 404
    assert client.get("/tables/public/customers; drop table x/").status_code == 404


def test_healthz_and_version(web):
    import rowbook

    assert new_client().get("/healthz").content == b"ok"
    page = new_client().get("/version")
    assert json.loads(page.content) == {"version": rowbook.__version__}


def test_secure_cookies_only_on_https(web):
    plain = new_client().get("/login/")
    assert not plain.cookies["csrftoken"]["secure"]
    assert plain.cookies["csrftoken"]["httponly"]
    secure = new_client().get("/login/", secure=True)
    assert secure.cookies["csrftoken"]["secure"]


def test_every_cookie_set_over_https_is_secure_and_https_answers_carry_hsts(web):
    # Signing in sets the session cookie, and the redirect's message its own:
    # the middlewares that set them run after ours, which must still see them.
    c = new_client(enforce_csrf_checks=True)
    c.get("/login/", secure=True)
    page = c.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD,
                              "csrfmiddlewaretoken": c.cookies["csrftoken"].value},
                  secure=True, headers={"Origin": "https://rowbook.example.com"})
    assert page.status_code == 302
    assert page.cookies["sessionid"]["secure"] and page.cookies["sessionid"]["httponly"]
    assert page.cookies["csrftoken"]["secure"]  # rotated at sign-in
    assert page["Strict-Transport-Security"] == "max-age=31536000"
    out = c.post("/logout/", {"csrfmiddlewaretoken": c.cookies["csrftoken"].value},
                 secure=True, headers={"Origin": "https://rowbook.example.com"})
    assert all(morsel["secure"] for morsel in out.cookies.values()), out.cookies
    # Over plain http no cookie is Secure and no HSTS is sent (plain-http installs keep working).
    plain = new_client()
    plain.get("/login/")
    page = plain.post("/login/", {"username": "alice", "password": ADMIN_PASSWORD})
    assert not page.cookies["sessionid"]["secure"] and "Strict-Transport-Security" not in page


def test_a_message_cookie_set_over_https_is_secure(client, web):
    from rowbook.connections.models import Connection

    gone = Connection.objects.create(name="To remove", host=web.host, port=web.port, dbname="x", user="reader")
    page = client.post(f"/databases/{gone.pk}/remove/", secure=True)
    assert page.status_code == 302
    assert page.cookies["messages"]["secure"]


def test_every_page_has_a_strict_content_security_policy(client, web):
    from rowbook.core.middleware import CONTENT_SECURITY_POLICY

    for url in ("/login/", "/tables/", "/databases/", "/about/", "/healthz", "/nope/"):
        page = client.get(url)
        assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    assert "script-src" not in CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in CONTENT_SECURITY_POLICY


def test_only_admins_see_the_version_in_the_footer(web):
    import rowbook

    from tests.service.rowbook_testkit import signed_in

    shown = f"<footer>Rowbook {rowbook.__version__}</footer>"
    assert "<footer>Rowbook</footer>" in new_client().get("/login/").content.decode()
    assert shown not in signed_in("footer-user").get("/databases/").content.decode()
    assert shown in signed_in("footer-admin", superuser=True).get("/databases/").content.decode()
