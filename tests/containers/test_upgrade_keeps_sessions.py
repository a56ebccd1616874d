"""An upgrade from one release to the next with Compose keeps what admins
have (#38): the admin, a connection stored by the older Databases page (its
encrypted password still opens the database under the newer release's
rules: 0.1.4's SCRAM only, 0.1.5's pause on failed tests) and a session
signed in before the upgrade. The Upgrade page's own Compose scenario goes
from 0.1.1; this is the step most installs take, for each release since
0.1.3 (the first whose createadmin reads the password from the environment)."""

from __future__ import annotations

import html
import secrets
import urllib.request

import pytest

from guide_runner import releases
from tests.service.test_service_sign_in_limit import Browser

from .conftest import good_env


def _each_upgrade_since_0_1_3() -> list[tuple[str, str]]:
    versions = list(releases.versions())
    return [(old, new) for old, new in zip(versions, versions[1:])
            if releases.key(old) >= releases.key("0.1.3")]


@pytest.mark.parametrize(("old", "new"), _each_upgrade_since_0_1_3())
def test_an_upgrade_keeps_the_admin_a_stored_connection_and_a_session(project, old, new):
    env = good_env(ROWBOOK_VERSION=old)
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

    browser = Browser(8000, Host="localhost")
    status, page, _ = browser.sign_in("admin", admin_password)
    assert status == 200 and "Sign out" in page, page
    status, page, _ = browser.submit("/databases/add/", {"name": "Shop", "host": "db", "port": "5432",
                                                         "dbname": "shop", "user": "reader",
                                                         "password": reader_password})
    assert 'Added "Shop"' in html.unescape(page), page
    assert "orders" in browser.open("/")[1]

    # The upgrade, as the Upgrade page does it: the new version in .env, then up.
    project.write_env({**env, "ROWBOOK_VERSION": new})
    project.up()
    assert f'"{new}"' in urllib.request.urlopen("http://127.0.0.1:8000/version", timeout=10).read().decode()

    # The same browser is still signed in, and the stored connection opens with its stored password.
    status, page, _ = browser.open("/")
    assert "Sign out" in page, "the session did not survive the upgrade"
    assert status == 200 and "Tables in Shop" in page and "orders" in page, page
    status, page, _ = browser.open("/databases/")
    assert status == 200 and "Sign out" in page and "Shop" in page
    users = project.exec("rowbook", "rowbook", "shell", "-c",
                         "from django.contrib.auth.models import User; "
                         "print(list(User.objects.filter(is_superuser=True).values_list('username', flat=True)))")
    assert users.strip().splitlines()[-1] == "['admin']"
