"""An upgrade from 0.1.3 to 0.1.4 with Compose keeps what admins have (#38):
the admin, a connection stored by 0.1.3's Databases page (its encrypted
password still opens the database under 0.1.4's stricter rules) and a session
signed in before the upgrade. The Upgrade page's own Compose scenario goes
from 0.1.1; this is the step most installs take."""

from __future__ import annotations

import html
import http.cookiejar
import re
import secrets
import urllib.parse
import urllib.request

from .conftest import good_env

BASE = "http://127.0.0.1:8000"


class Visitor:
    """One browser: its cookies, and forms sent with their CSRF token, as a page sends them."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(BASE + path, timeout=20) as response:
            return response.url, html.unescape(response.read().decode())

    def post(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        _, form = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        with self.opener.open(BASE + path, data=data, timeout=30) as response:
            return response.url, html.unescape(response.read().decode())


def test_an_upgrade_from_0_1_3_keeps_the_admin_a_stored_connection_and_a_session(project):
    env = good_env(ROWBOOK_VERSION="0.1.3")
    project.write_env(env)
    project.up()
    admin_password, reader_password = secrets.token_hex(12), secrets.token_hex(12)
    project.compose("exec", "-T", "-e", f"ROWBOOK_ADMIN_PASSWORD={admin_password}", "rowbook", "rowbook",
                    "createadmin", "--no-input", "--username", "admin", "--email", "admin@example.com")
    # A database to browse, with a role of its own (SCRAM: PostgreSQL 15's default).
    psql = ("exec", "-T", "db", "psql", "-v", "ON_ERROR_STOP=1", "--username=rowbook", "--quiet")
    project.compose(*psql, "--dbname=rowbook", "-c", f"CREATE ROLE reader LOGIN PASSWORD '{reader_password}'",
                    "-c", "CREATE DATABASE shop")
    project.compose(*psql, "--dbname=shop", "-c", "CREATE TABLE orders (id int)", "-c",
                    "GRANT SELECT ON orders TO reader")

    visitor = Visitor()
    url, page = visitor.post("/login/", {"username": "admin", "password": admin_password})
    assert not url.endswith("/login/"), page
    url, page = visitor.post("/databases/add/", {"name": "Shop", "host": "db", "port": "5432", "dbname": "shop",
                                                  "user": "reader", "password": reader_password})
    assert 'Added "Shop"' in page, page
    assert "orders" in visitor.get("/")[1]

    # The upgrade, as the Upgrade page does it: the new version in .env, then up.
    project.write_env({**env, "ROWBOOK_VERSION": "0.1.4"})
    project.up()
    assert '"0.1.4"' in urllib.request.urlopen(BASE + "/version", timeout=10).read().decode()

    # The same browser is still signed in, and the stored connection opens with its stored password.
    url, page = visitor.get("/")
    assert not url.endswith(("/login/", "/login/?next=/")), "the session did not survive the upgrade"
    assert "Tables in Shop" in page and "orders" in page, page
    url, page = visitor.get("/databases/")
    assert "Shop" in page and not url.endswith("/login/?next=/databases/")
    users = project.exec("rowbook", "rowbook", "shell", "-c",
                         "from django.contrib.auth.models import User; "
                         "print(list(User.objects.filter(is_superuser=True).values_list('username', flat=True)))")
    assert users.strip().splitlines()[-1] == "['admin']"
